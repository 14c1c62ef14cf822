import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, makeAccount, makeAction, makeKey } from "../helpers";

describe("actions", () => {
  it("saves with defaults, reads, lists, updates and deletes", async () => {
    const account = await makeAccount();
    const saved = await api("PUT", `/v1/accounts/${account}/actions/welcome`, { url: "https://example.com/{{customer.id}}" });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ id: "welcome", method: "POST", url: "https://example.com/{{customer.id}}", headers: {}, attributes: {} });

    expect((await api("GET", `/v1/accounts/${account}/actions/welcome`)).body.id).toBe("welcome");
    await makeAction(account, {}, "second");
    const listed = await api("GET", `/v1/accounts/${account}/actions`);
    expect(listed.body.actions.map((a: { id: string }) => a.id)).toEqual(["second", "welcome"]);

    const updated = await api("PUT", `/v1/accounts/${account}/actions/welcome`, { method: "put", url: "https://example.com/x" });
    expect(updated.status).toBe(200);
    expect(updated.body.method).toBe("PUT");
    expect(updated.body.created_at).toBe(saved.body.created_at);

    expect((await api("DELETE", `/v1/accounts/${account}/actions/welcome`)).status).toBe(204);
    expect((await api("GET", `/v1/accounts/${account}/actions/welcome`)).status).toBe(404);
  });

  it.each(["GET", "POST", "PUT", "PATCH", "DELETE"])("accepts method %s", async (method) => {
    const account = await makeAccount();
    const body = method === "GET" ? undefined : "{}";
    const res = await api("PUT", `/v1/accounts/${account}/actions/a`, { method, url: "https://example.com", body });
    expect(res.status).toBe(201);
  });

  it("works with the account's service key", async () => {
    const account = await makeAccount();
    const { key } = await makeKey(account);
    const res = await api("PUT", `/v1/accounts/${account}/actions/k`, { url: "https://example.com" }, key);
    expect(res.status).toBe(201);
  });
});

describe("actions: bad input", () => {
  it.each([
    ["an unknown method", { url: "https://example.com", method: "TRACE" }, "method"],
    ["no url", { body: "{}" }, "url"],
    ["a non-http URL", { url: "ftp://example.com/x" }, "url"],
    ["a javascript: URL", { url: "javascript:alert(1)" }, "url"],
    ["a URL whose scheme renders empty", { url: "{{ customer.url }}" }, "url"],
    ["a header name with a space", { url: "https://example.com", headers: { "X Bad": "1" } }, "headers"],
    ["headers of the wrong type", { url: "https://example.com", headers: ["x"] }, "headers"],
    ["a GET with a body", { url: "https://example.com", method: "GET", body: "{}" }, "body"],
    ["an unknown field", { url: "https://example.com", retries: 3 }, "body"],
  ])("%s → 400 naming %s, nothing saved", async (_name, body, field) => {
    const account = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${account}/actions/bad`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message.startsWith(field) || res.body.error.issues?.[0]?.path === "body").toBe(true);
    expect(await env.CONFIG.get(`acct:${account}:action:bad`)).toBeNull();
  });

  it.each([
    ["body", { url: "https://example.com", body: '{\n  "a": "{{ customer.name"\n}' }, 2],
    ["url", { url: "https://example.com/{% if %}" }, 1],
    ["headers.X-Token", { url: "https://example.com", headers: { "X-Token": "{{ x | nope }}" } }, 1],
    ["attributes.lead_id", { url: "https://example.com", attributes: { lead_id: "{% for %}" } }, 1],
  ])("invalid Liquid in %s → 400 with field, line and column", async (field, body, line) => {
    const account = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${account}/actions/bad`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_template");
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.line).toBe(line);
    expect(typeof res.body.error.column).toBe("number");
    expect(res.body.error.message).toContain(field);
  });

  it("refuses a template over the size limit", async () => {
    const account = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${account}/actions/big`, { url: "https://example.com", body: "x".repeat(100_001) });
    expect(res.status).toBe(400);
  });
});
