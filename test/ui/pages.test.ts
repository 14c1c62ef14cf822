import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, api, makeAccount, makeAction, makeKey, target, uniqueId, waitFor } from "../helpers";
import { csrfOf, signIn } from "./ui-client";

describe("a service key sees only its account", () => {
  it("gets 403 on every page of another account, existing or not, and 200 on its own", async () => {
    const mine = await makeAccount();
    const theirs = await makeAccount();
    await makeAction(theirs);
    const { key } = await makeKey(mine);
    const { client } = await signIn(key);
    for (const page of ["", "/keys", "/actions", "/actions/a", "/actions/new", "/deliveries", "/destinations", "/sources", "/gist"]) {
      expect((await client.get(`/ui/a/${theirs}${page}`)).status, `/ui/a/${theirs}${page}`).toBe(403);
      expect((await client.get(`/ui/a/no-such-${theirs}${page}`)).status).toBe(403);
    }
    expect((await client.get("/ui/accounts")).status).toBe(403);
    const stream = await client.readStream(`/ui/a/${theirs}/deliveries/live`, "forbidden");
    expect(stream.text).toContain('"code":"forbidden"');
    for (const page of ["", "/keys", "/actions", "/deliveries", "/destinations", "/sources", "/gist"]) {
      expect((await client.get(`/ui/a/${mine}${page}`)).status, `/ui/a/${mine}${page}`).toBe(200);
    }
  });

  it("cannot change another account with a valid CSRF token of its own session", async () => {
    const mine = await makeAccount();
    const theirs = await makeAccount();
    const { key } = await makeKey(mine);
    const { client } = await signIn(key);
    const token = csrfOf((await client.get(`/ui/a/${mine}/actions/new`)).text);
    const answer = await client.post(`/ui/a/${theirs}/actions`, { _csrf: token, id: "x", method: "POST", url: "https://example.com/x" });
    expect(answer.status).toBe(403);
    expect((await api("GET", `/v1/accounts/${theirs}/actions`)).body.actions).toEqual([]);
  });
});

describe("accounts page", () => {
  it("lets the admin create an account from the form, and only the admin", async () => {
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get("/ui/accounts")).text);
    const id = uniqueId("acct");
    const created = await client.post("/ui/accounts", { _csrf: token, account: id, name: "From the dashboard", concurrency: "7" });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe(`/ui/a/${id}/keys`);
    expect((await api("GET", `/v1/accounts/${id}`)).body).toMatchObject({ name: "From the dashboard", concurrency: 7 });
    const bad = await client.post("/ui/accounts", { _csrf: token, account: "no:colons", name: "x" });
    expect(bad.status).toBe(400);

    const mine = await makeAccount();
    const { key } = await makeKey(mine);
    const { client: keyClient } = await signIn(key);
    const keyToken = csrfOf((await keyClient.get(`/ui/a/${mine}/keys`)).text);
    expect((await keyClient.post("/ui/accounts", { _csrf: keyToken, account: mine, name: "Taken over" })).status).toBe(403);
    expect((await api("GET", `/v1/accounts/${mine}`)).body.name).toBe("Test");
  });
});

describe("keys page", () => {
  it("shows a new key once, and revokes it", async () => {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get(`/ui/a/${account}/keys`)).text);
    const created = await client.post(`/ui/a/${account}/keys`, { name: "deploy", _csrf: token });
    const key = created.text.match(/id="new-key">(ehk_[A-Za-z0-9_-]+)</)?.[1];
    expect(key).toBeDefined();
    expect(created.headers.get("cache-control")).toBe("no-store");
    expect((await api("GET", `/v1/accounts/${account}`, undefined, key!)).status).toBe(200);
    const again = await client.get(`/ui/a/${account}/keys`);
    expect(again.text).not.toContain(key!);

    const { keys } = (await api("GET", `/v1/accounts/${account}/keys`)).body;
    const revoked = await client.post(`/ui/a/${account}/keys/${keys[0].id}/revoke`, { _csrf: token });
    expect(revoked.status).toBe(200);
    expect((await api("GET", `/v1/accounts/${account}`, undefined, key!)).status).toBe(401);
  });
});

describe("action editor", () => {
  async function editor() {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get(`/ui/a/${account}/actions/new`)).text);
    const preview = (fields: Record<string, string>) =>
      client.request("POST", `/ui/a/${account}/actions/preview`, { json: fields, headers: { "x-csrf-token": token } });
    return { account, client, token, preview };
  }

  it("previews a draft with the sample customer, warnings included, and saves nothing", async () => {
    const { account, preview } = await editor();
    const answer = await preview({ url: "https://example.com/u/{{ customer.id }}", body: '{"email": "{{ customer.email }}"', headers: "X-Who: {{ customer.email }}", customer: '{"id": "7", "email": "a@b.co"}' });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text);
    expect(body.request).toMatchObject({ method: "POST", url: "https://example.com/u/7", body: '{"email": "a@b.co"', headers: { "X-Who": "a@b.co" } });
    expect(body.warnings.length).toBe(1);
    expect((await api("GET", `/v1/accounts/${account}/actions`)).body.actions).toEqual([]);
  });

  it("reports a Liquid error at its field and line", async () => {
    const { preview } = await editor();
    const body = JSON.parse((await preview({ url: "https://example.com", body: "line one\n{{ customer.id \n" })).text);
    expect(body.error).toMatchObject({ code: "invalid_template", field: "body", line: 2 });
  });

  it("renders attributes from a sample response", async () => {
    const { preview } = await editor();
    const body = JSON.parse((await preview({ url: "https://example.com", attributes: "plan = {{ response.plan }}", response: '{"status": 200, "body": {"plan": "pro"}}' })).text);
    expect(body.attributes).toEqual({ plan: "pro" });
  });

  it("saves through the API and shows its 400 for invalid Liquid without saving", async () => {
    const { account, client, token } = await editor();
    const bad = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "welcome", method: "POST", url: "https://example.com", body: "{% if %}" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("body: line 1");
    expect((await api("GET", `/v1/accounts/${account}/actions`)).body.actions).toEqual([]);

    const badHeader = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "welcome", method: "POST", url: "https://example.com", headers: "X-Fine: 1\nno separator here" });
    expect(badHeader.status).toBe(400);
    expect(badHeader.text).toContain("headers: line 2");
    const badId = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "no spaces", method: "POST", url: "https://example.com" });
    expect(badId.status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/actions`)).body.actions).toEqual([]);

    const good = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "welcome", method: "PUT", url: "https://example.com/{{customer.id}}", headers: "X-A: 1\nX-B: {{ customer.id }}", body: "{}", attributes: "seen = yes" });
    expect(good.status).toBe(303);
    expect(good.headers.get("location")).toBe(`/ui/a/${account}/actions/welcome?saved=1`);
    const saved = (await api("GET", `/v1/accounts/${account}/actions/welcome`)).body;
    expect(saved).toMatchObject({ method: "PUT", headers: { "X-A": "1", "X-B": "{{ customer.id }}" }, body: "{}", attributes: { seen: "yes" } });
  });

  it("test-sends the saved action and shows the target's response", async () => {
    const { account, client, token } = await editor();
    const sink = uniqueId("ui-test");
    await makeAction(account, { url: target(sink), body: '{"id":"{{customer.id}}"}' }, "ping");
    const answer = await client.request("POST", `/ui/a/${account}/actions/ping/test`, { json: { customer: '{"id": "9"}', event: "{}" }, headers: { "x-csrf-token": token } });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text);
    expect(body.response.status).toBe(200);
    expect(body.request.body).toBe('{"id":"9"}');
  });
});

describe("deliveries", () => {
  it("lists, filters, streams rows live, shows the detail and replays", async () => {
    const account = await makeAccount();
    const sink = uniqueId("ui-dlv");
    await makeAction(account, { url: target(sink) }, "hook");
    const trigger = await api("POST", `/v1/accounts/${account}/actions/hook/trigger`, { customer: { id: "cust-1" } });
    expect(trigger.status).toBe(202);
    const id: string = trigger.body.delivery_id;
    await waitFor(async () => (await api("GET", `/v1/accounts/${account}/deliveries/${id}`)).body.status === "sent");

    const { client } = await signIn(ADMIN);
    expect((await client.get(`/ui/a/${account}/deliveries`)).text).toContain(id);
    expect((await client.get(`/ui/a/${account}/deliveries?status=failed`)).text).not.toContain(id);
    for (const q of [id, "cust-1", "hook"]) expect((await client.get(`/ui/a/${account}/deliveries?q=${q}`)).text, q).toContain(id);
    expect((await client.get(`/ui/a/${account}/deliveries?q=someone-else`)).text).not.toContain(`row-${id}`);

    const overview = await client.get(`/ui/a/${account}`);
    expect(overview.text).toContain("<svg");
    expect(overview.text).toMatch(/sent: 1</);

    const live = await client.readStream(`/ui/a/${account}/deliveries/live`, "event: rows");
    expect(live.headers.get("content-type")).toContain("text/event-stream");
    expect(live.text).toContain("event: rows");

    const detail = await client.get(`/ui/a/${account}/deliveries/${id}`);
    expect(detail.text).toContain("Attempt 1");
    const replay = await client.post(`/ui/a/${account}/deliveries/${id}/replay`, { _csrf: csrfOf(detail.text) });
    expect(replay.status).toBe(303);
    const newId = replay.headers.get("location")!.match(/deliveries\/(dlv_[0-9a-z]+)/)![1]!;
    expect(newId).not.toBe(id);
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${newId}`)).body.replay_of).toBe(id);
  });
});

describe("delivery paging", () => {
  it("links to older deliveries, and only the newest page is live", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("ui-page")) }, "hook");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api("POST", `/v1/accounts/${account}/actions/hook/trigger`, { customer: { id: `c${i}` } })).body.delivery_id);
    const { client } = await signIn(ADMIN);
    const first = await client.get(`/ui/a/${account}/deliveries?limit=2`);
    expect(first.text).toContain(`row-${ids[2]}`);
    expect(first.text).toContain(`row-${ids[1]}`);
    expect(first.text).not.toContain(`row-${ids[0]}`);
    expect(first.text).toContain("data-live-src");
    const older = first.text.match(/href="([^"]*before=[^"]*)">Older deliveries/)?.[1]?.replace(/&amp;/g, "&");
    expect(older).toBe(`/ui/a/${account}/deliveries?limit=2&before=${ids[1]}`);
    const second = await client.get(older!);
    expect(second.text).toContain(`row-${ids[0]}`);
    expect(second.text).not.toContain(`row-${ids[1]}`);
    expect(second.text).not.toContain("data-live-src");
    expect(second.text).not.toContain("Older deliveries");
  });
});

describe("gist page", () => {
  it("shows a serve-mode user's pending messages, looked up by user token", async () => {
    const site = uniqueId("site");
    const account = await makeAccount({ gist: { mode: "serve", site_id: site } });
    const { key } = await makeKey(account);
    const queued = await exports.default.fetch("http://edgehook.test/api/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json", "x-bourbon-organization-id": account, "x-gist-service-key": key },
      body: JSON.stringify({ messageId: "spring-sale", userToken: "ann", priority: 2 }),
    });
    expect(queued.status).toBe(202);
    const { client } = await signIn(key);
    const page = await client.get(`/ui/a/${account}/gist?user=ann`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(site);
    expect(page.text).toContain("spring-sale");
    expect((await client.get(`/ui/a/${account}/gist?user=bob`)).text).not.toContain("spring-sale");
  });
});

describe("sources page", () => {
  it("lists a source's events and replays a forwarded one as a new delivery", async () => {
    const account = await makeAccount();
    const secret = "inbound-shared-secret-0123";
    expect((await api("PUT", `/v1/accounts/${account}/sources/cio`, { provider: "customerio", secret, forward_url: target(uniqueId("ui-fwd")) })).status).toBe(201);
    const body = JSON.stringify({ event_id: "01HX", object_type: "email", metric: "sent", timestamp: 1700000000, data: { customer_id: "42" } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`v0:${timestamp}:${body}`)));
    const signature = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
    const inbound = await exports.default.fetch(`http://edgehook.test/v1/inbound/${account}/cio`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-cio-timestamp": timestamp, "x-cio-signature": signature },
      body,
    });
    expect(inbound.status).toBe(200);
    const { event_id: eventId } = await inbound.json<{ event_id: string }>();

    const { client } = await signIn(ADMIN);
    const page = await client.get(`/ui/a/${account}/sources`);
    expect(page.text).toContain(eventId);
    const replay = await client.post(`/ui/a/${account}/sources/cio/events/${eventId}/replay`, { _csrf: csrfOf(page.text) });
    expect(replay.status).toBe(303);
    const newId = replay.headers.get("location")!.match(/deliveries\/(dlv_[0-9a-z]+)/)![1]!;
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${newId}`)).body).toMatchObject({ kind: "forward", source: "cio" });
  });
});
