/* Plan Tracker charts (Chart.js 4, vendored). Nothing is told by colour alone: every status
   also has a pattern (bars) and its word (the map, drawn on the server, has shapes), and each chart has a table twin. */
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var L = data.labels;

  var COLOURS = {
    met: "#198754", on_track: "#0aa2c0", behind: "#e0a800", not_met: "#dc3545",
    not_applicable: "#adb5bd"
  };
  var STYLES = {};
  (data.shapes || []).forEach(function (s) { STYLES[s.id] = s.style; });

  /* A fill pattern per status: solid when reached, stripes when behind, cross-hatch when not
     met, dots when not applicable. */
  function pattern(status) {
    var colour = COLOURS[status] || COLOURS.not_applicable;
    if (status === "met" || status === "on_track") { return colour; }
    var size = 10, c = document.createElement("canvas");
    c.width = size; c.height = size;
    var g = c.getContext("2d");
    g.fillStyle = colour; g.globalAlpha = 0.35; g.fillRect(0, 0, size, size);
    g.globalAlpha = 1; g.strokeStyle = colour; g.lineWidth = 2;
    if (status === "not_applicable" || status === "too_few") {
      g.fillStyle = "#495057"; g.beginPath(); g.arc(5, 5, 1.5, 0, 2 * Math.PI); g.fill();
    } else {
      g.beginPath(); g.moveTo(0, size); g.lineTo(size, 0); g.stroke();
      if (status === "not_met") { g.beginPath(); g.moveTo(0, 0); g.lineTo(size, size); g.stroke(); }
    }
    return g.createPattern(c, "repeat");
  }

  function pct(v) { return v === null || v === undefined ? "n/a" : v.toFixed(1).replace(".", ",") + "%"; }

  /* Writes each bar's figure and status word next to it. */
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart, args, opts) {
      var ctx = chart.ctx, meta = chart.getDatasetMeta(0), texts = opts.texts || [];
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillStyle = "#212529";
      var values = chart.data.datasets[0].data;
      function label(text, x, y, align, baseline) {
        var w = ctx.measureText(text).width, h = 14;
        var left = align === "center" ? x - w / 2 : x;
        var top = baseline === "bottom" ? y - h : baseline === "top" ? y : y - h / 2;
        ctx.fillStyle = "rgba(255,255,255,0.85)";
        ctx.fillRect(left - 2, top, w + 4, h);
        ctx.fillStyle = "#212529";
        ctx.textAlign = align; ctx.textBaseline = baseline;
        ctx.fillText(text, x, y);
      }
      meta.data.forEach(function (bar, i) {
        var text = texts[i];
        if (!text) { return; }
        var area = chart.chartArea;
        if (opts.horizontal) {
          label(text, Math.max(bar.x, area.left) + 4, bar.y, "left", "middle");
        } else if (values[i] !== null && values[i] < 0) {
          label(text, bar.x, Math.min(bar.y, area.bottom - 14) + 2, "center", "top");
        } else {
          var y = isNaN(bar.y) || values[i] === null ? chart.scales.y.getPixelForValue(0) : bar.y;
          label(text, bar.x, Math.min(y, area.bottom) - 2, "center", "bottom");
        }
      });
      ctx.restore();
    }
  };

  function overYears(series) {
    var canvas = document.getElementById("years-" + series.metric);
    if (!canvas) { return; }
    var values = series.points.map(function (p) { return p.value; });
    var statuses = series.points.map(function (p) { return p.status.id; });
    var texts = series.points.map(function (p) {
      return p.begun ? pct(p.value) + " " + p.status.symbol : L.not_begun;
    });
    var finite = values.filter(function (v) { return v !== null; });
    var goals = series.points.map(function (p) { return p.begun ? p.goal : null; });
    var all = finite.concat(goals.filter(function (v) { return v !== null; }), [series.threshold]);
    var min = Math.min.apply(null, all.concat([0])), max = Math.max.apply(null, all.concat([0]));
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.points.map(function (p) { return p.year; }),
        datasets: [
          {
            label: series.label, data: values,
            backgroundColor: statuses.map(pattern),
            borderColor: statuses.map(function (s) { return COLOURS[s]; }), borderWidth: 1
          },
          {
            type: "line", label: L.goal, data: goals, borderColor: "#212529",
            borderDash: [6, 4], pointStyle: "line", pointRadius: 0, borderWidth: 2, spanGaps: false
          }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { top: 18 } },
        scales: {
          y: { suggestedMin: Math.min(0, min), suggestedMax: Math.max(max * 1.15, 10),
               ticks: { callback: function (v) { return v + "%"; } } }
        },
        plugins: {
          legend: { labels: { filter: function (item) { return item.datasetIndex === 1; } } },
          valueLabels: { texts: texts },
          tooltip: { callbacks: { label: function (item) {
            if (item.datasetIndex === 1) { return L.goal + ": " + pct(item.raw); }
            var p = series.points[item.dataIndex];
            return pct(p.value) + " (" + p.numerator + " / " + p.denominator + ") — " + p.status.label;
          } } }
        }
      },
      plugins: [valueLabels]
    });
  }

  function ranking() {
    var canvas = document.getElementById("ranking-chart");
    if (!canvas) { return; }
    var rows = data.ranked.concat(data.too_few.filter(function (e) { return e.denominator > 0; }));
    if (!rows.length) { canvas.parentNode.style.display = "none"; return; }
    canvas.parentNode.style.height = Math.max(160, 26 * rows.length + 70) + "px";
    var values = rows.map(function (e) { return e.value === null ? 0 : e.value; });
    var fills = rows.map(function (e) { return e.too_few ? pattern("too_few") : pattern(e.status.id); });
    var texts = rows.map(function (e) {
      var t = pct(e.value) + " " + e.status.symbol + " " + e.status.label;
      return e.too_few ? t + " — " + L.too_few + " (" + e.denominator + ")" : t;
    });
    var max = Math.max.apply(null, values.concat([data.threshold || 0, 10]));
    var goal = data.goal;
    var goalLine = {
      id: "goalLine",
      afterDatasetsDraw: function (chart) {
        if (goal === null || goal === undefined) { return; }
        var x = chart.scales.x.getPixelForValue(goal), area = chart.chartArea, ctx = chart.ctx;
        ctx.save(); ctx.strokeStyle = "#212529"; ctx.setLineDash([6, 4]); ctx.lineWidth = 2;
        ctx.beginPath(); ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom); ctx.stroke();
        ctx.setLineDash([]); ctx.fillStyle = "#212529"; ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center"; ctx.fillText(L.goal + " " + pct(goal), x, area.top - 4);
        ctx.restore();
      }
    };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (e) { return e.name; }),
        datasets: [{
          label: data.metric, data: values, backgroundColor: fills,
          borderColor: rows.map(function (e) { return COLOURS[e.status.id]; }), borderWidth: 1
        }]
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { top: 16, right: 10 } },
        scales: { x: { suggestedMin: Math.min(0, Math.min.apply(null, values)),
                       suggestedMax: max * 1.6,
                       ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: {
          legend: { display: false },
          valueLabels: { texts: texts, horizontal: true },
          tooltip: { callbacks: { label: function (item) {
            var e = rows[item.dataIndex];
            return texts[item.dataIndex] + " (" + e.numerator + " / " + e.denominator + ")";
          } } }
        }
      },
      plugins: [valueLabels, goalLine]
    });
  }

  /* The cases the ministry watches: each year's share of online cases (solid) and of cases
     with minors (striped), each bar with its figure written above it. */
  function watchedCases() {
    var canvas = document.getElementById("cases-chart");
    var cases = data.cases;
    if (!canvas || !cases) { return; }
    var CL = cases.labels;
    function stripes(colour) {
      var size = 10, c = document.createElement("canvas");
      c.width = size; c.height = size;
      var g = c.getContext("2d");
      g.fillStyle = colour; g.globalAlpha = 0.3; g.fillRect(0, 0, size, size);
      g.globalAlpha = 1; g.strokeStyle = colour; g.lineWidth = 2;
      g.beginPath(); g.moveTo(0, size); g.lineTo(size, 0); g.stroke();
      return g.createPattern(c, "repeat");
    }
    var points = cases.over_years;
    function values(name) { return points.map(function (p) { return p[name].value; }); }
    function texts(name) {
      return points.map(function (p) { return p.begun ? pct(p[name].value) : CL.not_begun; });
    }
    function dataset(name, fill, colour) {
      return { label: CL[name], data: values(name), backgroundColor: fill,
               borderColor: colour, borderWidth: 1 };
    }
    /* Each bar's figure above it, for both series. */
    var shareLabels = {
      id: "shareLabels",
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx;
        ctx.save();
        ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#212529";
        ctx.textAlign = "center"; ctx.textBaseline = "bottom";
        [["online", 0], ["minors", 1]].forEach(function (pair) {
          var written = texts(pair[0]);
          chart.getDatasetMeta(pair[1]).data.forEach(function (bar, i) {
            var y = isNaN(bar.y) ? chart.scales.y.getPixelForValue(0) : bar.y;
            ctx.fillText(written[i], bar.x, Math.min(y, chart.chartArea.bottom) - 2);
          });
        });
        ctx.restore();
      }
    };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: points.map(function (p) { return p.year; }),
        datasets: [
          dataset("online", "#0d6efd", "#0d6efd"),
          dataset("minors", stripes("#6f42c1"), "#6f42c1")
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        layout: { padding: { top: 26 } },
        scales: { y: { suggestedMin: 0, suggestedMax: 100,
                       ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: {
          tooltip: { callbacks: { label: function (item) {
            var name = item.datasetIndex === 0 ? "online" : "minors";
            var share = points[item.dataIndex][name];
            return CL[name] + ": " + pct(share.value) + " (" + share.numerator + " / " +
              share.denominator + ")";
          } } }
        }
      },
      plugins: [shareLabels]
    });
  }

  data.over_years.forEach(overYears);
  ranking();
  watchedCases();
})();
