/* Bar charts of reports and dashboards (Chart.js, served locally). Data come from json_script elements:
   - #berichte-diagramme: a list of {nr, titel, labels, reihen: [{name, werte}], einheit}, drawn into
     <canvas class="berichte-chart" data-chart-nr="n">;
   - any <canvas data-chart-json="element-id">: one such object.
   Every chart has a table with the same values next to it (the accessible alternative). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var FARBEN = ["rgb(31,119,180)", "rgb(255,127,14)", "rgb(44,160,44)", "rgb(148,103,189)", "rgb(140,86,75)", "rgb(127,127,127)"];
  var zahl = new Intl.NumberFormat("de-DE");
  var euro = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });

  function zeichnen(canvas, d) {
    if (!d) { return; }
    var horizontal = d.labels.length > 6 || d.labels.some(function (l) { return l.length > 20; });
    var gestapelt = Boolean(d.gestapelt);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.reihen.map(function (r, i) {
          return {
            label: r.name,
            data: r.werte.map(function (v) { return v === null ? null : Number(v); }),
            backgroundColor: FARBEN[i % FARBEN.length]
          };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: (function () {
          var achse = {};
          achse[horizontal ? "x" : "y"] = { beginAtZero: true, stacked: gestapelt, ticks: { precision: d.einheit === "€" ? undefined : 0 } };
          achse[horizontal ? "y" : "x"] = { stacked: gestapelt };
          return achse;
        })(),
        plugins: {
          legend: { display: d.reihen.length > 1 },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.raw;
                var t = v === null ? "–" : (d.einheit === "€" ? euro.format(v) : zahl.format(v));
                return ctx.dataset.label + ": " + t;
              }
            }
          }
        }
      }
    });
  }

  var liste = document.getElementById("berichte-diagramme");
  if (liste) {
    var daten = JSON.parse(liste.textContent);
    document.querySelectorAll("canvas.berichte-chart[data-chart-nr]").forEach(function (canvas) {
      zeichnen(canvas, daten[Number(canvas.dataset.chartNr)]);
    });
  }
  document.querySelectorAll("canvas[data-chart-json]").forEach(function (canvas) {
    var el = document.getElementById(canvas.dataset.chartJson);
    if (el) { zeichnen(canvas, JSON.parse(el.textContent)); }
  });
})();
