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

  // ---- Local drafts for slow or broken links -------------------------------------------------------
  // A form marked data-draft="name" keeps what is typed on this device (for this user only, for at most a
  // day) so a lost connection or a closed tab loses nothing. Offline, submitting waits and sends the form
  // when the connection is back. A draft is deleted once the server has accepted the form, and every draft
  // is deleted when the user signs out.
  var DRAFT_PREFIX = "abr-draft:";
  var DRAFT_TTL_MS = 24 * 60 * 60 * 1000;
  var owner = document.body ? (document.body.dataset.user || "") : "";

  function draftKey(form) { return DRAFT_PREFIX + owner + ":" + form.dataset.draft + ":" + location.pathname; }

  function readDraft(key) {
    try {
      var draft = JSON.parse(localStorage.getItem(key) || "null");
      if (draft && Date.now() - draft.savedAt > DRAFT_TTL_MS) { localStorage.removeItem(key); return null; }
      return draft;
    } catch (e) { return null; }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "password" && el.type !== "file" && el.name !== "csrfmiddlewaretoken" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function saveDraft(form, submitted) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (values[el.name] = values[el.name] || []).push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[el.name] = [el.value];
      }
    });
    try {
      localStorage.setItem(draftKey(form), JSON.stringify({ savedAt: Date.now(), submitted: !!submitted, values: values }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function restoreDraft(form, draft) {
    var seen = {};
    fields(form).forEach(function (el) {
      var values = draft.values[el.name];
      if (!values) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else {
        var index = seen[el.name] || 0;
        if (index < values.length) { el.value = values[index]; }
        seen[el.name] = index + 1;
      }
    });
  }

  function notice(form, text, withDiscard) {
    var box = form.querySelector(".draft-notice");
    if (!box) {
      box = document.createElement("div");
      box.className = "draft-notice message warning";
      box.setAttribute("role", "status");
      form.insertBefore(box, form.firstChild);
    }
    box.textContent = text + " ";
    if (withDiscard) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = document.body.dataset.draftDiscard || "Discard draft";
      button.addEventListener("click", function () {
        localStorage.removeItem(draftKey(form));
        location.reload();
      });
      box.appendChild(button);
    }
  }

  function setUpDraft(form) {
    var key = draftKey(form);
    var draft = readDraft(key);
    var hasErrors = !!form.querySelector(".error, .errorlist");
    if (draft && draft.submitted && !hasErrors) {
      localStorage.removeItem(key);   // the server took it
      draft = null;
    }
    if (draft && !hasErrors) {
      restoreDraft(form, draft);
      notice(form, document.body.dataset.draftRestored || "Restored what you typed earlier on this device.", true);
    }
    form.addEventListener("input", function () { saveDraft(form, false); });
    form.addEventListener("change", function () { saveDraft(form, false); });
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      if (navigator.onLine === false) {
        event.preventDefault();
        saveDraft(form, false);
        notice(form, document.body.dataset.draftOffline ||
          "No connection. What you typed is kept on this device and will be sent when the connection is back.");
        window.addEventListener("online", function () { saveDraft(form, true); form.submit(); }, { once: true });
        return;
      }
      saveDraft(form, true);
    });
  }

  function forgetDraftsOnSignOut() {
    document.addEventListener("submit", function (event) {
      if (event.target.matches("form[data-sign-out]")) {
        Object.keys(localStorage).forEach(function (key) {
          if (key.indexOf(DRAFT_PREFIX) === 0) { localStorage.removeItem(key); }
        });
      }
    });
  }

  function start() {
    owner = document.body.dataset.user || "";
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), setUpDraft);
    forgetDraftsOnSignOut();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
