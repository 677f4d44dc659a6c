/* Passkeys (WebAuthn) for the second factor: register one, confirm a sign-in, confirm an approval.
 * No inline script (the CSP is script-src 'self'): every address comes from data- attributes.
 *   [data-passkey-register]  data-begin-url, data-complete-url, data-next: register, then go on.
 *   [data-passkey-verify]    the same: confirm this sign-in, then go to data-next.
 *   [data-passkey-approve]   on the approval form: confirm this approval, then submit the form.
 * The server checks every answer (django-otp-webauthn); this only carries it. */
(function () {
  "use strict";

  function toBytes(value) {
    var text = value.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) { text += "="; }
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var response = credential.response, out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      out.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
    }
    return out;
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.detail || "refused"); }
        return data;
      });
    });
  }

  function show(box, key) {
    var message = box.querySelector("[data-passkey-message]");
    if (!message) { return; }
    message.textContent = message.getAttribute("data-" + key) || "";
    message.hidden = false;
  }

  function ceremony(box, run, done) {
    var button = box.querySelector("[data-passkey-button]");
    if (!button) { return; }
    button.addEventListener("click", function () {
      if (!window.PublicKeyCredential || !navigator.credentials) { show(box, "unsupported"); return; }
      button.disabled = true;
      run(box.getAttribute("data-begin-url"), box.getAttribute("data-complete-url"))
        .then(function () { done(box); })
        .catch(function () { button.disabled = false; show(box, "failed"); });
    });
  }

  function register(begin, complete) {
    return post(begin).then(function (json) {
      return navigator.credentials.create({ publicKey: creationOptions(json) });
    }).then(function (credential) { return post(complete, credentialJSON(credential)); });
  }

  function authenticate(begin, complete) {
    return post(begin).then(function (json) {
      return navigator.credentials.get({ publicKey: requestOptions(json) });
    }).then(function (credential) { return post(complete, credentialJSON(credential)); });
  }

  function goNext(box) { window.location.assign(box.getAttribute("data-next") || "/"); }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-passkey-register]").forEach(function (box) {
      ceremony(box, register, goNext);
    });
    document.querySelectorAll("[data-passkey-verify]").forEach(function (box) {
      ceremony(box, authenticate, goNext);
    });
    document.querySelectorAll("[data-passkey-approve]").forEach(function (box) {
      ceremony(box, authenticate, function () {
        var form = box.closest("form"), flag = form.querySelector("[name=second_factor_passkey]");
        if (flag) { flag.value = "1"; }
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
  });
})();
