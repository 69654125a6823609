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

  var narrow = window.matchMedia("(max-width: 600px)");

  // Text for Plotly's labels, which read a few HTML tags: from data, so every tag is shown as text.
  function plain(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function wrapped(text, width) {
    var lines = [], line = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; } else { line = line ? line + " " + word : word; }
    });
    if (line) lines.push(line);
    return lines;
  }

  // A picture of the chart that can travel on its own: light scheme, its title above, its source below the title.
  function downloadPicture(Plotly, gd, title, source, name) {
    var lines = wrapped(source.trim(), 140).map(plain);
    var layout = Object.assign({}, gd.layout, {
      title: { text: plain(title || "") + "<br><span style='font-size:11px'>" + lines.join("<br>") + "</span>", x: 0.01, xanchor: "left", font: { size: 15 } },
      margin: Object.assign({}, gd.layout.margin, { t: 60 + 14 * lines.length }),
      font: Object.assign({}, gd.layout.font, { color: "#1a1a1a" }),
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff"
    });
    var height = (gd.layout.height || 360) + 14 * lines.length + 30;
    ["xaxis", "yaxis"].forEach(function (axis) {
      if (layout[axis] && layout[axis].gridcolor === "#444444") layout[axis] = Object.assign({}, layout[axis], { gridcolor: "#e5e5e5" });
    });
    var data = gd.data.map(function (trace) {
      return trace.line && trace.line.color === "#e6e6e6" ? Object.assign({}, trace, { line: Object.assign({}, trace.line, { color: "#1a1a1a" }) }) : trace;
    });
    Plotly.toImage({ data: data, layout: layout }, { format: "png", width: 1000, height: height }).then(function (url) {
      var a = document.createElement("a");
      a.href = url;
      a.download = name + ".png";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  // Horizontal bars on a phone: each category's name goes above its bars, the full width of the chart,
  // instead of in a left margin that would squeeze the bars to a sliver.
  function labelsAboveBars(fig, width) {
    var bars = fig.data.filter(function (t) { return t.type === "bar" && t.orientation === "h"; });
    if (!bars.length || bars.length !== fig.data.length) return;
    var categories = bars[0].y;
    var labels = categories.map(function (c) { return wrapped(c, Math.max(20, Math.floor((width - 20) / 7))); });
    var lines = Math.max.apply(null, labels.map(function (l) { return l.length; }));
    var gap = 16 * lines + 10, barHeight = 10 * bars.length, band = gap + barHeight;
    fig.layout = Object.assign({}, fig.layout, {
      height: band * categories.length + 120,
      bargap: gap / band,
      bargroupgap: 0,
      margin: Object.assign({}, fig.layout.margin, { l: 10 }),
      yaxis: Object.assign({}, fig.layout.yaxis, { showticklabels: false }),
      annotations: (fig.layout.annotations || []).concat(categories.map(function (c, i) {
        return {
          text: labels[i].map(plain).join("<br>"), xref: "paper", x: 0, xanchor: "left", yref: "y", y: c,
          yanchor: "bottom", yshift: barHeight / 2, showarrow: false, align: "left", font: { size: 12 }
        };
      }))
    });
  }

  // Category names along the bottom that would run into each other on a phone stand upright instead.
  function uprightLabels(fig, width) {
    var first = fig.data[0];
    if (!first || first.orientation === "h" || !Array.isArray(first.x) || typeof first.x[0] !== "string") return;
    if (/^\d{4}-\d{2}/.test(first.x[0])) return;  // months: Plotly spaces its own date ticks
    var longest = Math.max.apply(null, first.x.map(function (x) { return String(x).length; }));
    if (first.x.length * longest * 6.5 <= width - 80) return;
    fig.layout = Object.assign({}, fig.layout, {
      xaxis: Object.assign({}, fig.layout.xaxis, { tickangle: -90, automargin: true }),
      height: (fig.layout.height || 360) + 6 * longest
    });
  }

  // The toolbar sits in the chart's top right corner, where a legend that wraps (on a phone) would run under
  // it: the plot moves down, and the chart grows, by as much as they overlap.
  function clearToolbar(Plotly, div) {
    var bar = div.querySelector(".modebar"), legend = div.querySelector(".legend");
    if (!bar || !legend) return;
    var a = bar.getBoundingClientRect(), b = legend.getBoundingClientRect();
    if (a.left >= b.right || b.left >= a.right || a.top >= b.bottom || b.top >= a.bottom) return;
    var shift = Math.ceil(a.bottom - b.top) + 4, layout = div.layout;
    Plotly.relayout(div, { "margin.t": (layout.margin.t || 0) + shift, height: (layout.height || 360) + shift });
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
        fig.layout.hoverlabel = Object.assign({ namelength: -1 }, fig.layout.hoverlabel);
        var title = fig.layout.title && fig.layout.title.text;
        // On a phone the heading above the chart names it: the title would be cut short under the toolbar.
        if (narrow.matches) {
          fig.layout = Object.assign({}, fig.layout, { title: { text: "" }, margin: Object.assign({}, fig.layout.margin, { t: 40, l: 50 }) });
          labelsAboveBars(fig, div.clientWidth);
          uprightLabels(fig, div.clientWidth);
        }
        var figure = div.closest("figure");
        var source = figure && figure.querySelector(".chart-source");
        Plotly.newPlot(div, fig.data, fig.layout, {
          // No toolbar on a phone: it has no hover to show it, and its corner is where a wrapped legend goes.
          responsive: true, displaylogo: false, showLink: false, showSendToCloud: false, displayModeBar: !narrow.matches,
          modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"],
          modeBarButtonsToAdd: [{
            name: "Download as a picture (PNG), with its title and source",
            icon: Plotly.Icons.camera,
            click: function (gd) { downloadPicture(Plotly, gd, title, source ? source.textContent : "", div.getAttribute("data-chart")); }
          }]
        });
        // The drawing says nothing a screen reader can use; the summary and data table below it say it all.
        // Only the drawing is hidden: the toolbar's buttons stay reachable.
        var hide = function () { div.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); }); };
        hide();
        div.on("plotly_afterplot", hide);
        clearToolbar(Plotly, div);
        div.on("plotly_afterplot", function () { clearToolbar(Plotly, div); });  // after a resize, too
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
    // The filters live in the page's address (?status=on+track&due=...), so a filtered list can be shared.
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.getAttribute("data-filter"));
      if (wanted !== null && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) s.value = wanted;
    });
    function remember() {
      var query = new URLSearchParams();
      selects.forEach(function (s) { if (s.value) query.set(s.getAttribute("data-filter"), s.value); });
      var text = query.toString();
      history.replaceState(history.state, "", window.location.pathname + (text ? "?" + text : "") + window.location.hash);
    }
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
    selects.forEach(function (s) { s.addEventListener("change", function () { apply(); remember(); }); });
    apply();
  }

  // Material wraps wide tables in a scrolling div; keyboard users must be able to scroll it.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (wrap) {
      if (wrap.closest(".table-scroll")) return;  // already inside a labelled, focusable scrolling region
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent : "Table");
    });
  }

  // Material labels a navigation section that has its own index page by a label holding only an icon, so
  // every such section is an unnamed landmark; name each after its section's link.
  function nameSections() {
    document.querySelectorAll("nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      var link = label && !label.textContent.trim() && label.parentElement.querySelector("a");
      if (!link) return;
      nav.setAttribute("aria-label", link.textContent.trim());
      nav.removeAttribute("aria-labelledby");
    });
  }

  // Each cell of a simple table is labelled with its column's heading, for when its row is a card.
  function labelCells(table) {
    var heads = table.tHead && table.tHead.rows.length === 1 ? Array.from(table.tHead.rows[0].cells) : [];
    Array.from(table.tBodies).forEach(function (body) {
      Array.from(body.rows).forEach(function (row) {
        if (row.cells.length !== heads.length) return;  // a group row across the table
        Array.from(row.cells).forEach(function (cell, i) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i].textContent.trim());
        });
      });
    });
  }

  // A table wider than its box: on a phone each row becomes a card, every value labelled, so value, change and
  // rank are all in view with no sideways scrolling; wider screens get a cue above it, since a scrollbar alone
  // is easy to miss.
  var phone = window.matchMedia("(max-width: 44.9375em)");
  function scrollCues() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      var table = box.querySelector("table");
      box.removeAttribute("data-stacked");
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (phone.matches && table && box.classList.contains("stack-on-phone")) labelCells(table);
      if (wide && phone.matches && table) {
        labelCells(table);
        box.setAttribute("data-stacked", "");
        wide = false;
      }
      box.toggleAttribute("data-more", wide);
    });
  }
  window.addEventListener("resize", scrollCues);
  document.addEventListener("toggle", scrollCues, true);  // a chart's data table is measured once it is opened

  // A visitor's toggle between light and dark: re-draw every chart in the new scheme, no reload needed.
  var schemeWatch = new MutationObserver(function () {
    document.querySelectorAll("div.chart[data-rendered]").forEach(function (div) { div.removeAttribute("data-rendered"); });
    renderCharts();
  });
  schemeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  // Find your area: a box that narrows a list of boroughs or wards as you type (by name, code or borough), with
  // no page load. Hidden until this script runs; the count of matches is announced to screen readers.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }
  function wireFinders() {
    document.querySelectorAll("input[data-finder]:not([data-wired])").forEach(function (input) {
      var list = document.getElementById(input.dataset.finder);
      if (!list) return;
      input.setAttribute("data-wired", "");
      input.closest(".finder").hidden = false;
      var status = document.getElementById(input.getAttribute("aria-describedby"));
      var most = parseInt(input.dataset.finderMax || "0", 10);
      var items = Array.prototype.map.call(list.querySelectorAll("li[data-finder-text]"), function (li, i) {
        return { li: li, text: " " + fold(li.dataset.finderText), order: i };
      });
      function update() {
        var words = fold(input.value).split(" ").filter(Boolean);
        var shown = 0, matched = 0;
        if (most) {  // suggestions: names that begin with what was typed come first
          var start = " " + words.join(" ");
          items.sort(function (a, b) {
            return (b.text.indexOf(start) === 0) - (a.text.indexOf(start) === 0) || a.order - b.order;
          });
          items.forEach(function (item) { list.appendChild(item.li); });
        }
        items.forEach(function (item) {
          var hit = words.every(function (w) { return item.text.indexOf(" " + w) >= 0; });
          if (most && !words.length) hit = false;  // a list of suggestions starts empty
          if (hit) matched += 1;
          var show = hit && (!most || shown < most);
          if (show) shown += 1;
          item.li.hidden = !show;
        });
        list.querySelectorAll("[data-finder-group]").forEach(function (group) {
          group.hidden = !group.querySelector("li:not([hidden])");
        });
        if (!words.length) { status.textContent = most ? "" : items.length + " in all."; return; }
        status.textContent = matched === 0 ? "No area matches \u201c" + input.value + "\u201d." :
          matched + (matched === 1 ? " match" : " matches") + (shown < matched ? ", the first " + shown + " shown." : ".");
      }
      input.addEventListener("input", update);
      update();
    });
  }

  // Compare: areas chosen in the address (?areas=b:camden,w:west-end), each read from the CSV its own page
  // publishes; a borough's crime-types.csv and a ward's crime-groups.csv.
  function parseCsv(text) {
    var rows = [], row = [], cell = "", quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(cell); cell = ""; }
      else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
      else cell += c;
    }
    if (cell || row.length) { row.push(cell); rows.push(row); }
    var head = rows.shift() || [];
    return rows.map(function (r) {
      var o = {};
      head.forEach(function (h, j) { o[h] = r[j]; });
      return o;
    });
  }
  function fmt(v, digits, signed) {
    if (v === undefined || v === "") return "n/a";
    var n = Number(v);
    var s = n.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return (signed && n > 0 ? "+" : "") + s;
  }
  function fetchCsv(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url);
      return r.text();
    }).then(parseCsv);
  }
  // An area's folder: "b:camden" -> root + "boroughs/camden/", the folders as the page states them (areas/levels.csv).
  function areaDir(value, root, form) {
    return root + form.dataset["folder" + value.slice(0, 1).toUpperCase()] + "/" + value.slice(2) + "/";
  }
  function areaData(value, root, form) {
    var kind = value.slice(0, 1), boroughs = form.dataset.boroughs;
    var url = areaDir(value, root, form) + (kind === "b" ? "crime-types.csv" : "crime-groups.csv");
    return fetchCsv(url).then(function (rows) {
      var out = {};
      rows.forEach(function (r) {
        if (kind === "b" && r.kind !== "group") return;
        if (kind === "w" && r.type_id === "total") return;
        out[r.crime_type] = {
          offences: r.rolling_12m,
          change: r.pct_change_12m,
          rank: kind === "b" ? (r.rank ? r.rank + " of " + boroughs + " boroughs" : "n/a") :
            (r.rank_in_london ? r.rank_in_london + " of " + r.wards_in_london + " wards" : "n/a"),
        };
      });
      return out;
    });
  }

  // The chosen crime group month by month, one line an area, from each area's published trends.csv; the chart is
  // a picture of the table under it, which screen readers read instead.
  function drawCompareTrend(box, urls, labels, trends, group) {
    var months = {};
    trends.forEach(function (rows) { rows.forEach(function (r) { months[r.month] = true; }); });
    var order = Object.keys(months).sort();
    var series = trends.map(function (rows) {
      var by = {};
      rows.forEach(function (r) { by[r.month] = r[group]; });
      return order.map(function (m) { return by[m] === undefined || by[m] === "" ? null : Number(by[m]); });
    });
    var table = document.createElement("table");
    table.createCaption().textContent = group + ", offences per month: " + labels.join(", ") + ", " +
      (order.length ? order[0] + " to " + order[order.length - 1] : "no months") + ".";
    var head = table.createTHead().insertRow();
    ["Month"].concat(labels).forEach(function (text) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = text; head.appendChild(th);
    });
    var body = table.createTBody();
    order.forEach(function (m, i) {
      var tr = body.insertRow();
      var th = document.createElement("th"); th.scope = "row"; th.textContent = m; tr.appendChild(th);
      series.forEach(function (s) { tr.insertCell().textContent = s[i] === null ? "n/a" : fmt(s[i], 0); });
    });
    var details = document.createElement("details");
    details.className = "chart-data";
    details.appendChild(document.createElement("summary")).textContent = "Data behind this chart (" + order.length + " months)";
    var scroll = details.appendChild(document.createElement("div"));
    scroll.className = "table-scroll"; scroll.tabIndex = 0; scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", "Data: " + group + " by month"); scroll.appendChild(table);
    var plot = document.createElement("div");
    plot.className = "compare-trend-plot";
    var sources = document.createElement("p");  // each line's figures as the area's page publishes them
    sources.className = "table-source";
    sources.append("Every crime group month by month (CSV): ");
    urls.forEach(function (url, i) {
      var a = sources.appendChild(document.createElement("a"));
      a.href = url; a.download = ""; a.textContent = labels[i];
      if (i < urls.length - 1) sources.append(" \u00b7 ");
    });
    box.replaceChildren(plot, details, sources);
    scrollCues();
    loadPlotly().then(function (Plotly) {
      var ink = dark() ? "#e6e6e6" : "#1a1a1a";
      Plotly.newPlot(plot, series.map(function (ys, i) {
        return { type: "scatter", mode: "lines", name: plain(labels[i]), x: order, y: ys, line: { width: 2 } };
      }), {
        font: { color: ink }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", height: 340,
        margin: { l: 50, r: 10, t: 50, b: 40 }, hovermode: "x unified",
        legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
        xaxis: { gridcolor: dark() ? "#444444" : "#f0f0f0" },
        yaxis: { rangemode: "tozero", gridcolor: dark() ? "#444444" : "#e5e5e5", title: { text: "Offences per month" } },
        colorway: ["#0072b2", "#d55e00", "#009e73"]
      }, { responsive: true, displaylogo: false, displayModeBar: false }).then(function () {
        plot.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      });
    });
  }

  function wireCompare() {
    var form = document.querySelector("form[data-compare]:not([data-wired])");
    if (!form) return;
    form.setAttribute("data-wired", "");
    form.hidden = false;
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-compare-area]"));
    selects.slice(1).forEach(function (sel) {  // the page carries the list of areas once
      selects[0].querySelectorAll("optgroup").forEach(function (g) { sel.appendChild(g.cloneNode(true)); });
    });
    var result = document.getElementById("compare-result");
    var root = new URL("../", document.baseURI.replace(/[?#].*$/, "")).href;
    var chosen = (new URLSearchParams(location.search).get("areas") || "").split(",").filter(Boolean);
    selects.forEach(function (sel, i) {
      if (chosen[i] && sel.querySelector('option[value="' + CSS.escape(chosen[i]) + '"]')) sel.value = chosen[i];
    });
    function labelOf(sel) { return sel.options[sel.selectedIndex].textContent; }
    function update() {
      var picked = selects.filter(function (s) { return s.value; });
      var params = new URLSearchParams(location.search);
      params.set("areas", picked.map(function (s) { return s.value; }).join(","));
      history.replaceState(null, "", location.pathname + "?" + params.toString());
      if (picked.length < 2) { result.textContent = "Choose two or more areas to compare."; return; }
      result.textContent = "Loading\u2026";
      Promise.all(picked.map(function (s) { return areaData(s.value, root, form); })).then(function (data) {
        var groups = {};
        data.forEach(function (d) { Object.keys(d).forEach(function (g) { groups[g] = true; }); });
        var table = document.createElement("table");
        var cap = table.createCaption();
        cap.textContent = "Offences by crime group, " + picked.map(labelOf).join(" against ") + ", " +
          form.dataset.period + "; the change on " + form.dataset.previous + "; and the rank (1 = most; boroughs " +
          "by their own page's measure, wards by offences among London's wards).";
        var head = table.createTHead().insertRow();
        var th = document.createElement("th"); th.scope = "col"; th.textContent = "Crime group"; head.appendChild(th);
        picked.forEach(function (s) {
          ["offences", "change", "rank"].forEach(function (what) {
            var h = document.createElement("th"); h.scope = "col"; h.textContent = labelOf(s) + ": " + what; head.appendChild(h);
          });
        });
        var body = table.createTBody();
        Object.keys(groups).sort().forEach(function (g) {
          var tr = body.insertRow();
          var rh = document.createElement("th"); rh.scope = "row"; rh.textContent = g; tr.appendChild(rh);
          data.forEach(function (d) {
            var v = d[g] || {};
            [fmt(v.offences, 0), v.change === undefined ? "n/a" : fmt(v.change, 1, true) + "%", v.rank || "n/a"]
              .forEach(function (text) { tr.insertCell().textContent = text; });
          });
        });
        var box = document.createElement("div");
        box.className = "table-scroll"; box.tabIndex = 0; box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Comparison"); box.appendChild(table);
        // The trend: one crime group (all offences first), month by month, chosen below the table.
        var heading = document.createElement("h2");
        heading.textContent = "Month by month";
        var label = document.createElement("label");
        label.htmlFor = "compare-group"; label.textContent = "Crime group";
        var choose = document.createElement("select");
        choose.id = "compare-group";
        [form.dataset.total].concat(Object.keys(groups).sort()).forEach(function (g) {
          choose.appendChild(new Option(g, g, false, g === params.get("group")));
        });
        var trend = document.createElement("div");
        trend.className = "compare-trend";
        result.replaceChildren(box, heading, label, choose, trend);
        scrollCues();
        var labels = picked.map(labelOf);
        var urls = picked.map(function (s) { return areaDir(s.value, root, form) + "trends.csv"; });
        Promise.all(urls.map(fetchCsv)).then(function (trends) {
          var draw = function () {
            params.set("group", choose.value);
            history.replaceState(null, "", location.pathname + "?" + params.toString());
            drawCompareTrend(trend, urls, labels, trends, choose.value);
          };
          choose.addEventListener("change", draw);
          draw();
        }).catch(function () { trend.textContent = "One of these areas' monthly figures could not be read."; });
      }).catch(function () { result.textContent = "One of these areas' figures could not be read."; });
    }
    selects.forEach(function (s) { s.addEventListener("change", update); });
    update();
  }

  function run() {
    nameSections();
    focusableScrollers();
    scrollCues();
    renderCharts();
    wireTileMap();
    wireFilters();
    wireSortable();
    wireFinders();
    wireCompare();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
