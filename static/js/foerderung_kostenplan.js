// Cost plan of an application: "Position hinzufügen" clones the empty form row of the Django formset.
(function () {
  "use strict";
  var button = document.getElementById("kosten-hinzufuegen");
  var vorlage = document.getElementById("kosten-vorlage");
  var tbody = document.getElementById("kosten-zeilen");
  var total = document.getElementById("id_kosten-TOTAL_FORMS");
  if (!button || !vorlage || !tbody || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = vorlage.innerHTML.replace(/__prefix__/g, String(index));
    tbody.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var neu = tbody.lastElementChild;
    var erstes = neu && neu.querySelector("select, input");
    if (erstes) {
      erstes.focus();
    }
  });
})();
