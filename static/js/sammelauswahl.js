// "Alle auf dieser Seite auswählen" for bulk-action tables. The header cell holds a hidden
// <span data-sammelauswahl="NAME"> with a checkbox and its label; this script reveals it and ties it to the row
// checkboxes named NAME in the same table. Without JavaScript the header checkbox stays hidden (it could do
// nothing) and each row is ticked by hand. The checkbox is a native one, so Space toggles it and screen readers
// announce "teilweise ausgewählt" (indeterminate) when only some rows are ticked.
(function () {
  "use strict";

  function einrichten(huelle) {
    var name = huelle.getAttribute("data-sammelauswahl");
    var alle = huelle.querySelector('input[type="checkbox"]');
    var tabelle = huelle.closest("table");
    if (!name || !alle || !tabelle) { return; }

    function zeilen() {
      return Array.prototype.filter.call(
        tabelle.querySelectorAll('tbody input[type="checkbox"]'),
        function (feld) { return feld.name === name && !feld.disabled; }
      );
    }

    function abgleichen() {
      var felder = zeilen();
      var angekreuzt = felder.filter(function (feld) { return feld.checked; }).length;
      alle.checked = felder.length > 0 && angekreuzt === felder.length;
      alle.indeterminate = angekreuzt > 0 && angekreuzt < felder.length;
    }

    if (zeilen().length === 0) { return; }
    alle.addEventListener("change", function () {
      // Read once: each row's change event below brings the header checkbox up to date as it goes.
      var ziel = alle.checked;
      zeilen().forEach(function (feld) {
        if (feld.checked !== ziel) {
          feld.checked = ziel;
          feld.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      abgleichen();
    });
    tabelle.addEventListener("change", function (ereignis) {
      if (ereignis.target !== alle && ereignis.target.name === name) { abgleichen(); }
    });
    abgleichen();
    huelle.hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-sammelauswahl]"), einrichten);
})();
