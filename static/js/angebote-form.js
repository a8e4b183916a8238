// Offer form: a kreisweit offer has no single Kommunen, and a condition only matters for restricted access.
// Progressive enhancement only; the server validates the same rules.
(function () {
  "use strict";
  var kreisweit = document.getElementById("id_kreisweit");
  var kommunen = document.querySelectorAll("input[name='kommunen']");
  function kommunenUmschalten() {
    if (!kreisweit) { return; }
    kommunen.forEach(function (box) {
      box.disabled = kreisweit.checked;
      if (kreisweit.checked) { box.checked = false; }
    });
  }
  if (kreisweit) {
    kreisweit.addEventListener("change", kommunenUmschalten);
    kommunenUmschalten();
  }
  document.querySelectorAll("select[name$='-art']").forEach(function (auswahl) {
    var bedingung = document.getElementById(auswahl.id.replace(/-art$/, "-bedingung"));
    if (!bedingung) { return; }
    function umschalten() {
      var eingeschraenkt = auswahl.value === "eingeschraenkt";
      bedingung.required = eingeschraenkt;
      bedingung.setAttribute("aria-required", eingeschraenkt ? "true" : "false");
    }
    auswahl.addEventListener("change", umschalten);
    umschalten();
  });
})();
