import { Hono } from "hono";
import type { AppEnv } from "../env";
import { DOCS_CSP, docsPage } from "./docs-page";
import { documentJson } from "./document";

/** `GET /openapi.json` and `GET /docs`: public, like the API description they serve. */
export const openApiRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) => c.body(documentJson(), 200, { "content-type": "application/json; charset=utf-8" }))
  .get("/docs", (c) => c.html(docsPage(), 200, { "content-security-policy": DOCS_CSP }));
