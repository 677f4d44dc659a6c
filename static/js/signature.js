/* Signature pads (signature_pad, vendored): the drawing becomes a PNG data URL in a hidden field,
   which the server checks and re-encodes. A staff signature already drawn survives a page reload;
   the parent's (data-fresh) never does. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.SignaturePad !== "function") { return; }
    document.querySelectorAll("[data-signature-pad]").forEach(function (container) {
      var canvas = container.querySelector("canvas");
      var input = container.querySelector("[data-signature-input]");
      var clear = container.querySelector("[data-signature-clear]");
      var pad = new window.SignaturePad(canvas, {
        minWidth: 1, maxWidth: 3, penColor: "#0b1f44", backgroundColor: "rgba(0,0,0,0)"
      });

      function resize() {
        if (!canvas.offsetWidth) { return; }
        var ratio = Math.max(window.devicePixelRatio || 1, 1);
        var data = pad.isEmpty() ? null : pad.toData();
        canvas.width = canvas.offsetWidth * ratio;
        canvas.height = canvas.offsetHeight * ratio;
        canvas.getContext("2d").scale(ratio, ratio);
        pad.clear();
        if (data) { pad.fromData(data); }
        else if (input.value && !input.hasAttribute("data-fresh")) {
          pad.fromDataURL(input.value, { ratio: ratio });
        }
      }

      pad.addEventListener("endStroke", function () {
        input.value = pad.toDataURL("image/png");
        input.dispatchEvent(new Event("formsvc:signed", { bubbles: true }));
      });
      clear.addEventListener("click", function () {
        pad.clear();
        input.value = "";
        input.dispatchEvent(new Event("formsvc:signed", { bubbles: true }));
      });
      input.addEventListener("formsvc:restored", resize);
      // The parent's pad starts empty every time the page is shown (flow.js).
      input.addEventListener("formsvc:reset", function () { pad.clear(); input.value = ""; });
      window.addEventListener("resize", resize);
      resize();
    });
  });
})();
