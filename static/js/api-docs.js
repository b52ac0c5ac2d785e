/* The API documentation page: Swagger UI (static/vendor/swagger-ui) reading the app's own
   OpenAPI description, whose address the page gives in data-spec-url. Kept out of the page so
   that a Content-Security-Policy may forbid inline scripts. No validator badge: it would call
   a server outside the intranet. */
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  if (!root || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
  });
})();
