import { Hono } from "hono";
import type { AppEnv } from "../env";
import { DOCS_CSP, docsPage } from "./docs-page";
import { documentJson } from "./document";

/** `GET /openapi.json` and `GET /docs`: public, like the API description they serve. */
export const openApiRoutes = new Hono<AppEnv>()
  // Any origin may read it (it holds no secret), so hosted tools such as code generators can load it.
  .get("/openapi.json", (c) => c.body(documentJson(), 200, { "content-type": "application/json; charset=utf-8", "access-control-allow-origin": "*" }))
  .get("/docs", (c) => c.html(docsPage(), 200, { "content-security-policy": DOCS_CSP }));
