/* The header's figures ("Meine Aufgaben", unread notifications) when the page was rendered without them:
   the server keeps them in its cache for a minute after this request, so the next pages show them directly. */
(function () {
  "use strict";
  var liste = document.querySelector("[data-navigation-zahlen]");
  if (!liste || !window.fetch) {
    return;
  }

  function zeigen(art, anzahl) {
    var badge = liste.querySelector('[data-zahl="' + art + '"]');
    if (!badge || typeof anzahl !== "number") {
      return;
    }
    badge.querySelector("[data-wert]").textContent = String(anzahl);
    badge.hidden = anzahl === 0;
  }

  fetch(liste.getAttribute("data-navigation-zahlen"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (antwort) {
      var art = antwort.headers.get("Content-Type") || "";
      return antwort.ok && art.indexOf("application/json") === 0 ? antwort.json() : null;
    })
    .then(function (zahlen) {
      if (zahlen) {
        zeigen("wartend", zahlen.wartend);
        zeigen("ungelesen", zahlen.ungelesen);
      }
    })
    .catch(function () {
      /* Without the figures the links still work. */
    });
})();
