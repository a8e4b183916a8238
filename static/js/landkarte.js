// The Land's map and its table: pointing at an area highlights the Bündnis's row, pointing at a row its area.
(function () {
  "use strict";
  var karte = document.querySelector(".landkarte-svg");
  if (!karte) {
    return;
  }
  function markieren(id, an) {
    document.querySelectorAll('[data-buendnis="' + id + '"]').forEach(function (el) {
      el.classList.toggle("hervorgehoben", an);
    });
  }
  document.querySelectorAll("[data-buendnis]").forEach(function (el) {
    var id = el.getAttribute("data-buendnis");
    el.addEventListener("mouseenter", function () { markieren(id, true); });
    el.addEventListener("mouseleave", function () { markieren(id, false); });
    el.addEventListener("focusin", function () { markieren(id, true); });
    el.addEventListener("focusout", function () { markieren(id, false); });
  });
})();
