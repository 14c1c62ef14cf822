/** Where build-assets.mjs puts the Scalar viewer in public/: served by Workers Static Assets, not bundled. */
export const VIEWER_SCRIPT = "/vendor/scalar/standalone.js";

/**
 * Scalar options for a page that works offline: no web fonts, no telemetry,
 * and no request proxy (by default Scalar sends "try it" requests through
 * proxy.scalar.com; the API is same-origin, so none is needed). The AI
 * agent, MCP, developer-tools and "Open API Client" buttons lead to
 * Scalar's hosted services, so they are hidden; "Test Request" stays.
 */
const VIEWER_OPTIONS = {
  withDefaultFonts: false,
  telemetry: false,
  proxyUrl: "",
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  hideClientButton: true,
};

/**
 * The CSP keeps the page same-origin whatever the viewer tries: a CDN script,
 * font or request to another host is refused by the browser. Scalar injects
 * its styles inline, hence 'unsafe-inline' for styles only.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/** The /docs page: the viewer reads /openapi.json; every URL in it is same-origin, and no script is inline. */
export function docsPage(): string {
  const options = JSON.stringify(VIEWER_OPTIONS).replaceAll("'", "&#39;");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edgehook API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript>The API reference needs JavaScript. The document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<script id="api-reference" type="application/json" data-url="/openapi.json" data-configuration='${options}'></script>
<script src="${VIEWER_SCRIPT}"></script>
</body>
</html>
`;
}
