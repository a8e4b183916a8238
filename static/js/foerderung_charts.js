// Budget overview: allocated, approved and drawn funds per Förderbaustein as a bar chart (data via json_script).
(function () {
  "use strict";
  var quelle = document.getElementById("budget-daten");
  var canvas = document.getElementById("budget-diagramm");
  if (!quelle || !canvas || typeof Chart === "undefined") {
    return;
  }
  var daten = JSON.parse(quelle.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: daten.labels,
      datasets: daten.reihen.map(function (reihe) {
        return { label: reihe.label, data: reihe.werte.map(Number) };
      }),
    },
    options: {
      responsive: true,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v.toLocaleString("de-DE") + " €"; } } } },
    },
  });
})();
