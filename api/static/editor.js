// The SPARQL editor: YASGUI (served by this app from node_modules) against this service's /sparql.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("example-data").textContent);
  var holder = document.getElementById("yasgui");
  var plain = document.getElementById("plain-query");
  var yasgui = null;

  function currentQuery() {
    if (yasgui) return yasgui.getTab().getQuery();
    return plain ? plain.value : "";
  }

  function setQuery(text) {
    if (yasgui) yasgui.getTab().setQuery(text); else if (plain) plain.value = text;
    updateShare();
  }

  function updateShare() {
    var share = document.getElementById("share");
    var url = new URL(share.href, location.href);
    url.searchParams.set("query", currentQuery());
    share.href = url.pathname + url.search;
  }

  function run() {
    if (yasgui) yasgui.getTab().query();
    updateShare();
  }

  function downloadCsv() {
    var body = new URLSearchParams({ query: currentQuery() });
    fetch("/sparql", { method: "POST", body: body, headers: { Accept: "text/csv" } })
      .then(function (r) { if (!r.ok) return r.text().then(function (t) { throw new Error(t); }); return r.blob(); })
      .then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "plankg-results.csv";
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      })
      .catch(function (e) { alert(e.message); });
  }

  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  var words = zh ? {
    query: "SPARQL 查询", error: "查询有误", at: function (l, c) { return "第 " + l + " 行第 " + c + " 列"; },
    go: "转到出错位置", status: "状态", rows: "每页行数", filter: "筛选结果", control: "结果显示方式",
  } : {
    query: "SPARQL query", error: "The query has an error", at: function (l, c) { return "line " + l + ", column " + c; },
    go: "Go to the position", status: "status", rows: "Rows per page", filter: "Filter the results", control: "Result display",
  };

  // The /sparql 400 answer is JSON ({"detail": "... error at 1:25: ..."}): shown as a sentence
  // with the line and column, and a button that puts the cursor there.
  function errorRenderer(error) {
    var message = error && (error.text || error.message) || "";
    if (!message || (error.status && error.status >= 500)) return Promise.resolve(undefined);
    try { var body = JSON.parse(message); if (body && body.detail) message = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail); } catch (e) { /* not JSON */ }
    var box = document.createElement("div");
    box.className = "sparql-error";
    box.setAttribute("role", "alert");
    var head = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = words.error;
    head.appendChild(strong);
    var where = /(?:at|line)\s+(\d+):(\d+)/.exec(message);
    if (where) head.appendChild(document.createTextNode(" (" + words.at(where[1], where[2]) + ")"));
    if (error.status) head.appendChild(document.createTextNode(" · " + words.status + " " + error.status));
    box.appendChild(head);
    var text = document.createElement("p");
    text.className = "message";
    text.textContent = message;
    box.appendChild(text);
    if (where && yasgui) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "goto-error";
      button.textContent = words.go;
      button.addEventListener("click", function () {
        var yasqe = yasgui.getTab().getYasqe();
        yasqe.focus();
        yasqe.setCursor({ line: Number(where[1]) - 1, ch: Math.max(Number(where[2]) - 1, 0) });
      });
      box.appendChild(button);
    }
    return Promise.resolve(box);
  }

  // names for the controls YASGUI leaves unnamed (axe-core: label, select-name)
  function nameControls() {
    holder.querySelectorAll(".CodeMirror textarea").forEach(function (el) {
      if (!el.hasAttribute("aria-label")) { el.setAttribute("aria-label", words.query); el.setAttribute("aria-describedby", "editor-keys"); }
    });
    holder.querySelectorAll("select:not([aria-label]), input:not([aria-label]):not([type=hidden])").forEach(function (el) {
      if (el.labels && el.labels.length) return;
      var name = el.tagName === "SELECT" ? (el.closest(".tableSizer, .dataTables_length") || el.options.length < 8 && /^\d+$/.test(el.options[0] ? el.options[0].value : "") ? words.rows : words.control)
        : (el.type === "checkbox" ? (el.parentElement && el.parentElement.textContent.trim()) || words.control : words.filter);
      el.setAttribute("aria-label", name);
    });
  }

  // Tab indents inside the query; Esc then Tab (or Shift+Tab) leaves the editor, as the hint
  // under it says. The listener runs in the capture phase, before CodeMirror's own.
  var TABBABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

  function moveFocus(from, backwards) {
    var all = Array.prototype.filter.call(document.querySelectorAll(TABBABLE), function (el) {
      return el === from || (el.getClientRects().length > 0 && !el.closest(".CodeMirror"));
    });
    var i = all.indexOf(from);
    var next = all[backwards ? i - 1 : i + 1];
    if (next) next.focus();
  }

  function keyboardWayOut() {
    var escaped = false;
    holder.addEventListener("keydown", function (e) {
      if (!e.target.closest || !e.target.closest(".CodeMirror")) return;
      if (e.key === "Escape") {
        if (document.querySelector(".CodeMirror-hints")) return;  // Esc closes the completion list first
        escaped = true;
        e.stopPropagation();  // the editor keeps the focus until the Tab that follows
        return;
      }
      if (e.key === "Tab" && escaped) {
        escaped = false;
        e.preventDefault();
        e.stopPropagation();
        moveFocus(e.target, e.shiftKey);
        return;
      }
      if (e.key !== "Shift") escaped = false;
    }, true);
  }

  if (holder && typeof Yasgui !== "undefined") {
    // only this service: no endpoint catalogue, no remote autocompletion (LOV), no stored tabs
    Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
    Yasgui.Yasr.defaults.errorRenderers = [errorRenderer];
    yasgui = new Yasgui(holder, {
      requestConfig: { endpoint: location.origin + "/sparql", method: "POST" },
      copyEndpointOnNewTab: false, persistenceId: null, populateFromUrl: false,
      endpointCatalogueOptions: { getData: function () { return []; } },
      yasqe: { autocompleters: ["variables", "prefixes"] },
      yasr: { errorRenderers: [errorRenderer] },
    });
    // the result table shows plain values (labels, numbers), not "3"^^<…#integer>; the
    // table's own "simple view" switch brings the typed form back
    var yasr = yasgui.getTab().getYasr();
    if (yasr && yasr.config && yasr.config.plugins && yasr.config.plugins.table) {
      yasr.config.plugins.table.dynamicConfig = Object.assign({}, yasr.config.plugins.table.dynamicConfig, { compact: true });
    }
    var initial = holder.dataset.query || (examples[0] ? examples[0].query : "");
    setQuery(initial);
    yasgui.getTab().getYasqe().on("change", updateShare);
    nameControls();
    new MutationObserver(nameControls).observe(holder, { childList: true, subtree: true });
    keyboardWayOut();
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var ex = examples.find(function (e) { return e.name === button.dataset.name; });
      setQuery(ex.query);
      run();
    });
  });
  document.getElementById("run").addEventListener("click", run);
  document.getElementById("csv").addEventListener("click", downloadCsv);
  if (plain) plain.addEventListener("input", updateShare);
})();
