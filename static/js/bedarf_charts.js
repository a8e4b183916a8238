/* Charts of the needs analysis. Data come from json_script; hidden (protected) figures are null. */
(function () {
  "use strict";
  var canvas = document.getElementById("bedarf-chart");
  var source = document.getElementById("bedarf-chart-daten");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  var daten = JSON.parse(source.textContent);
  var labels = document.getElementById("bedarf-chart-labels");
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: daten.labels,
      datasets: [
        { label: labels.dataset.bedarf, data: daten.bedarf, backgroundColor: "#a4161a" },
        { label: labels.dataset.plaetze, data: daten.plaetze, backgroundColor: "#1d4e89" }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
