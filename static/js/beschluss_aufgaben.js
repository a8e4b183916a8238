// "weitere Aufgabe" on the decision form: adds a task row at once (a copy of the formset's empty form) instead
// of a round trip to the server. Without JavaScript the button posts the form and the server adds the row.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var knopf = document.getElementById("aufgabe-mehr");
    var vorlage = document.getElementById("aufgabe-vorlage");
    var liste = document.getElementById("aufgaben-liste");
    var gesamt = document.getElementById("id_aufgaben-TOTAL_FORMS");
    var hoechstens = document.getElementById("id_aufgaben-MAX_NUM_FORMS");
    if (!knopf || !vorlage || !liste || !gesamt) {
      return;
    }
    knopf.addEventListener("click", function (event) {
      var anzahl = parseInt(gesamt.value, 10);
      if (hoechstens && anzahl >= parseInt(hoechstens.value, 10)) {
        return; // the server says that no more rows fit
      }
      event.preventDefault();
      var html = vorlage.innerHTML
        .replace(/__prefix__/g, String(anzahl))
        .replace(/__nummer__/g, String(anzahl + 1));
      liste.insertAdjacentHTML("beforeend", html);
      gesamt.value = String(anzahl + 1);
      var neu = liste.lastElementChild;
      var feld = neu && neu.querySelector("input, select, textarea");
      if (feld) {
        feld.focus();
      }
    });
  });
})();
