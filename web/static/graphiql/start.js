// Starts GraphiQL on /graphql from files the API serves itself (web/static/vendor, copied by
// web/build.mjs from the pinned npm packages): it works without internet, and the page's
// security policy allows scripts from its own origin only (no inline script, no CDN).
// Requests go to the page's own URL; the browser sends its Accept-Language, so errors come in
// the visitor's language.
(function start() {
  "use strict";
  var first = (navigator.languages && navigator.languages[0]) || navigator.language || "";
  var english = String(first).slice(0, 2).toLowerCase() === "en";
  var example = english
    ? "# Maillage's GraphQL API: Ctrl-Enter runs the query, Ctrl-Space completes.\n" +
      "# The schema is in the Docs panel (top left).\n"
    : "# L'API GraphQL de Maillage : Ctrl-Entrée lance la requête, Ctrl-Espace complète.\n" +
      "# Le schéma est dans le panneau Docs (en haut à gauche).\n";
  example +=
    "{\n" +
    '  search(text: "economie solidaire", first: 5) { id name kind }\n' +
    '  actor(id: "net-mes") {\n' +
    "    name kind\n" +
    "    links(first: 5) { totalCount nodes { kind since from { name } to { name } } }\n" +
    "  }\n" +
    "}\n";
  var url = window.location.pathname;
  var fetcher = GraphiQL.createFetcher({ url: url, headers: { Accept: "application/json" } });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: example,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
