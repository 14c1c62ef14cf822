import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealSession } from "../../src/ui/session";
import { ADMIN, api, makeAccount, makeKey } from "../helpers";
import { csrfOf, signIn, UiClient } from "./ui-client";

function sessionCookieLine(headers: Headers): string {
  const line = headers.getAll("set-cookie").find((l: string) => l.startsWith("edgehook_session="));
  if (!line) throw new Error(`no session cookie set: ${headers.getAll("set-cookie").join(" | ")}`);
  return line;
}

describe("dashboard sign-in", () => {
  it("signs the admin in with a HttpOnly, Secure, SameSite=Strict cookie that holds no token", async () => {
    const { client, answer } = await signIn(ADMIN);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/ui/accounts");
    const line = sessionCookieLine(answer.headers);
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; Secure/i);
    expect(line).toMatch(/; SameSite=Strict/i);
    expect(line).toMatch(/; Path=\/ui/i);
    const value = client.cookies.get("edgehook_session")!;
    expect(value).not.toContain(ADMIN);
    expect(atob(value.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))).not.toContain(ADMIN);
    expect((await client.get("/ui/accounts")).status).toBe(200);
  });

  it("leaves Secure off on localhost only, where plain HTTP is the norm", async () => {
    const { answer } = await signIn(ADMIN, "http://localhost:8787");
    expect(sessionCookieLine(answer.headers)).not.toMatch(/Secure/i);
  });

  it("keeps a service key out of the cookie and sends it to its own account", async () => {
    const account = await makeAccount();
    const { key, id } = await makeKey(account);
    const { client, answer } = await signIn(key);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe(`/ui/a/${account}`);
    const cookie = client.cookies.get("edgehook_session")!;
    expect(cookie).not.toContain(key);
    const payload = atob(cookie.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"));
    expect(payload).toContain(id);
    expect(payload).not.toContain(key.slice(4));
  });

  it("refuses a wrong token with 401 and sets no session", async () => {
    const { client, answer } = await signIn("not-the-token");
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("not valid");
    expect(client.cookies.has("edgehook_session")).toBe(false);
  });

  it("refuses a sign-in form posted without the page's CSRF token", async () => {
    const client = new UiClient();
    await client.get("/ui/sign-in");
    const answer = await client.post("/ui/sign-in", { token: ADMIN });
    expect(answer.status).toBe(403);
    expect(client.cookies.has("edgehook_session")).toBe(false);
  });

  it("sends a visitor without a session to sign-in, and refuses a forged or altered cookie", async () => {
    const anonymous = new UiClient();
    const page = await anonymous.get("/ui/accounts");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/ui/sign-in?next=%2Fui%2Faccounts");

    const account = await makeAccount();
    const { key } = await makeKey(account);
    const { client } = await signIn(key);
    const [body, signature] = client.cookies.get("edgehook_session")!.split(".");
    // Rewrite the payload to claim the admin, keeping the old signature.
    const forged = btoa(JSON.stringify({ sid: "ses_x", exp: 4_000_000_000, p: "admin" })).replace(/=+$/, "");
    client.cookies.set("edgehook_session", `${forged}.${signature}`);
    expect((await client.get("/ui/accounts")).status).toBe(303);
    client.cookies.set("edgehook_session", `${body}.${signature!.slice(0, -2)}AA`);
    expect((await client.get(`/ui/a/${account}`)).status).toBe(303);
  });

  it("refuses a genuinely signed cookie once its expiry has passed", async () => {
    const client = new UiClient();
    const now = Math.floor(Date.now() / 1000);
    client.cookies.set("edgehook_session", await sealSession(env, { sid: "ses_live", principal: { kind: "admin" }, exp: now + 60 }));
    expect((await client.get("/ui/accounts")).status).toBe(200);
    client.cookies.set("edgehook_session", await sealSession(env, { sid: "ses_old", principal: { kind: "admin" }, exp: now - 1 }));
    expect((await client.get("/ui/accounts")).status).toBe(303);
  });

  it("refuses a cookie signed under other secrets: rotating ADMIN_TOKEN or ENCRYPTION_KEY signs everyone out", async () => {
    const client = new UiClient();
    const exp = Math.floor(Date.now() / 1000) + 60;
    const session = { sid: "ses_rotated", principal: { kind: "admin" as const }, exp };
    client.cookies.set("edgehook_session", await sealSession({ ...env, ADMIN_TOKEN: "an-older-admin-token" }, session));
    expect((await client.get("/ui/accounts")).status).toBe(303);
    client.cookies.set("edgehook_session", await sealSession({ ...env, ENCRYPTION_KEY: "old:AAAA" }, session));
    expect((await client.get("/ui/accounts")).status).toBe(303);
  });

  it("follows sign-in only to a dashboard page, never to another site", async () => {
    for (const [next, expected] of [["/ui/a/x/deliveries", "/ui/a/x/deliveries"], ["https://evil.example/", "/ui/accounts"], ["//evil.example/ui", "/ui/accounts"], ["/uix", "/ui/accounts"]]) {
      const client = new UiClient();
      const page = await client.get(`/ui/sign-in?next=${encodeURIComponent(next!)}`);
      const answer = await client.post(`/ui/sign-in?next=${encodeURIComponent(next!)}`, { _csrf: csrfOf(page.text), token: ADMIN });
      expect(answer.headers.get("location"), next).toBe(expected);
    }
  });

  it("ends a service key's session as soon as the key is revoked", async () => {
    const account = await makeAccount();
    const { key, id } = await makeKey(account);
    const { client } = await signIn(key);
    expect((await client.get(`/ui/a/${account}/actions`)).status).toBe(200);
    expect((await api("DELETE", `/v1/accounts/${account}/keys/${id}`)).status).toBe(204);
    const after = await client.get(`/ui/a/${account}/actions`);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toContain("/ui/sign-in");
  });

  it("signs out with the session's CSRF token, clearing the cookie", async () => {
    const { client } = await signIn(ADMIN);
    const page = await client.get("/ui/accounts");
    const out = await client.post("/ui/sign-out", { _csrf: csrfOf(page.text) });
    expect(out.status).toBe(303);
    expect(client.cookies.has("edgehook_session")).toBe(false);
    expect((await client.get("/ui/accounts")).status).toBe(303);
  });
});

describe("dashboard CSRF", () => {
  it("refuses a form POST without the token, or with another session's, and changes nothing", async () => {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const { client: other } = await signIn(ADMIN);
    const otherToken = csrfOf((await other.get("/ui/accounts")).text);

    const missing = await client.post(`/ui/a/${account}/keys`, { name: "sneaky" });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain("CSRF");
    const foreign = await client.post(`/ui/a/${account}/keys`, { name: "sneaky", _csrf: otherToken });
    expect(foreign.status).toBe(403);
    expect((await api("GET", `/v1/accounts/${account}/keys`)).body.keys).toEqual([]);

    const token = csrfOf((await client.get(`/ui/a/${account}/keys`)).text);
    const created = await client.post(`/ui/a/${account}/keys`, { name: "real", _csrf: token });
    expect(created.status).toBe(200);
    expect((await api("GET", `/v1/accounts/${account}/keys`)).body.keys.map((k: { name: string }) => k.name)).toEqual(["real"]);
  });

  it("refuses a POST from another origin even with a valid token", async () => {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get(`/ui/a/${account}/keys`)).text);
    const answer = await client.post(`/ui/a/${account}/keys`, { name: "x", _csrf: token }, { origin: "https://evil.example" });
    expect(answer.status).toBe(403);
    expect((await api("GET", `/v1/accounts/${account}/keys`)).body.keys).toEqual([]);
  });

  it("refuses a form larger than 1 MB before reading it", async () => {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get(`/ui/a/${account}/keys`)).text);
    const answer = await client.post(`/ui/a/${account}/keys`, { name: "x".repeat(1_000_001), _csrf: token });
    expect(answer.status).toBe(413);
    expect((await api("GET", `/v1/accounts/${account}/keys`)).body.keys).toEqual([]);
  });

  it("refuses the page script's JSON calls without the token header", async () => {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const answer = await client.request("POST", `/ui/a/${account}/actions/preview`, { json: { url: "https://example.com" } });
    expect(answer.status).toBe(403);
  });
});
