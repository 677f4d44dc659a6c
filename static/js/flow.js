/* formsvc officer flow: keeps what was typed through a dropped connection or an expired session,
   warns when the tablet is offline, and shows only the fields that apply. No inline script (CSP). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var STORE = window.sessionStorage;
  var DRAFTS = "formsvc:draft:";
  var OWNER = "formsvc:owner";
  // Drafts belong to the user who typed them (an opaque per-user value from the server); the
  // sign-in page has none, so a draft waits there for the same officer to sign in again.
  var owner = document.body ? document.body.dataset.draftOwner || "" : "";
  var PREFIX = DRAFTS + owner + ":";
  var PENDING = "formsvc:pending:" + owner;

  function clearDrafts() {
    for (var i = STORE.length - 1; i >= 0; i--) {
      var key = STORE.key(i);
      if (key.indexOf(DRAFTS) === 0 || key.indexOf("formsvc:pending") === 0) {
        STORE.removeItem(key);
      }
    }
  }

  // Someone else signed in on this tablet: nothing the previous user typed is shown to them.
  if (owner) {
    try {
      if (STORE.getItem(OWNER) !== owner) { clearDrafts(); STORE.setItem(OWNER, owner); }
    } catch (e) { /* storage unavailable: nothing is kept either */ }
  }

  // The parent's screens keep nothing and restore nothing (R11): what shows is what the server
  // rendered, never the browser's memory of an earlier tap, choice, signing method or drawing,
  // whether the page comes from the back/forward cache, a reload or the browser's form restore.
  function resetParentForms() {
    document.querySelectorAll("form[data-parent-form]").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = el.defaultChecked; }
        else if ("defaultValue" in el && el.type !== "submit" && el.type !== "button") {
          if (el.name === "csrfmiddlewaretoken") { return; }
          el.value = el.defaultValue;
        }
        if (el.hasAttribute("data-signature-input")) {
          el.dispatchEvent(new Event("formsvc:reset", { bubbles: true }));
        }
      });
      form.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  window.addEventListener("pageshow", resetParentForms);

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "password" &&
        el.type !== "submit" && el.type !== "button" && !el.hasAttribute("data-no-keep") &&
        el.name !== "action";
    });
  }

  function save(form) {
    var data = {};
    keptFields(form).forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else if (el.type === "checkbox") { data[el.name] = el.checked; }
      else { data[el.name] = el.value; }
    });
    try { STORE.setItem(PREFIX + form.dataset.keep, JSON.stringify(data)); } catch (e) { /* full */ }
  }

  function restore(form) {
    var raw = STORE.getItem(PREFIX + form.dataset.keep);
    if (!raw) { return false; }
    var data, restored = false;
    try { data = JSON.parse(raw); } catch (e) { return false; }
    keptFields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      var value = data[el.name];
      if (el.type === "radio") {
        var anyChecked = form.querySelector('input[name="' + el.name + '"]:checked');
        if (!anyChecked && el.value === value) { el.checked = true; restored = true; }
      } else if (el.type === "checkbox") {
        if (!el.checked && value) { el.checked = true; restored = true; }
      } else if (!el.value && value) {
        el.value = value; restored = true;
        el.dispatchEvent(new Event("formsvc:restored", { bubbles: true }));
      }
    });
    return restored;
  }

  function banner(text, kind) {
    var el = document.getElementById("connection-banner");
    if (!el) { return; }
    el.textContent = text || "";
    el.className = "alert rounded-0 mb-0 text-center " + (kind || "alert-warning");
    el.hidden = !text;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    resetParentForms();
    var bannerEl = document.getElementById("connection-banner");
    var forms = document.querySelectorAll("form[data-keep]");
    var keys = Array.prototype.map.call(forms, function (f) { return f.dataset.keep; });

    // A form posted from the previous page is done once the app shows a page without it.
    var pending = STORE.getItem(PENDING);
    if (pending && body.dataset.flowPage && keys.indexOf(pending) === -1) {
      STORE.removeItem(PREFIX + pending);
      STORE.removeItem(PENDING);
    }

    var anyRestored = false;
    forms.forEach(function (form) {
      if (restore(form)) { anyRestored = true; }
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
      form.addEventListener("formsvc:signed", function () { save(form); });
      form.addEventListener("submit", function (event) {
        if (!navigator.onLine) {
          event.preventDefault();
          banner(bannerEl.dataset.offline);
          return;
        }
        save(form);
        STORE.setItem(PENDING, form.dataset.keep);
      });
    });
    if (anyRestored && bannerEl) { banner(bannerEl.dataset.restored, "alert-info"); }

    window.addEventListener("offline", function () { banner(bannerEl.dataset.offline); });
    window.addEventListener("online", function () { banner(""); });
    if (!navigator.onLine) { banner(bannerEl.dataset.offline); }

    // One tap submits once: a second tap on a slow connection does nothing.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        if (!navigator.onLine) { event.preventDefault(); banner(bannerEl.dataset.offline); return; }
        form.dataset.sent = "1";
      });
    });

    // Signing out hands the tablet on: nothing typed and unsaved stays for the next person.
    document.querySelectorAll("form[data-clear-drafts]").forEach(function (form) {
      form.addEventListener("submit", function () { clearDrafts(); STORE.removeItem(OWNER); });
    });

    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });

    // Notice step: interpreter fields only when an interpreter is used; operator ID by telephone.
    var noticeForm = document.querySelector("form[data-interpreter-modes]");
    if (noticeForm) {
      var modes = noticeForm.dataset.interpreterModes.split(",");
      var phone = noticeForm.dataset.telephoneMode;
      var wrap = function (name) {
        var el = noticeForm.querySelector('[name="' + name + '"]');
        return el ? el.closest(".mb-3") || el.parentElement : null;
      };
      var update = function () {
        var checked = noticeForm.querySelector('input[name="delivery_mode"]:checked');
        var mode = checked ? checked.value : "";
        ["interpreter_name", "interpreter_id", "interpreter_language"].forEach(function (n) {
          var w = wrap(n); if (w) { w.hidden = modes.indexOf(mode) === -1; }
        });
        var op = wrap("operator_id"); if (op) { op.hidden = mode !== phone; }
      };
      noticeForm.addEventListener("change", update);
      update();
    }

    // Parent's signature: the pad for a signature or mark, the reason for a refusal.
    var signForm = document.querySelector("form[data-signing-form]");
    if (signForm) {
      var show = function () {
        var checked = signForm.querySelector('input[name="method"]:checked');
        var method = checked ? checked.value : "";
        signForm.querySelectorAll("[data-show-for-method]").forEach(function (el) {
          el.hidden = el.dataset.showForMethod.split(",").indexOf(method) === -1;
        });
        window.dispatchEvent(new Event("resize"));
      };
      signForm.addEventListener("change", show);
      show();
    }
  });
})();
