// Draws each measures chart from its JSON data block (the same numbers as the table beside it).
(function () {
  "use strict";
  var COLOURS = ["#0b5d6b", "#c75400", "#5b3a8c", "#1d6b2c", "#a1260d", "#4a5361", "#8a6d00", "#2f5fa8"];

  function draw(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-chart"));
    if (!block || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    // Bars, not lines: a day with nothing to measure stays an honest gap.
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          var colour = COLOURS[i % COLOURS.length];
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colour,
            borderColor: colour,
            maxBarThickness: 28
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: {
            beginAtZero: true,
            suggestedMax: data.unit === "%" ? 100 : undefined,
            title: { display: true, text: data.unit }
          }
        },
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
