/* Entry grid: running sums of each breakdown against the total, so mismatches show while typing, and a cell
   that is not a whole number is marked at once. The server checks the same rules and refuses such a cell with a
   message; this is only a help. The result is text, not colour alone. */
(function () {
  "use strict";
  var form = document.getElementById("meldung-form");
  var texte = document.getElementById("summe-texte");
  if (!form || !texte) {
    return;
  }
  var gesamtFeld = form.querySelector("input[name=gesamt]");
  // Digits, optionally grouped in thousands by dots ("1.250"), as the server reads them.
  var GANZE_ZAHL = /^\s*(\d+|\d{1,3}(\.\d{3})+)\s*$/;

  function gueltig(feld) {
    return feld.value.trim() === "" || GANZE_ZAHL.test(feld.value);
  }

  function zahl(feld) {
    if (!gueltig(feld)) {
      return 0;
    }
    var n = parseInt(feld.value.replace(/\./g, ""), 10);
    return isNaN(n) ? 0 : n;
  }

  function markieren(feld) {
    // Only the live hint; a message from the server stays until the next save.
    if (feld.dataset.serverFehler === undefined) {
      feld.dataset.serverFehler = feld.classList.contains("is-invalid") ? "1" : "";
    }
    if (feld.dataset.serverFehler === "1") {
      return;
    }
    var ok = gueltig(feld);
    feld.classList.toggle("is-invalid", !ok);
    if (ok) {
      feld.removeAttribute("aria-invalid");
    } else {
      feld.setAttribute("aria-invalid", "true");
    }
  }

  function aktualisieren(event) {
    if (event && event.target && event.target.classList && event.target.classList.contains("zahl")) {
      markieren(event.target);
    }
    var gesamt = gesamtFeld && gesamtFeld.value !== "" && gueltig(gesamtFeld) ? zahl(gesamtFeld) : null;
    form.querySelectorAll("fieldset[data-summe]").forEach(function (fs) {
      var summe = 0;
      fs.querySelectorAll("input.zahl").forEach(function (feld) {
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
  // After a refused save, the summary of errors gets the focus, so keyboard and screen reader users start there.
  var uebersicht = document.getElementById("fehleruebersicht");
  if (uebersicht) {
    uebersicht.focus();
  }
})();
