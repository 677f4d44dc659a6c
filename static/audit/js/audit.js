/* The auditor's workspace: the export progress bar, and chart tables opened for printing. */
(function () {
  "use strict";

  function pollExport(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    function set(selector, text) {
      var node = box.querySelector(selector);
      if (node) { node.textContent = text; }
    }
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          bar.max = Math.max(job.total, 1);
          bar.value = job.done;
          bar.textContent = job.percent + " %";
          set("[data-export-state]", job.state_label);
          set("[data-export-done]", job.done);
          set("[data-export-total]", job.total);
          set("[data-export-percent]", job.percent);
          var error = box.querySelector("[data-export-error]");
          if (job.error) { error.textContent = job.error; error.hidden = false; }
          if (job.download_url) {
            box.querySelector("[data-export-link]").href = job.download_url;
            set("[data-export-manifest]", job.manifest_sha256);
            box.querySelector("[data-export-ready]").hidden = false;
          }
          if (job.state === "queued" || job.state === "running") {
            window.setTimeout(tick, 1500);
          }
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    tick();
  }

  function openChartTablesForPrint() {
    var closed = [];
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details.chart-data:not([open])").forEach(function (d) {
        d.open = true;
        closed.push(d);
      });
    });
    window.addEventListener("afterprint", function () {
      closed.forEach(function (d) { d.open = false; });
      closed = [];
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".export-job[data-status-url]").forEach(pollExport);
    openChartTablesForPrint();
  });
})();
