import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env";
import { secretBox } from "../../src/store/secret-box";
import { api, makeAccount, makeKey } from "../helpers";

// Saving only: nothing is sent, so public example URLs are fine here.
const SECRET = "destination-shared-secret-0123";
const testBox = secretBox((env as Bindings).ENCRYPTION_KEY);

const path = (account: string, id = "hook") => `/v1/accounts/${account}/destinations/${id}`;

async function rawDestination(account: string, id = "hook"): Promise<string | null> {
  return env.CONFIG.get(`acct:${account}:destination:${id}`);
}

describe("destinations", () => {
  it("saves with defaults, reads, lists, updates and deletes", async () => {
    const account = await makeAccount();
    const saved = await api("PUT", path(account), { url: "https://example.com/{{ event.type }}" });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({
      id: "hook",
      url: "https://example.com/{{ event.type }}",
      method: "POST",
      trigger: {},
      headers: {},
      signature: "body",
      batch: null,
      enabled: true,
      shared_secret_set: false,
    });
    expect(saved.body).not.toHaveProperty("body");

    expect((await api("GET", path(account))).body).toEqual(saved.body);
    await api("PUT", path(account, "another"), { url: "https://example.com/b" });
    const listed = await api("GET", `/v1/accounts/${account}/destinations`);
    expect(listed.body.destinations.map((d: { id: string }) => d.id)).toEqual(["another", "hook"]);

    const updated = await api("PUT", path(account), {
      url: "https://example.com/x",
      method: "patch",
      trigger: { types: ["track", "identify"], events: ["Signed Up"] },
      headers: { "X-Source": "{{ event.context.library.name }}" },
      body: '{"user": {{ event.userId | json }}}',
      signature: "first_event",
      batch: { size: 1000, window_ms: 300_000 },
      enabled: false,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ method: "PATCH", batch: { size: 1000, window_ms: 300_000 }, enabled: false, signature: "first_event" });
    expect(updated.body.created_at).toBe(saved.body.created_at);

    expect((await api("DELETE", path(account))).status).toBe(204);
    expect((await api("GET", path(account))).status).toBe(404);
    expect((await api("DELETE", path(account))).status).toBe(404);
    expect(await rawDestination(account)).toBeNull();
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("accepts method %s", async (method) => {
    const account = await makeAccount();
    expect((await api("PUT", path(account), { url: "https://example.com", method })).status).toBe(201);
  });

  it.each([
    ["size 1", { size: 1, window_ms: 1_000 }],
    ["size 1000", { size: 1000, window_ms: 300_000 }],
  ])("accepts batch bounds: %s", async (_name, batch) => {
    const account = await makeAccount();
    const res = await api("PUT", path(account), { url: "https://example.com", batch });
    expect(res.status).toBe(201);
    expect(res.body.batch).toEqual(batch);
  });

  it("works with the account's service key", async () => {
    const account = await makeAccount();
    const { key } = await makeKey(account);
    expect((await api("PUT", path(account), { url: "https://example.com" }, key)).status).toBe(201);
    expect((await api("GET", path(account), undefined, key)).status).toBe(200);
  });
});

describe("destinations: the shared secret", () => {
  it("is stored sealed, never returned, kept when absent and cleared by null", async () => {
    const account = await makeAccount();
    const saved = await api("PUT", path(account), { url: "https://example.com", shared_secret: SECRET });
    expect(saved.status).toBe(201);
    expect(saved.body.shared_secret_set).toBe(true);
    expect(JSON.stringify(saved.body)).not.toContain(SECRET);

    const raw = (await rawDestination(account))!;
    expect(raw).not.toContain(SECRET);
    const stored = JSON.parse(raw);
    expect(stored.shared_secret).toMatch(/^enc:v1:test:/);
    expect(await testBox.open(stored.shared_secret)).toBe(SECRET);

    for (const res of [await api("GET", path(account)), await api("GET", `/v1/accounts/${account}/destinations`)]) {
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect(JSON.stringify(res.body)).not.toContain("enc:v1");
    }

    // An update without the field keeps it (the API never shows it, so a read-modify-write cannot resend it).
    const kept = await api("PUT", path(account), { url: "https://example.com/2" });
    expect(kept.body.shared_secret_set).toBe(true);
    expect(await testBox.open(JSON.parse((await rawDestination(account))!).shared_secret)).toBe(SECRET);

    const cleared = await api("PUT", path(account), { url: "https://example.com/2", shared_secret: null });
    expect(cleared.body.shared_secret_set).toBe(false);
    expect(JSON.parse((await rawDestination(account))!)).not.toHaveProperty("shared_secret");
  });

  it("must be at least 16 characters", async () => {
    const account = await makeAccount();
    const res = await api("PUT", path(account), { url: "https://example.com", shared_secret: "too-short" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^shared_secret: /);
    expect(await rawDestination(account)).toBeNull();
  });
});

describe("destinations: bad input", () => {
  it.each([
    ["the GET method", "method", { url: "https://example.com", method: "GET" }],
    ["an unknown method", "method", { url: "https://example.com", method: "TRACE" }],
    ["no url", "url", { body: "{}" }],
    ["a non-http URL", "url", { url: "ftp://example.com/x" }],
    ["a URL whose scheme renders empty", "url", { url: "{{ event.url }}" }],
    ["batch size 0", "batch.size", { url: "https://example.com", batch: { size: 0, window_ms: 1_000 } }],
    ["batch size 1001", "batch.size", { url: "https://example.com", batch: { size: 1001, window_ms: 1_000 } }],
    ["batch size 2.5", "batch.size", { url: "https://example.com", batch: { size: 2.5, window_ms: 1_000 } }],
    ["batch window 999 ms", "batch.window_ms", { url: "https://example.com", batch: { size: 10, window_ms: 999 } }],
    ["batch window 300,001 ms", "batch.window_ms", { url: "https://example.com", batch: { size: 10, window_ms: 300_001 } }],
    ["a batch without a window", "batch.window_ms", { url: "https://example.com", batch: { size: 10 } }],
    ["an unknown event type", "trigger.types.0", { url: "https://example.com", trigger: { types: ["purchase"] } }],
    ["an empty types list", "trigger.types", { url: "https://example.com", trigger: { types: [] } }],
    ["an empty event name", "trigger.events.0", { url: "https://example.com", trigger: { events: [""] } }],
    ["event names without track", "trigger.events", { url: "https://example.com", trigger: { types: ["identify"], events: ["Signed Up"] } }],
    ["an unknown signature mode", "signature", { url: "https://example.com", signature: "array" }],
    ["enabled as a string", "enabled", { url: "https://example.com", enabled: "yes" }],
    ["a header name with a space", "headers.X Bad", { url: "https://example.com", headers: { "X Bad": "1" } }],
    ["an unknown field", "body", { url: "https://example.com", retries: 3 }],
  ])("%s → 400 naming %s, nothing saved", async (_name, field, body) => {
    const account = await makeAccount();
    const res = await api("PUT", path(account, "bad"), body);
    expect(res.status).toBe(400);
    expect(res.body.error.message.startsWith(`${field}:`) || res.body.error.issues?.[0]?.path === field).toBe(true);
    expect(await rawDestination(account, "bad")).toBeNull();
  });

  it.each([
    ["body", { url: "https://example.com", body: '{\n  "a": "{{ event.name"\n}' }, 2],
    ["url", { url: "https://example.com/{% if %}" }, 1],
    ["headers.X-Token", { url: "https://example.com", headers: { "X-Token": "{{ x | nope }}" } }, 1],
  ])("invalid Liquid in %s → 400 with field, line and column", async (field, body, line) => {
    const account = await makeAccount();
    const res = await api("PUT", path(account, "bad"), body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_template", field, line });
    expect(typeof res.body.error.column).toBe("number");
    expect(res.body.error.message).toContain(field);
    expect(await rawDestination(account, "bad")).toBeNull();
  });

  it("refuses a malformed destination id", async () => {
    const account = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${account}/destinations/a:b`, { url: "https://example.com" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^dest: /);
  });
});

describe("tenant isolation", () => {
  it("a key of another account gets 403 on every destination route, for a destination that exists", async () => {
    const owner = await makeAccount();
    const other = await makeAccount();
    const { key } = await makeKey(other);
    await api("PUT", path(owner), { url: "https://example.com/mine", shared_secret: SECRET });
    const before = await rawDestination(owner);

    const calls: Array<[string, string, unknown?]> = [
      ["GET", `/v1/accounts/${owner}/destinations`],
      ["GET", path(owner)],
      ["PUT", path(owner), { url: "https://example.com/theirs" }],
      ["PUT", path(owner, "new"), { url: "https://example.com/theirs" }],
      ["DELETE", path(owner)],
    ];
    for (const [method, url, body] of calls) {
      const res = await api(method, url, body, key);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain("example.com/mine");
    }
    expect(await rawDestination(owner)).toBe(before);
    expect(await rawDestination(owner, "new")).toBeNull();
    expect((await api("GET", `/v1/accounts/${other}/destinations`, undefined, key)).body.destinations).toEqual([]);
  });
});
