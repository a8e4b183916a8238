// Meeting page: after moving an agenda item (a form post and a new page), the focus returns to the button that
// was pressed (the address ends in #top-<id>-hoch or -runter), or to the item when that button is gone.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var anker = decodeURIComponent(window.location.hash.slice(1));
    if (anker.indexOf("top-") !== 0) {
      return;
    }
    var ziel = document.getElementById(anker) || document.getElementById(anker.replace(/-(hoch|runter)$/, ""));
    if (ziel) {
      ziel.focus();
    }
  });
})();
