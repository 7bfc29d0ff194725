// The status page of an import job: poll its JSON status, show the lines checked and imported, and reload the
// page once the job has finished, so that the server renders the result (every bad line).
(function () {
  "use strict";
  var section = document.querySelector("[data-import-job]");
  if (!section || section.getAttribute("data-finished") === "true") {
    return;
  }
  var url = section.getAttribute("data-status-url");
  var checked = section.querySelector("[data-import-checked]");
  var imported = section.querySelector("[data-import-imported]");
  var bar = section.querySelector("[data-import-bar]");
  var delay = 1000;

  function show(status) {
    checked.textContent = String(status.lines_checked);
    imported.textContent = String(status.lines_imported);
    bar.value = status.lines_checked;
    bar.textContent = status.lines_checked + " / " + status.lines_total;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
}());
