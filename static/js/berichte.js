/* Report pages: the print button (no inline handlers under the Content-Security-Policy). */
(function () {
  "use strict";
  document.querySelectorAll(".berichte-drucken").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
