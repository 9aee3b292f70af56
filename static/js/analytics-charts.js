// The chart of an analytics report, drawn by Chart.js (installed from npm by `make install`,
// served by us) from the table the page shows beside it (the #report-chart-data JSON): the
// numbers on hover, colours from the page's own CSS variables, and the picture as a PNG.
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  var PALETTE = ["--accent", "--danger", "--ok", "--muted"];
  var FALLBACK = ["#2067b0", "#c62828", "#2e7d32", "#6b7785"];

  function colour(index) {
    return cssVar(PALETTE[index % PALETTE.length], FALLBACK[index % FALLBACK.length]);
  }

  function draw(canvas, data) {
    var pie = data.kind === "pie";
    var funnel = data.kind === "funnel";
    var ink = cssVar("--ink", "#1f2d3d");
    var line = cssVar("--line", "#dfe3e8");
    var datasets = data.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.values,
        backgroundColor: pie
          ? series.values.map(function (_v, i) { return colour(i); })
          : colour(index),
        borderWidth: 0,
      };
    });
    var scales = pie ? {} : {
      x: { ticks: { color: ink }, grid: { color: line }, beginAtZero: true },
      y: { ticks: { color: ink }, grid: { color: line }, beginAtZero: true },
    };
    // The panel's colour behind the chart, so the downloaded picture is not transparent.
    var background = {
      id: "background",
      beforeDraw: function (chart) {
        var context = chart.ctx;
        context.save();
        context.globalCompositeOperation = "destination-over";
        context.fillStyle = cssVar("--panel", "#ffffff");
        context.fillRect(0, 0, chart.width, chart.height);
        context.restore();
      },
    };
    return new window.Chart(canvas, {
      type: pie ? "doughnut" : "bar",
      plugins: [background],
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: funnel ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: pie || datasets.length > 1, labels: { color: ink } },
          tooltip: { enabled: true },
        },
        scales: scales,
      },
    });
  }

  function start() {
    var canvas = document.getElementById("report-chart");
    var source = document.getElementById("report-chart-data");
    if (!canvas || !source || !window.Chart) return;
    var chart = draw(canvas, JSON.parse(source.textContent));
    canvas.dataset.drawn = "true";
    document.querySelectorAll("[data-chart-picture]").forEach(function (link) {
      link.addEventListener("click", function () {
        link.href = chart.toBase64Image("image/png", 1);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
