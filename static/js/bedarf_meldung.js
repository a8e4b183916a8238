/* Entry grid: running sums of each breakdown against the total, so mismatches show while typing.
   The server checks the same rules; this is only a help. The result is text, not colour alone. */
(function () {
  "use strict";
  var form = document.getElementById("meldung-form");
  var texte = document.getElementById("summe-texte");
  if (!form || !texte) {
    return;
  }
  var gesamtFeld = form.querySelector("input[name=gesamt]");

  function zahl(feld) {
    var n = parseInt(feld.value, 10);
    return isNaN(n) ? 0 : n;
  }

  function aktualisieren() {
    var gesamt = gesamtFeld && gesamtFeld.value !== "" ? zahl(gesamtFeld) : null;
    form.querySelectorAll("fieldset[data-summe]").forEach(function (fs) {
      var summe = 0;
      fs.querySelectorAll("input[type=number]").forEach(function (feld) {
        summe += zahl(feld);
      });
      var anzeige = fs.querySelector("[data-summe-anzeige]");
      var text = texte.dataset.summe + ": " + summe;
      anzeige.classList.remove("text-danger", "fw-bold");
      if (gesamt !== null) {
        var passt = summe === gesamt;
        text += " – " + texte.dataset.gesamt + ": " + gesamt + " – " + (passt ? texte.dataset.passt : texte.dataset.abweichung);
        if (!passt) {
          anzeige.classList.add("text-danger", "fw-bold");
        }
      }
      anzeige.textContent = text;
    });
  }

  form.addEventListener("input", aktualisieren);
  aktualisieren();
})();
