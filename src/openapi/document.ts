import { z } from "zod";
import { STATUS_BY_CODE } from "../errors";
import * as responses from "./responses";
import { PATH_PARAMS, ROUTES, type Answer, type Auth, type RouteDoc } from "./route-table";

type Json = Record<string, unknown>;

/** The named answer schemas: every zod schema responses.ts exports, under its export name. */
const MODELS = Object.entries(responses as Record<string, unknown>).filter((entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType);
const MODEL_NAMES = new Map(MODELS.map(([name, schema]) => [schema, name]));

const SECURITY_SCHEMES = {
  adminToken: { type: "http", scheme: "bearer", description: "`Authorization: Bearer <ADMIN_TOKEN>`" },
  serviceKey: { type: "http", scheme: "bearer", description: "`Authorization: Bearer <service key>`: a key of the account in the path (`ehk_…`)" },
  writeKey: { type: "http", scheme: "basic", description: "A service key as the user name, empty password, as Segment's and Customer.io's libraries send it; without the header, `writeKey` in the body" },
  gistOrganization: { type: "apiKey", in: "header", name: "X-Bourbon-Organization-Id", description: "The edgehook account id" },
  gistServiceKey: { type: "apiKey", in: "header", name: "X-Gist-Service-Key", description: "A service key of that account" },
  gistSite: { type: "apiKey", in: "header", name: "X-CIO-Site-Id", description: "The page's Gist siteId: names the serve-mode account (checked against its allowed_origins)" },
  gistUserToken: { type: "apiKey", in: "header", name: "X-Gist-Encoded-User-Token", description: "Base64 of the user token (Gist.setUserToken)" },
} as const;

const SECURITY: Record<Auth, Json[]> = {
  none: [],
  admin: [{ adminToken: [] }],
  account: [{ adminToken: [] }, { serviceKey: [] }],
  writeKey: [{ writeKey: [] }],
  gist: [{ gistOrganization: [], gistServiceKey: [] }],
  gistSdk: [{ gistSite: [], gistUserToken: [] }],
  // Verified by the source's provider scheme (Customer.io, Standard Webhooks, X-Signature), not a credential.
  signature: [],
};

/** The error statuses a route can answer with, from what it checks. */
function errorStatuses(route: RouteDoc): number[] {
  const statuses = new Set(route.errors ?? []);
  if (route.auth === "admin" || route.auth === "account") [401, 403].forEach((s) => statuses.add(s));
  if (route.auth === "writeKey" || route.auth === "gist") statuses.add(401);
  if (route.auth === "gistSdk") [400, 403, 404].forEach((s) => statuses.add(s));
  if (route.body) [400, 413].forEach((s) => statuses.add(s));
  if (route.query || route.path.includes("{")) statuses.add(400);
  if (route.path.startsWith("/v1/accounts/{account}")) statuses.add(404);
  for (const status of route.omitErrors ?? []) statuses.delete(status);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect); the input side
 * for what callers send. What JSON Schema cannot express (a z.custom check,
 * a refinement) is left open rather than failing the document: the route
 * still enforces it.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const name = io === "output" ? MODEL_NAMES.get(schema) : undefined;
  if (name) return { $ref: `#/components/schemas/${name}` };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return rest;
}

function answer(status: number, value: Answer): Json {
  const description = { 200: "OK", 201: "Created", 202: "Accepted", 204: "No content" }[status] ?? "OK";
  if (value === null) return { description };
  const [mediaType, schema] = value instanceof z.ZodType ? ["application/json", value] : [value.mediaType, value.schema];
  return { description, content: { [mediaType]: { schema: jsonSchema(schema, "output") } } };
}

function parameters(route: RouteDoc): Json[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const schema = route.params?.[name!] ?? PATH_PARAMS[name!];
    if (!schema) throw new Error(`openapi: no schema for path parameter ${name} of ${route.path}`);
    return { name, in: "path", required: true, schema: jsonSchema(schema, "input") };
  });
  const query = route.query ? objectParams(route.query, "query") : [];
  const headers = Object.entries(route.headers ?? {}).map(([name, schema]) => ({ name, in: "header", required: !schema.safeParse(undefined).success, schema: jsonSchema(schema, "input") }));
  return [...path, ...query, ...headers];
}

function objectParams(schema: z.ZodObject, where: "query"): Json[] {
  const json = jsonSchema(schema, "input") as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: where, required: json.required?.includes(name) ?? false, schema: property }));
}

function operation(route: RouteDoc): Json {
  const answers = Object.entries(route.responses).map(([status, value]) => [status, answer(Number(status), value)]);
  const errors = errorStatuses(route).map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: SECURITY[route.auth],
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } } } : {}),
    responses: Object.fromEntries([...answers, ...errors, ["5XX", { $ref: "#/components/responses/Error5XX" }]]),
  };
}

/** One shared response per error status, naming the codes (src/errors.ts) that come with it. */
function errorResponses(): Json {
  const codes = Object.entries(STATUS_BY_CODE);
  const byStatus = new Map<string, string[]>();
  for (const [code, status] of codes) {
    const key = status >= 500 ? "5XX" : String(status);
    byStatus.set(key, [...(byStatus.get(key) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, names]) => [
      `Error${status}`,
      { description: `Error: ${names.map((n) => `\`${n}\``).join(", ")}`, content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } } },
    ]),
  );
}

/** Named answer schemas, cross-referenced through #/components/schemas. */
function modelSchemas(): Json {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of MODELS) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { io: "output", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([name, { $schema: _dialect, $id: _id, ...schema }]) => [name, schema]));
}

/** The OpenAPI 3.1 document of `routes`, generated from the zod schemas the routes validate with. */
export function buildDocument(routes: RouteDoc[] = ROUTES): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: "3.1.0",
    info: {
      title: "edgehook",
      version: "0.1.0",
      description: [
        "Webhook relay on Cloudflare Workers. JSON in and out; every error is `{\"error\": {\"code\", \"message\"}}` with the status its code maps to.",
        "",
        "**Auth.** Admin calls: `Authorization: Bearer <ADMIN_TOKEN>`. Account calls (`/v1/accounts/{account}/…`): the admin token or a service key of that account; a key of another account gets 403.",
        "Tracking (`/v1/track` …): a service key as the HTTP Basic user name. Gist's API: `X-Bourbon-Organization-Id` and `X-Gist-Service-Key`. Inbound sources: the sender's signature.",
      ].join("\n"),
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "This deployment" }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: { securitySchemes: SECURITY_SCHEMES, schemas: modelSchemas(), responses: errorResponses() },
  };
}

let cached: string | undefined;

/** The document as served: built once per isolate, on first request. */
export function documentJson(): string {
  return (cached ??= JSON.stringify(buildDocument()));
}
