// Searchable, keyboard-operable selects (Tom Select) for every <select multiple> and every <select data-suche>
// in the staff pages. Progressive enhancement: without JavaScript (or without Tom Select) the plain select stays
// and submits the same values. Tom Select moves the <label for> onto its search field, so the label still names
// the control for screen readers and for tests that find it by its label.
// A select with data-quelle (buendnis/widgets.py: too many rows to render on every page) holds only the chosen
// option; its other options come from that JSON endpoint ({"optionen": [{value, text, zusatz}]}), searched as
// the user types and, for a first choice, loaded when the field gets the focus.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }

  var englisch = (document.documentElement.lang || "de").toLowerCase().indexOf("en") === 0;
  var TEXTE = englisch ?
    { keineTreffer: "No matches", entfernen: "Remove", suchen: "Search …", vorschlaege: "Suggestions",
      laden: "Loading …", fehler: "The suggestions could not be loaded." } :
    { keineTreffer: "Keine Treffer", entfernen: "Entfernen", suchen: "Suchen …", vorschlaege: "Vorschläge",
      laden: "Wird geladen …", fehler: "Die Vorschläge konnten nicht geladen werden." };

  function entfernenKnopf() {
    var knopf = document.createElement("span");
    knopf.className = "remove";
    knopf.setAttribute("role", "button");
    knopf.setAttribute("aria-label", TEXTE.entfernen);
    knopf.title = TEXTE.entfernen;
    knopf.tabIndex = -1;
    knopf.textContent = "×";
    return knopf;
  }

  function hinweis(klasse, text) {
    var element = document.createElement("div");
    element.className = klasse;
    element.textContent = text;
    return element;
  }

  // Options from the endpoint: on focus the first ones (preload), then those matching each typed text. Tom Select
  // keeps the options it has loaded and asks for each text once; the endpoint lets the browser cache its answer.
  function fernSuche(einstellungen, quelle) {
    var fehler = false;
    einstellungen.valueField = "value";
    einstellungen.labelField = "text";
    einstellungen.searchField = ["text"];
    einstellungen.preload = "focus";
    einstellungen.load = function (suche, fertig) {
      var adresse = new URL(quelle, window.location.href);
      adresse.searchParams.set("q", suche);
      fehler = false;
      window.fetch(adresse.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (antwort) {
          if (!antwort.ok) { throw new Error(String(antwort.status)); }
          return antwort.json();
        })
        .then(function (daten) { fertig(daten.optionen || []); })
        .catch(function () { fehler = true; fertig(); });
    };
    einstellungen.render.no_results = function () {
      return hinweis("no-results", fehler ? TEXTE.fehler : TEXTE.keineTreffer);
    };
    // The Kommune's Bündnis below its name: the Land's list has the same name in more than one Kreis.
    einstellungen.render.option = function (daten, escape) {
      var zusatz = daten.zusatz ? '<small class="d-block text-body-secondary">' + escape(daten.zusatz) + "</small>" : "";
      return "<div>" + escape(daten.text) + zusatz + "</div>";
    };
  }

  function einrichten(auswahl) {
    if (auswahl.tomselect || auswahl.disabled || auswahl.closest("[data-keine-suche]")) { return; }
    var mehrfach = auswahl.multiple;
    var plugins = mehrfach ?
      { remove_button: { title: TEXTE.entfernen, html: entfernenKnopf } } : {};
    var einstellungen = {
      plugins: plugins,
      create: false,
      maxOptions: null,
      allowEmptyOption: !mehrfach,
      hideSelected: mehrfach,
      closeAfterSelect: !mehrfach,
      placeholder: auswahl.getAttribute("placeholder") || TEXTE.suchen,
      render: {
        no_results: function () { return hinweis("no-results", TEXTE.keineTreffer); },
        loading: function () { return hinweis("loading", TEXTE.laden); }
      }
    };
    var quelle = auswahl.getAttribute("data-quelle");
    if (quelle) { fernSuche(einstellungen, quelle); }
    var tom = new window.TomSelect(auswahl, einstellungen);
    // Tom Select labels its suggestion list with the field's label too; one control per label keeps "the field
    // labelled X" unambiguous (screen readers, tests). The list, opened from that field, gets a name of its own.
    // The original select stays in the form (it submits the values) but only Tom Select's field is operated:
    // hidden from assistive technology, so it is neither an unnamed control nor a second list of the options.
    auswahl.setAttribute("aria-hidden", "true");
    var liste = tom.dropdown_content;
    if (liste) {
      liste.removeAttribute("aria-labelledby");
      liste.setAttribute("aria-label", TEXTE.vorschlaege);
    }
  }

  document.querySelectorAll("main select[multiple], main select[data-suche], main select[data-quelle]")
    .forEach(einrichten);
})();
