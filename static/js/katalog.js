// Public catalogue: the Kommune list follows the chosen Kreis; at desk width the filter panel opens.
// The pages work without this script (the server limits the Kommunen to the chosen Kreis).
(function () {
  "use strict";

  function kommunenFolgenKreis() {
    var kreis = document.getElementById("id_buendnis");
    var kommune = document.getElementById("id_kommune");
    var daten = document.getElementById("kommunen-je-kreis");
    if (!kreis || !kommune || !daten) {
      return;
    }
    var jeKreis = JSON.parse(daten.textContent);
    var kreisNamen = {};
    var reihenfolge = [];
    Array.prototype.forEach.call(kreis.options, function (option) {
      if (option.value) {
        kreisNamen[option.value] = option.textContent;
        reihenfolge.push(option.value);
      }
    });
    var leer = kommune.querySelector("option[value='']");

    function option(paar, gewaehlt) {
      var o = document.createElement("option");
      o.value = String(paar[0]);
      o.textContent = paar[1];
      o.selected = o.value === gewaehlt;
      return o;
    }

    function aufbauen() {
      var gewaehlt = kommune.value;
      while (kommune.firstChild) {
        kommune.removeChild(kommune.firstChild);
      }
      if (leer) {
        kommune.appendChild(leer);
      }
      var ids = kreis.value ? [kreis.value] : reihenfolge;
      ids.forEach(function (id) {
        var liste = jeKreis[id] || [];
        if (!liste.length) {
          return;
        }
        var ziel = kommune;
        if (!kreis.value) {
          ziel = document.createElement("optgroup");
          ziel.label = kreisNamen[id];
          kommune.appendChild(ziel);
        }
        liste.forEach(function (paar) {
          ziel.appendChild(option(paar, gewaehlt));
        });
      });
      if (!kommune.value && leer) {
        leer.selected = true;
      }
    }

    kreis.addEventListener("change", aufbauen);
  }

  function filterAufBreitemBildschirm() {
    var filter = document.getElementById("filter");
    if (filter && window.matchMedia && window.matchMedia("(min-width: 992px)").matches) {
      filter.open = true;
    }
  }

  kommunenFolgenKreis();
  filterAufBreitemBildschirm();
})();
