import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, api, makeAccount, makeAction, makeKey, target, uniqueId, waitFor } from "../helpers";
import { csrfOf, signIn } from "./ui-client";

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
