import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, makeAccount, makeKey, uniqueId } from "../helpers";

const secret = `whsec_${btoa("0123456789abcdef0123456789abcdef")}`;

describe("accounts", () => {
  it("creates with defaults, then updates keeping unspecified fields", async () => {
    const id = uniqueId("acct");
    const created = await api("PUT", `/v1/accounts/${id}`, { name: "Acme", signing_secret: secret });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, name: "Acme", concurrency: 600, shard: null, signing_secret_set: true });
    expect(JSON.stringify(created.body)).not.toContain(secret);

    const updated = await api("PUT", `/v1/accounts/${id}`, { concurrency: 5 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: "Acme", concurrency: 5, signing_secret_set: true });

    const cleared = await api("PUT", `/v1/accounts/${id}`, { signing_secret: null });
    expect(cleared.body.signing_secret_set).toBe(false);
  });

  it("never returns reporting or gist secrets", async () => {
    const id = uniqueId("acct");
    const res = await api("PUT", `/v1/accounts/${id}`, {
      reporting: { url: "https://example.com/r", secret: "reporting-secret-123" },
      gist: { organization_id: "org", service_key: "gist-service-key" },
    });
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toMatch(/reporting-secret-123|gist-service-key/);
    expect(res.body.reporting).toEqual({ url: "https://example.com/r", events: null, secret_set: true });
  });

  it("reads an account with its own key", async () => {
    const id = await makeAccount();
    const { key } = await makeKey(id);
    const res = await api("GET", `/v1/accounts/${id}`, undefined, key);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(id);
  });
});

describe("accounts: bad input", () => {
  it.each([
    ["malformed JSON", "{nope", 400, "invalid_json"],
    ["unknown field", { colour: "red" }, 400, "validation_failed"],
    ["concurrency of the wrong type", { concurrency: "many" }, 400, "validation_failed"],
    ["concurrency below 1", { concurrency: 0 }, 400, "validation_failed"],
    ["a signing secret without whsec_", { signing_secret: "plain" }, 400, "validation_failed"],
    ["a signing secret that is not base64", { signing_secret: `whsec_${"A".repeat(33)}` }, 400, "validation_failed"],
    ["a signing secret with misplaced padding", { signing_secret: `whsec_${"A".repeat(32)}=` }, 400, "validation_failed"],
    ["a signing secret under 24 bytes", { signing_secret: `whsec_${btoa("short")}` }, 400, "validation_failed"],
    ["a reporting URL that is not http(s)", { reporting: { url: "ftp://x", secret: "0123456789abcdef" } }, 400, "validation_failed"],
  ])("%s → %i %s, and nothing is stored", async (_name, body, status, code) => {
    const id = uniqueId("acct");
    const res = await api("PUT", `/v1/accounts/${id}`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toBeTruthy();
    expect(await env.CONFIG.get(`acct:${id}`)).toBeNull();
  });

  it("names the bad field", async () => {
    const res = await api("PUT", `/v1/accounts/${uniqueId("acct")}`, { concurrency: "many" });
    expect(res.body.error.message).toMatch(/^concurrency:/);
  });

  it("refuses an account id outside the safe alphabet", async () => {
    const res = await api("PUT", `/v1/accounts/${encodeURIComponent("bad id!")}`, {});
    expect(res.status).toBe(400);
  });

  it("refuses a body over 1 MB with 413", async () => {
    const res = await api("PUT", `/v1/accounts/${uniqueId("acct")}`, { name: "x".repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("answers 404 for an account that does not exist", async () => {
    const res = await api("GET", `/v1/accounts/${uniqueId("ghost")}`);
    expect(res.status).toBe(404);
  });
});

describe("authentication", () => {
  it("refuses a missing or wrong token with 401", async () => {
    const id = await makeAccount();
    expect((await api("GET", `/v1/accounts/${id}`, undefined, null)).status).toBe(401);
    expect((await api("GET", `/v1/accounts/${id}`, undefined, "wrong")).status).toBe(401);
    expect((await api("GET", `/v1/accounts/${id}`, undefined, "ehk_forged")).status).toBe(401);
  });

  it("keeps admin-only calls from service keys", async () => {
    const id = await makeAccount();
    const { key } = await makeKey(id);
    expect((await api("PUT", `/v1/accounts/${id}`, { name: "x" }, key)).status).toBe(403);
    expect((await api("POST", `/v1/accounts/${id}/keys`, { name: "x" }, key)).status).toBe(403);
  });
});

describe("service keys", () => {
  it("shows a key once, stores only its hash, lists without secrets", async () => {
    const id = await makeAccount();
    const created = await makeKey(id, "Customer.io");
    expect(created.key).toMatch(/^ehk_[A-Za-z0-9_-]{32}$/);
    expect(created.name).toBe("Customer.io");

    const listed = await api("GET", `/v1/accounts/${id}/keys`);
    expect(listed.body.keys).toHaveLength(1);
    expect(listed.body.keys[0]).toMatchObject({ id: created.id, name: "Customer.io" });
    expect(JSON.stringify(listed.body)).not.toContain(created.key);

    // Nothing in KV holds the key in the clear.
    const stored = await env.CONFIG.list({ prefix: `acct:${id}:key:` });
    for (const { name } of stored.keys) expect(await env.CONFIG.get(name)).not.toContain(created.key);
  });

  it("stops working once revoked", async () => {
    const id = await makeAccount();
    const { id: keyId, key } = await makeKey(id);
    expect((await api("GET", `/v1/accounts/${id}/keys`, undefined, key)).status).toBe(200);
    expect((await api("DELETE", `/v1/accounts/${id}/keys/${keyId}`)).status).toBe(204);
    expect((await api("GET", `/v1/accounts/${id}/keys`, undefined, key)).status).toBe(401);
    expect((await api("DELETE", `/v1/accounts/${id}/keys/${keyId}`)).status).toBe(404);
  });

  it("refuses a key without a name", async () => {
    const id = await makeAccount();
    const res = await api("POST", `/v1/accounts/${id}/keys`, {});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^name:/);
  });
});

describe("tenant isolation", () => {
  it("a key of account A gets 403 on every route of account B", async () => {
    const a = await makeAccount();
    const b = await makeAccount();
    const { key } = await makeKey(a);
    const routes: Array<[string, string, unknown?]> = [
      ["GET", `/v1/accounts/${b}`],
      ["GET", `/v1/accounts/${b}/keys`],
      ["DELETE", `/v1/accounts/${b}/keys/key_x`],
      ["GET", `/v1/accounts/${b}/actions`],
      ["PUT", `/v1/accounts/${b}/actions/x`, { url: "https://example.com" }],
      ["GET", `/v1/accounts/${b}/actions/x`],
      ["DELETE", `/v1/accounts/${b}/actions/x`],
      ["POST", `/v1/accounts/${b}/actions/x/preview`, { customer: {} }],
      ["POST", `/v1/accounts/${b}/actions/x/test`, { customer: {} }],
      ["POST", `/v1/accounts/${b}/actions/x/trigger`, { customer: { id: "1" } }],
      ["GET", `/v1/accounts/${b}/deliveries`],
      ["GET", `/v1/accounts/${b}/deliveries/dlv_x`],
      ["POST", `/v1/accounts/${b}/deliveries/dlv_x/replay`],
      ["GET", `/v1/accounts/${b}/customers/1/attributes`],
      ["DELETE", `/v1/accounts/${b}/customers/1/attributes`],
      ["DELETE", `/v1/accounts/${b}/customers/1/attributes/lead_id`],
    ];
    for (const [method, path, body] of routes) {
      const res = await api(method, path, body, key);
      expect([403, 404], `${method} ${path}`).toContain(res.status);
    }
  });
});
