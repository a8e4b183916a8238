// Searchable, keyboard-operable selects (Tom Select) for every <select multiple> and every <select data-suche>
// in the staff pages. Progressive enhancement: without JavaScript (or without Tom Select) the plain select stays
// and submits the same values. Tom Select moves the <label for> onto its search field, so the label still names
// the control for screen readers and for tests that find it by its label.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }

  var englisch = (document.documentElement.lang || "de").toLowerCase().indexOf("en") === 0;
  var TEXTE = englisch ?
    { keineTreffer: "No matches", entfernen: "Remove", suchen: "Search …", vorschlaege: "Suggestions" } :
    { keineTreffer: "Keine Treffer", entfernen: "Entfernen", suchen: "Suchen …", vorschlaege: "Vorschläge" };

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

  function einrichten(auswahl) {
    if (auswahl.tomselect || auswahl.disabled || auswahl.closest("[data-keine-suche]")) { return; }
    var mehrfach = auswahl.multiple;
    var plugins = mehrfach ?
      { remove_button: { title: TEXTE.entfernen, html: entfernenKnopf } } : {};
    var tom = new window.TomSelect(auswahl, {
      plugins: plugins,
      create: false,
      maxOptions: null,
      allowEmptyOption: !mehrfach,
      hideSelected: mehrfach,
      closeAfterSelect: !mehrfach,
      placeholder: auswahl.getAttribute("placeholder") || TEXTE.suchen,
      render: {
        no_results: function () {
          var hinweis = document.createElement("div");
          hinweis.className = "no-results";
          hinweis.textContent = TEXTE.keineTreffer;
          return hinweis;
        }
      }
    });
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

  document.querySelectorAll("main select[multiple], main select[data-suche]").forEach(einrichten);
})();
