/* Progress page of a background export: polls the status URL until the file is ready or the job failed. */
(function () {
  "use strict";
  var box = document.getElementById("export-fortschritt");
  if (!box) { return; }
  var url = box.dataset.statusUrl;
  var progress = box.querySelector("progress");
  var prozent = box.querySelector(".export-prozent");
  var text = box.querySelector(".export-status-text");
  var fehler = box.querySelector(".export-fehler");
  var download = box.querySelector(".export-download");

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        progress.value = data.fortschritt;
        progress.textContent = data.fortschritt + " %";
        prozent.textContent = data.fortschritt + " %";
        text.textContent = data.status_text;
        if (data.fehler) {
          fehler.textContent = data.fehler;
          fehler.classList.remove("d-none");
          return;
        }
        if (data.fertig) {
          download.classList.remove("d-none");
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
