// Draws every chart on a page from its JSON data block (the same numbers as the table beside it).
// <canvas data-chart="<id of the json_script block>" data-chart-type="bar|line">. The block holds
// {labels, series: [{label, data}], unit, min?}; null values stay gaps, never zero.
(function () {
  "use strict";
  var COLOURS = ["#0b5d6b", "#c75400", "#5b3a8c", "#1d6b2c", "#a1260d", "#4a5361", "#8a6d00", "#2f5fa8"];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot"];

  function dataset(type, series, i) {
    var colour = COLOURS[i % COLOURS.length];
    var common = { label: series.label, data: series.data, backgroundColor: colour, borderColor: colour };
    if (type === "line") {
      // Distinct point shapes too, so series differ by more than colour.
      return Object.assign(common, { pointStyle: POINTS[i % POINTS.length], pointRadius: 4, spanGaps: false });
    }
    return Object.assign(common, { maxBarThickness: 28 });
  }

  function yScale(type, data) {
    if (type === "line") {
      return { min: data.min, max: 100, title: { display: true, text: data.unit } };
    }
    return {
      beginAtZero: true,
      suggestedMax: data.unit === "%" ? 100 : undefined,
      title: { display: true, text: data.unit }
    };
  }

  function draw(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-chart"));
    if (!block || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    var type = canvas.getAttribute("data-chart-type") === "line" ? "line" : "bar";
    new window.Chart(canvas, {
      type: type,
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) { return dataset(type, series, i); })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: yScale(type, data) },
        plugins: { legend: { display: data.series.length > 1 } }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
