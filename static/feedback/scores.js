// Draws each scores chart from its JSON data block (the same rounded numbers as the table under it).
(function () {
  "use strict";
  var COLOURS = ["#0b5d6b", "#c75400", "#5b3a8c", "#1d6b2c", "#a1260d", "#4a5361"];

  function draw(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-chart"));
    if (!block || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    // Lines with gaps: a month without answers is no data, not zero.
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          var colour = COLOURS[i % COLOURS.length];
          return {
            label: series.label,
            data: series.data,
            borderColor: colour,
            backgroundColor: colour,
            pointStyle: ["circle", "rect", "triangle", "rectRot", "star", "crossRot"][i % 6],
            pointRadius: 4,
            spanGaps: false
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { min: data.min, max: 100, title: { display: true, text: data.unit } }
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
