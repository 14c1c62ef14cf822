import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { buildDocument } from "../../src/openapi/document";

/**
 * Registered entries that are not API operations, each with its reason. An
 * entry matches on method and path; a path ending in "*" matches a prefix.
 */
const NOT_OPERATIONS: Array<{ method: string; path: string; reason: string }> = [
  { method: "ALL", path: "/v1/accounts/*", reason: "the bearer authentication middleware (app.use), not a route" },
  { method: "ALL", path: "/api/v4/users", reason: "CORS middleware of the Gist SDK routes (gistCors answers the preflight)" },
  { method: "ALL", path: "/api/v1/logs/*", reason: "CORS middleware of the Gist SDK routes (gistCors answers the preflight)" },
  { method: "*", path: "/ui*", reason: "the dashboard: server-rendered HTML pages and form posts, not the JSON API" },
];

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** Hono's `:param` (and `:param{regex}`) as OpenAPI's `{param}`; no trailing slash. */
function normalise(path: string): string {
  const openapi = path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");
  return openapi.length > 1 ? openapi.replace(/\/+$/, "") : openapi;
}

function ignored(method: string, path: string): boolean {
  return NOT_OPERATIONS.some(
    (entry) => (entry.method === "*" || entry.method === method) && (entry.path.endsWith("*") ? path.startsWith(entry.path.slice(0, -1)) : entry.path === path),
  );
}

function registered(): string[] {
  const operations = createApp()
    .routes.filter((route) => !ignored(route.method, route.path))
    .map((route) => `${route.method.toUpperCase()} ${normalise(route.path)}`);
  return [...new Set(operations)].sort();
}

function documented(): string[] {
  const paths = buildDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths)
    .flatMap(([path, item]) => METHODS.filter((method) => method in item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

describe("the OpenAPI document covers the app", () => {
  it("documents every route the app registers", () => {
    const missing = registered().filter((operation) => !documented().includes(operation));
    expect(missing, "routes missing from src/openapi/route-table.ts").toEqual([]);
  });

  it("documents no operation the app does not have", () => {
    const stale = documented().filter((operation) => !registered().includes(operation));
    expect(stale, "documented operations with no route").toEqual([]);
  });

  it("sees the app's real routes (the walk is not vacuous)", () => {
    const routes = registered();
    expect(routes).toContain("PUT /v1/accounts/{account}");
    expect(routes).toContain("POST /v1/accounts/{account}/actions/{action}/trigger");
    expect(routes).toContain("POST /v1/inbound/{account}/{source}");
    expect(routes).toContain("POST /api/v1/messages/bulk");
    expect(routes.length).toBeGreaterThan(40);
  });

  it("normalises Hono paths to OpenAPI paths", () => {
    expect(normalise("/v1/accounts/:account/keys/:id")).toBe("/v1/accounts/{account}/keys/{id}");
    expect(normalise("/v1/x/:id{[0-9]+}/")).toBe("/v1/x/{id}");
    expect(normalise("/")).toBe("/");
  });
});
