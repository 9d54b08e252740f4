// Assistance pages: a "tick everyone" box for distribution and list pages (no inline script: CSP).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target.closest("input[data-check-all]");
    if (!box) { return; }
    var form = box.closest("form") || document;
    var name = box.getAttribute("data-check-all");
    Array.prototype.forEach.call(form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'), function (el) {
      el.checked = box.checked;
    });
  });
})();
