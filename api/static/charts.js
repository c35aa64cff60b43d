// Charts drawn from the API's JSON with Chart.js (served by this app from node_modules).
(function () {
  "use strict";
  var colours = { lead: "#9b1c1c", participating: "#1f5f8b", responsible: "#4d6b2f" };

  function unavailable(canvas) {
    var note = document.createElement("p");
    note.className = "warn";
    note.textContent = document.documentElement.lang === "en" ? "Chart assets are not installed (npm ci)." : "图表资源未安装（npm ci）。";
    canvas.replaceWith(note);
  }

  function agencyChart(canvas) {
    var roles = JSON.parse(canvas.dataset.roles);
    var plans = JSON.parse(canvas.dataset.plans);
    fetch(canvas.dataset.source, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (agency) {
        var datasets = Object.keys(roles).map(function (role) {
          return { label: roles[role], backgroundColor: colours[role],
                   data: plans.map(function (p) { return (agency.counts[p] || {})[role] || 0; }) };
        }).filter(function (d) { return d.data.some(function (n) { return n > 0; }); });
        canvas.dataset.rendered = "true";
        new Chart(canvas, { type: "bar", data: { labels: plans, datasets: datasets },
          options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
                     scales: { x: { stacked: true, title: { display: true, text: "tasks" } }, y: { stacked: true } } } });
      });
  }

  function indicatorChart(canvas) {
    fetch(canvas.dataset.source, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (indicator) {
        var points = indicator.trajectory.filter(function (t) { return t.year; });
        canvas.dataset.rendered = "true";
        new Chart(canvas, { type: "line",
          data: { labels: points.map(function (t) { return t.year + " " + t.plan.split("/").pop(); }),
                  datasets: [{ label: indicator.labels.join(" / "), borderColor: "#9b1c1c", backgroundColor: "#9b1c1c",
                               data: points.map(function (t) { return Number(t.value); }), pointRadius: 6 }] },
          options: { maintainAspectRatio: false, animation: false,
            plugins: { tooltip: { callbacks: { label: function (c) {
              var t = points[c.dataIndex]; return t.comparator + " " + t.value + " " + (t.unit || ""); } } } },
            scales: { y: { beginAtZero: true, title: { display: true, text: (points[0] || {}).unit || "" } } } } });
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var agency = document.getElementById("agency-chart");
    var indicator = document.getElementById("indicator-chart");
    [agency, indicator].forEach(function (canvas) {
      if (!canvas) return;
      if (typeof Chart === "undefined") { unavailable(canvas); return; }
      (canvas === agency ? agencyChart : indicatorChart)(canvas);
    });
  });
})();
