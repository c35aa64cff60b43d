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

  if (holder && typeof Yasgui !== "undefined") {
    // only this service: no endpoint catalogue, no remote autocompletion (LOV), no stored tabs
    Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
    yasgui = new Yasgui(holder, {
      requestConfig: { endpoint: location.origin + "/sparql", method: "POST" },
      copyEndpointOnNewTab: false, persistenceId: null, populateFromUrl: false,
      endpointCatalogueOptions: { getData: function () { return []; } },
      yasqe: { autocompleters: ["variables", "prefixes"] },
    });
    var initial = holder.dataset.query || (examples[0] ? examples[0].query : "");
    setQuery(initial);
    yasgui.getTab().getYasqe().on("change", updateShare);
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
