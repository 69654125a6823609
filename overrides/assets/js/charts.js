/* Renders every chart on the page with Plotly, and wires the tile map and filters.
   Plotly is loaded from this site, once per visit, and only when a page has a chart.
   Re-runs on every Material instant-navigation page change (document$). */
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  var plotlySrc = here ? here.replace(/assets\/js\/charts\.js.*$/, "assets/javascripts/plotly.min.js") : null;
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = plotlySrc;
        s.async = true;
        s.onload = function () { resolve(window.Plotly); };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function renderCharts() {
    var divs = Array.prototype.slice.call(document.querySelectorAll("div.chart[data-chart]:not([data-rendered])"));
    if (!divs.length) return;
    loadPlotly().then(function (Plotly) {
      divs.forEach(function (div) {
        // The figure sits right after its div, in an inert <template> (Material re-runs every
        // <script> of a page it loads instantly); never looked up by id, which belong to headings.
        var payload = div.nextElementSibling;
        if (!payload || payload.getAttribute("data-for") !== div.getAttribute("data-chart")) return;
        var fig = JSON.parse(payload.content ? payload.content.textContent : payload.textContent);
        // Text, grid and black lines (the 12-month average) follow the colour scheme, re-drawn when it changes.
        var ink = dark() ? "#e6e6e6" : "#1a1a1a";
        fig.layout.font = Object.assign({}, fig.layout.font, { color: ink });
        ["xaxis", "yaxis"].forEach(function (axis) {
          if (fig.layout[axis] && fig.layout[axis].gridcolor) fig.layout[axis].gridcolor = dark() ? "#444444" : fig.layout[axis].gridcolor;
        });
        fig.data.forEach(function (trace) {
          if (trace.line && trace.line.color === "#000000") trace.line = Object.assign({}, trace.line, { color: ink });
        });
        Plotly.newPlot(div, fig.data, fig.layout, {
          responsive: true, displaylogo: false, showLink: false, showSendToCloud: false,
          modeBarButtonsToRemove: ["select2d", "lasso2d"]
        });
        div.setAttribute("data-rendered", "true");
      });
    });
  }

  function wireTileMap() {
    var select = document.getElementById("tilemap-layer");
    if (!select || select.dataset.wired) return;
    select.dataset.wired = "true";
    select.addEventListener("change", function () {
      var layer = select.value;
      document.querySelectorAll(".tilemap .tile").forEach(function (tile) {
        var parts = (tile.getAttribute("data-" + layer) || "").split("|");
        tile.style.background = parts[1];
        tile.style.color = parts[2];
        var value = tile.querySelector(".tile-value");
        if (value) value.textContent = parts[0];
      });
      document.querySelectorAll(".tilemap-key").forEach(function (key) {
        key.hidden = key.getAttribute("data-layer") !== layer;
      });
    });
  }

  // Tables marked data-sortable: each column heading becomes a button that sorts the rows by that column
  // (numbers as numbers, "n/a" and text after them), and says so with aria-sort.
  function sortKey(cell) {
    var text = cell.textContent.trim();
    var n = parseFloat(text.replace(/[,%+£]/g, ""));
    return isNaN(n) ? [1, text.toLowerCase()] : [0, n];
  }

  function wireSortable() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      if (table.dataset.wired) return;
      table.dataset.wired = "true";
      var heads = table.querySelectorAll("thead th");
      heads.forEach(function (th, col) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort-button";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var body = table.tBodies[0];
          Array.from(body.rows).sort(function (a, b) {
            var x = sortKey(a.cells[col]), y = sortKey(b.cells[col]);
            var order = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
            return ascending ? order : -order;
          }).forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  function wireFilters() {
    var form = document.getElementById("milestone-filters");
    if (!form || form.dataset.wired) return;
    form.dataset.wired = "true";
    var selects = form.querySelectorAll("select[data-filter]");
    function apply() {
      var shown = 0;
      document.querySelectorAll("#milestone-table tbody tr").forEach(function (row) {
        var ok = Array.prototype.every.call(selects, function (s) {
          return !s.value || row.getAttribute("data-" + s.getAttribute("data-filter")) === s.value;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      document.getElementById("milestone-count").textContent = shown + " milestones shown.";
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
  }

  // Material wraps wide tables in a scrolling div; keyboard users must be able to scroll it.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (wrap) {
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent : "Table");
    });
  }

  // A visitor's toggle between light and dark: re-draw every chart in the new scheme, no reload needed.
  var schemeWatch = new MutationObserver(function () {
    document.querySelectorAll("div.chart[data-rendered]").forEach(function (div) { div.removeAttribute("data-rendered"); });
    renderCharts();
  });
  schemeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  function run() {
    focusableScrollers();
    renderCharts();
    wireTileMap();
    wireFilters();
    wireSortable();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
