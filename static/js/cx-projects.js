// Draws each improvement project's weekly control chart from its JSON block (the same numbers as the
// table under it): the week's value, the centre line and the control limits from the weeks before the
// change, and a dashed vertical line where the change went live. Weeks beyond the limits are drawn as
// larger triangles, so they differ by more than colour. Null values stay gaps, never zero.
(function () {
  "use strict";
  var INK = "#1b1f24";
  var BRAND = "#0b5d6b";
  var AFTER = "#c75400";
  var LIMIT = "#4a5361";
  var CHANGE = "#a1260d";

  function changeLine(index) {
    return {
      id: "projectChange",
      afterDatasetsDraw: function (chart) {
        if (index === null || index === undefined || index <= 0) {
          return;
        }
        var x = chart.scales.x;
        var area = chart.chartArea;
        var at = (x.getPixelForValue(index - 1) + x.getPixelForValue(index)) / 2;
        var ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = CHANGE;
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(at, area.top);
        ctx.lineTo(at, area.bottom);
        ctx.stroke();
        ctx.restore();
      }
    };
  }

  function limitSet(label, data, dash) {
    return {
      label: label, data: data, borderColor: LIMIT, backgroundColor: LIMIT, borderWidth: 1.5,
      borderDash: dash, pointRadius: 0, stepped: "middle", spanGaps: false
    };
  }

  function draw(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-project-chart"));
    if (!block || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    var names = data.names;
    var colours = data.after.map(function (after) { return after ? AFTER : BRAND; });
    var datasets = [
      {
        label: names.values,
        data: data.values,
        borderColor: INK,
        backgroundColor: colours,
        pointBorderColor: colours,
        pointStyle: data.beyond.map(function (b) { return b ? "triangle" : "circle"; }),
        pointRadius: data.beyond.map(function (b) { return b ? 7 : 4; }),
        borderWidth: 1.5,
        spanGaps: false
      },
      limitSet(names.centre, data.centre, []),
      limitSet(names.upper, data.upper, [4, 4]),
      limitSet(names.lower, data.lower, [4, 4]),
      // No points: only its legend entry names the dashed vertical line the plugin draws.
      { label: names.change, data: [], borderColor: CHANGE, backgroundColor: CHANGE, borderDash: [6, 4], borderWidth: 2 }
    ];
    var y = { title: { display: true, text: data.unit } };
    if (data.percent) {
      y.suggestedMin = 0;
      y.suggestedMax = 100;
    }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: y },
        plugins: {
          legend: { display: true, labels: { usePointStyle: false } },
          tooltip: {
            callbacks: {
              afterLabel: function (item) {
                return item.datasetIndex === 0 ? "n = " + data.n[item.dataIndex] : "";
              }
            }
          }
        }
      },
      plugins: [changeLine(data.change_index)]
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-project-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
