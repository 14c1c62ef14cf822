import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VIEWER_SCRIPT } from "../../src/openapi/docs-page";
import { api, makeAccount, makeAction, makeKey } from "../helpers";

type Schema = { properties?: Record<string, Schema>; required?: string[]; additionalProperties?: unknown; minimum?: number; maximum?: number; maxLength?: number };

async function servedDocument(): Promise<any> {
  const res = await exports.default.fetch("http://edgehook.test/openapi.json");
  expect(res.status).toBe(200);
  return res.json();
}

/** The request body schema the served document gives an operation. */
function bodySchema(doc: any, path: string, method: string): Schema {
  return doc.paths[path][method].requestBody.content["application/json"].schema;
}

describe("GET /openapi.json", () => {
  it("serves the OpenAPI 3.1 document as JSON, without credentials", async () => {
    const res = await exports.default.fetch("http://edgehook.test/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/v1/accounts/{account}"].put.security).toEqual([{ adminToken: [] }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["adminToken", "gistOrganization", "gistServiceKey", "gistSite", "gistUserToken", "serviceKey", "writeKey"]);
  });

  it("describes every error with the one error shape", async () => {
    const doc = await servedDocument();
    const error = doc.components.schemas.ErrorBody;
    expect(error.required).toEqual(["error"]);
    expect(error.properties.error.properties.code.enum).toContain("validation_failed");
    const res = await api("PUT", "/v1/accounts/x", { concurrency: "many" });
    expect(doc.paths["/v1/accounts/{account}"].put.responses["400"]).toEqual({ $ref: "#/components/responses/Error400" });
    expect(error.properties.error.properties.code.enum).toContain(res.body.error.code);
  });
});

/**
 * The bounds are read from the served document, then sent to the route: what
 * the document calls invalid is refused, and the edge it calls valid is
 * accepted. Had the document been written apart from the routes' schemas, a
 * changed bound would break this.
 */
describe("the document's request schemas are the ones the routes enforce", () => {
  it("PUT /v1/accounts/{account}: concurrency outside the documented range is refused, its edges accepted", async () => {
    const concurrency = bodySchema(await servedDocument(), "/v1/accounts/{account}", "put").properties!.concurrency!;
    expect(concurrency.minimum).toBeTypeOf("number");
    expect(concurrency.maximum).toBeTypeOf("number");
    const account = await makeAccount();

    for (const invalid of [concurrency.minimum! - 1, concurrency.maximum! + 1]) {
      const res = await api("PUT", `/v1/accounts/${account}`, { concurrency: invalid });
      expect(res.status, `concurrency ${invalid}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: "validation_failed", issues: [{ path: "concurrency" }] });
    }
    for (const valid of [concurrency.minimum!, concurrency.maximum!]) {
      const res = await api("PUT", `/v1/accounts/${account}`, { concurrency: valid });
      expect(res.status, `concurrency ${valid}`).toBe(200);
      expect(res.body.concurrency).toBe(valid);
    }
  });

  it("PUT /v1/accounts/{account}: a field the document does not list is refused (additionalProperties: false)", async () => {
    const schema = bodySchema(await servedDocument(), "/v1/accounts/{account}", "put");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties).not.toHaveProperty("colour");
    const res = await api("PUT", `/v1/accounts/${await makeAccount()}`, { colour: "blue" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
  });

  it("POST …/keys: a name one over the documented maxLength is refused, at maxLength accepted", async () => {
    const schema = bodySchema(await servedDocument(), "/v1/accounts/{account}/keys", "post");
    expect(schema.required).toEqual(["name"]);
    const max = schema.properties!.name!.maxLength!;
    expect(max).toBeGreaterThan(0);
    const account = await makeAccount();

    const tooLong = await api("POST", `/v1/accounts/${account}/keys`, { name: "k".repeat(max + 1) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: "validation_failed", issues: [{ path: "name" }] });
    const missing = await api("POST", `/v1/accounts/${account}/keys`, {});
    expect(missing.status).toBe(400);
    const atMax = await api("POST", `/v1/accounts/${account}/keys`, { name: "k".repeat(max) });
    expect(atMax.status).toBe(201);
  });

  it("POST /v1/track: a call without the documented required `event` is refused", async () => {
    const schema = bodySchema(await servedDocument(), "/v1/track", "post");
    expect(schema.required).toContain("event");
    expect(schema.required).not.toContain("type");
    const { key } = await makeKey(await makeAccount());
    const post = (body: unknown) =>
      exports.default.fetch("http://edgehook.test/v1/track", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${key}:`)}` },
        body: JSON.stringify(body),
      });
    const refused = await post({ userId: "u1" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "validation_failed", issues: [{ path: "event" }] } });
    const accepted = await post({ userId: "u1", event: "Signed Up" });
    expect(accepted.status).toBe(200);
  });
});

describe("GET /docs", () => {
  it("serves an HTML page that loads the viewer and the document from this origin only", async () => {
    const res = await exports.default.fetch("http://edgehook.test/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(`<script src="${VIEWER_SCRIPT}"></script>`);
    expect(html).toContain('data-url="/openapi.json"');
    const urls = [...html.matchAll(/(?:src|href|data-url)="([^"]*)"/g)].map(([, url]) => url!);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    // Paths on this origin, or inline data (the empty favicon): nothing that names another host.
    for (const url of urls) expect(url, url).toMatch(/^(\/(?!\/)|data:)/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("forbids the browser every other origin (CSP), and inline scripts", async () => {
    const res = await exports.default.fetch("http://edgehook.test/docs");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe("every body the document calls closed is closed in its route", () => {
  it("each admin or account operation whose body has additionalProperties: false refuses an unlisted field, naming it", async () => {
    const doc = await servedDocument();
    const account = await makeAccount();
    await makeAction(account, {}, "a");
    const ids: Record<string, string> = { account, action: "a", dest: "d", src: "s" };
    const strict = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item)
        // The operations the admin token may call: every account route.
        .filter(([, op]) => op.security.some((scheme: object) => "adminToken" in scheme))
        .filter(([, op]) => op.requestBody?.content["application/json"].schema.additionalProperties === false)
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
    expect(strict.map((op) => `${op.method} ${op.path}`)).toEqual(
      expect.arrayContaining([
        "PUT /v1/accounts/{account}",
        "POST /v1/accounts/{account}/keys",
        "PUT /v1/accounts/{account}/actions/{action}",
        "POST /v1/accounts/{account}/actions/{action}/preview",
        "POST /v1/accounts/{account}/actions/{action}/test",
        "POST /v1/accounts/{account}/actions/{action}/trigger",
        "PUT /v1/accounts/{account}/destinations/{dest}",
        "PUT /v1/accounts/{account}/sources/{src}",
      ]),
    );
    for (const { method, path } of strict) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? expect.fail(`no id for {${name}} in ${path}`));
      const res = await api(method, url, { unlisted_field: 1 });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(JSON.stringify(res.body.error.issues), `${method} ${path}`).toContain("unlisted_field");
    }
  });
});
