/* Page of a report in the making: polls its status and shows the report (or the failure) once the worker is done. */
(function () {
  "use strict";
  var box = document.getElementById("bericht-fortschritt");
  if (!box) { return; }
  var url = box.dataset.statusUrl;
  var text = box.querySelector(".bericht-status-text");

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        text.textContent = data.status_text;
        if (data.fertig || data.fehler) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
