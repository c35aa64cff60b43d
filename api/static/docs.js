// Swagger UI for /docs, from this host only (the page's Content-Security-Policy allows no inline
// script): the OpenAPI document of this service, no online validator badge.
(function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    // no deep links: they put a link inside each operation's button (axe-core nested-interactive)
    deepLinking: false,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
  });
})();
