// ABR behaviour that works without inline script (CSP): small progressive enhancements only.
(function () {
  "use strict";
  // The <details> menu is open by default on wide screens via CSS; on narrow screens close it after a choice.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".menu a");
    if (link) {
      var menu = link.closest("details");
      if (menu) { menu.removeAttribute("open"); }
    }
  });
  // Buttons with data-confirm ask before submitting (destructive actions).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
