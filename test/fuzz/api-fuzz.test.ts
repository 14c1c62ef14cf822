import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, makeKey, target, uniqueId } from "../helpers";

// A property-based fuzz of the whole HTTP API: random ids, bodies, templates
// and headers on every route. Whatever comes in, the answer is never a 5xx,
// every error has the {error: {code, message}} shape, and a rejected request
// changes nothing. Every action the fuzz can save points at the local target
// server, so whatever it triggers or test-sends goes to 127.0.0.1 only.

/** Fuzz-made account ids start with this, so the state check can tell them from other tests' accounts. */
const PREFIX = "fz";

const main = `${PREFIX}-main-${Date.now().toString(36)}`;
let mainKey = "";
let otherKey = "";
let mainKeyId = "";
/** The newest delivery of the main account, for the routes that read or replay one. */
let lastDelivery = "dlv_000000000aaaaaaaaaa";
let sink = "";

beforeAll(async () => {
  sink = target(uniqueId("fuzz"));
  expect((await api("PUT", `/v1/accounts/${main}`, { name: "fuzz" })).status).toBe(201);
  ({ key: mainKey, id: mainKeyId } = await makeKey(main));
  const other = `${PREFIX}-other-${Date.now().toString(36)}`;
  await api("PUT", `/v1/accounts/${other}`, {});
  otherKey = (await makeKey(other)).key;
  expect((await api("PUT", `/v1/accounts/${main}/actions/act`, { url: sink, body: "{{ customer | json }}", attributes: { lead: "{{ response.ok }}" } })).status).toBe(201);
});

/** Ids as a hostile caller writes them: mostly the one that exists (so the request gets past the lookup), else unknown, too long, unicode, with separators and encoded slashes. */
const idLike = (known: () => string) =>
  fc
    .oneof(
      { weight: 6, arbitrary: fc.constant(null).map(known) },
      { weight: 1, arbitrary: fc.stringMatching(/^fz[A-Za-z0-9_.-]{0,20}$/) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
      { weight: 2, arbitrary: fc.constantFrom(`${main}:action:act`, "a".repeat(600), "€".repeat(256), "..", ".", "%2F", "a%2Fb", "%ZZ", "%00", " ", "key_x", "dlv_") },
    )
    .chain((id) => fc.boolean().map((encode) => (encode ? encodeURIComponent(id) : id.replace(/[/?#]/g, "_"))));

const accountPart = idLike(() => main);
const actionPart = idLike(() => "act");
const keyPart = idLike(() => mainKeyId);
const deliveryPart = idLike(() => lastDelivery);
const customerPart = idLike(() => "c1");
const namePart = idLike(() => "lead");

/** Liquid-ish text: templates that parse, that don't, and ones that loop or print a lot. */
const template = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    "{{ customer.id }}",
    "{{ customer | json }}",
    "{% for i in (1..100000) %}{{ i }}{% endfor %}",
    "{% include 'x' %}",
    "{{ 'x' | append: customer.id",
    "{% if %}",
    "{{ customer.name | upcase | nope }}",
    "\r\nInjected: yes",
  ),
);

/** What a saved action may hold. Its URL is always the local sink (or something invalid), never a public host. */
const actionBody = fc.record(
  {
    method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "post", 7),
    url: fc.constantFrom(() => sink, () => `${sink}?c={{ customer.id }}`, () => "ftp://127.0.0.1/x", () => "not a url", () => "", () => "http://[::1"),
    headers: fc.dictionary(fc.oneof(fc.constantFrom("X-A", "Content-Type", "bad name", ""), fc.string({ maxLength: 10 })), template, { maxKeys: 3 }),
    body: template,
    attributes: fc.dictionary(fc.oneof(fc.constantFrom("lead", "9bad"), fc.string({ maxLength: 8 })), template, { maxKeys: 2 }),
  },
  { requiredKeys: [] },
).map((body) => ({ ...body, url: typeof body.url === "function" ? body.url() : body.url }));

// Around the 64-level bound, and far past it (thousands of levels once overflowed the stack).
/** What a destination may hold; its URL, like an action's, is always the local sink or something invalid. */
const destinationBody = fc.record(
  {
    url: fc.constantFrom(() => sink, () => "not a url", () => "ftp://127.0.0.1/"),
    method: fc.constantFrom("POST", "GET", "PATCH", 1),
    trigger: fc.oneof(fc.record({ types: fc.array(fc.constantFrom("track", "identify", "nope")), events: fc.array(fc.string({ maxLength: 10 })) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })),
    headers: fc.dictionary(fc.constantFrom("X-A", "bad name"), template, { maxKeys: 2 }),
    body: template,
    batch: fc.oneof(fc.record({ size: fc.integer({ min: -1, max: 1200 }), window_ms: fc.integer({ min: 0, max: 400_000 }) }), fc.constant(null), fc.jsonValue({ maxDepth: 1 })),
    shared_secret: fc.oneof(fc.string({ maxLength: 30 }), fc.constant(null)),
    signature: fc.constantFrom("body", "first_event", "nope"),
    enabled: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
  },
  { requiredKeys: [] },
).map((body) => ({ ...body, url: typeof body.url === "function" ? body.url() : body.url }));

const deep = fc.oneof(fc.integer({ min: 60, max: 70 }), fc.integer({ min: 1000, max: 20_000 })).map((depth) => `{"customer": {"id": "c1", "x": ${"[".repeat(depth)}${"]".repeat(depth)}}}`);
const customerBody = fc.record(
  {
    customer: fc.oneof(fc.record({ id: fc.oneof(customerPart, fc.integer(), fc.double(), fc.constant(null)) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 3 })),
    event: fc.jsonValue({ maxDepth: 3 }),
    idempotency_key: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 257, maxLength: 300 }), fc.integer()),
    response: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);
const accountBody = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
    concurrency: fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.string({ maxLength: 4 })),
    shard: fc.oneof(fc.stringMatching(/^fz[A-Za-z0-9]{0,8}$/), fc.string({ maxLength: 70 }), fc.constant(null)),
    signing_secret: fc.oneof(fc.constantFrom("whsec_", "plain", `whsec_${"A".repeat(32)}`), fc.string({ maxLength: 20 })),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(actionBody, customerBody, accountBody) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const noBody = fc.constant(undefined);
const customerOrHostile = fc.oneof({ weight: 2, arbitrary: customerBody }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: body });

/** Every route, with the path parts and body a caller could send it. */
const routes = [
  fc.record({ method: fc.constant("GET"), path: fc.constantFrom("/healthz", "/v1/ip-addresses"), body: noBody }),
  fc.record({ method: fc.constantFrom("PUT", "GET"), path: accountPart.map((a) => `/v1/accounts/${a}`), body: fc.oneof(accountBody, body) }),
  fc.record({ method: fc.constantFrom("POST", "GET"), path: accountPart.map((a) => `/v1/accounts/${a}/keys`), body }),
  fc.record({ method: fc.constant("DELETE"), path: fc.tuple(accountPart, keyPart).map(([a, k]) => `/v1/accounts/${a}/keys/${k}`), body: noBody }),
  fc.record({ method: fc.constant("GET"), path: accountPart.map((a) => `/v1/accounts/${a}/actions`), body: noBody }),
  fc.record({ method: fc.constantFrom("PUT", "GET", "DELETE"), path: fc.tuple(accountPart, actionPart).map(([a, b]) => `/v1/accounts/${a}/actions/${b}`), body: fc.oneof(actionBody, body) }),
  fc.record({
    method: fc.constant("POST"),
    path: fc.tuple(accountPart, actionPart, fc.constantFrom("preview", "test", "trigger")).map(([a, b, run]) => `/v1/accounts/${a}/actions/${b}/${run}`),
    body: customerOrHostile,
  }),
  fc.record({ method: fc.constant("GET"), path: fc.tuple(accountPart, actionPart).map(([a, q]) => `/v1/accounts/${a}/deliveries?status=${q}&action=${q}&limit=${q}`), body: noBody }),
  fc.record({ method: fc.constant("GET"), path: fc.tuple(accountPart, deliveryPart).map(([a, d]) => `/v1/accounts/${a}/deliveries/${d}`), body: noBody }),
  fc.record({ method: fc.constant("POST"), path: fc.tuple(accountPart, deliveryPart).map(([a, d]) => `/v1/accounts/${a}/deliveries/${d}/replay`), body }),
  fc.record({ method: fc.constantFrom("GET", "DELETE"), path: fc.tuple(accountPart, customerPart).map(([a, c]) => `/v1/accounts/${a}/customers/${c}/attributes`), body: noBody }),
  fc.record({ method: fc.constant("DELETE"), path: fc.tuple(accountPart, customerPart, namePart).map(([a, c, n]) => `/v1/accounts/${a}/customers/${c}/attributes/${n}`), body: noBody }),
  fc.record({ method: fc.constantFrom("PUT", "GET", "DELETE"), path: fc.tuple(accountPart, actionPart).map(([a, d]) => `/v1/accounts/${a}/destinations/${d}`), body: fc.oneof(destinationBody, body) }),
  fc.record({ method: fc.constant("GET"), path: accountPart.map((a) => `/v1/accounts/${a}/destinations`), body: noBody }),
  fc.record({
    method: fc.constantFrom("PUT", "GET", "DELETE"),
    path: fc.tuple(accountPart, actionPart).map(([a, src]) => `/v1/accounts/${a}/sources/${src}`),
    body: fc.oneof(fc.record({ provider: fc.constantFrom("customerio", "standard-webhooks", "x-signature", "nope"), secret: fc.string({ maxLength: 30 }), forward_url: fc.constantFrom(() => sink, () => "nope"), events: fc.array(fc.string({ maxLength: 8 })), tolerance_s: fc.integer({ min: -1, max: 5000 }) }, { requiredKeys: [] }).map((b) => ({ ...b, forward_url: typeof b.forward_url === "function" ? b.forward_url() : b.forward_url })), body),
  }),
  fc.record({ method: fc.constant("GET"), path: fc.tuple(accountPart, actionPart, deliveryPart).map(([a, src, e]) => `/v1/accounts/${a}/sources/${src}/events${e.length % 2 ? `/${e}` : `?status=${e}`}`), body: noBody }),
  fc.record({ method: fc.constant("POST"), path: fc.tuple(accountPart, actionPart).map(([a, src]) => `/v1/inbound/${a}/${src}`), body }),
  fc.record({ method: fc.constant("POST"), path: fc.constantFrom("track", "identify", "page", "screen", "group", "alias", "batch").map((call) => `/v1/${call}`), body }),
  fc.record({ method: fc.constant("POST"), path: fc.constantFrom("/api/v1/messages", "/api/v1/messages/bulk", "/api/v4/users?sessionId=s"), body }),
  fc.record({ method: fc.constant("POST"), path: fc.tuple(fc.constantFrom("queue", "message"), deliveryPart).map(([log, id]) => `/api/v1/logs/${log}/${id}`), body }),
  fc.record({
    method: fc.constantFrom("GET", "DELETE"),
    path: fc.tuple(accountPart, customerPart, deliveryPart).map(([a, c, q]) => `/v1/accounts/${a}/gist/users/${c}/${q.length % 2 ? "views" : `messages/${q}`}`),
    body: noBody,
  }),
  fc.record({ method: fc.constantFrom("PATCH", "POST"), path: fc.tuple(accountPart, actionPart).map(([a, b]) => `/v1/${a}/${b}`), body }),
];

/** What a rejected request must leave as it was: fuzz-made config in KV, and the main account's delivery ids. */
async function snapshot(): Promise<string> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.CONFIG.list({ prefix: `acct:${PREFIX}`, cursor });
    names.push(...page.keys.map((key) => key.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const values = await Promise.all(names.map((name) => env.CONFIG.get(name)));
  const listed = await api("GET", `/v1/accounts/${main}/deliveries?limit=100`);
  expect(listed.status, `listing deliveries: ${JSON.stringify(listed.body).slice(0, 200)}`).toBe(200);
  const deliveries = listed.body.deliveries.map((d: { id: string }) => d.id);
  return JSON.stringify({ config: names.map((name, i) => [name, values[i]]), deliveries });
}

type Call = { method: string; path: string; body: unknown };
const who = fc.constantFrom("admin", "admin", "main", "main", "other", "none", "garbage");

/** Sends each generated call and checks the three promises; the state check runs after every call. */
async function holdsFor(calls: fc.Arbitrary<Call>, runs: number, callers = who): Promise<void> {
  let state = await snapshot();
  await fc.assert(
    fc.asyncProperty(calls, callers, async ({ method, path, body: payload }, caller) => {
      const token = { admin: ADMIN, main: mainKey, other: otherKey, none: null, garbage: "ehk_not-a-key" }[caller];
      // fetch cannot send a GET with a body.
      const res = await api(method, path, method === "GET" ? undefined : payload, token);
      const what = `${method} ${path.slice(0, 120)} as ${caller} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
      expect(res.status, what).toBeLessThan(500);
      if (res.body?.delivery_id && path.startsWith(`/v1/accounts/${main}/`)) lastDelivery = res.body.delivery_id;
      // State changes only through the API, so the state after the previous call is the state before this one.
      const after = await snapshot();
      if (res.status >= 400) {
        expect(res.body, what).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
        expect(after, `a rejected request changed state: ${what}`).toBe(state);
      }
      state = after;
    }),
    { numRuns: runs, timeout: 10_000 },
  );
}

// Each property aims at one dimension, so every generated call gets past the
// checks in front of what it is fuzzing: hostile ids on every route; hostile
// bodies on an action that exists; hostile configuration saves.
describe("API fuzz: never a 5xx, always the error shape, a rejected request changes nothing", { timeout: 90_000 }, () => {
  it("hostile ids in every route's path", async () => {
    await holdsFor(fc.oneof(...routes), 120);
  });

  it("hostile bodies for preview, test send and trigger of an action that exists", async () => {
    const run = fc.constantFrom("preview", "test", "trigger");
    const calls = fc.record({ method: fc.constant("POST"), path: run.map((r) => `/v1/accounts/${main}/actions/act/${r}`), body: customerOrHostile });
    await holdsFor(calls, 80, fc.constantFrom("admin", "main"));
  });

  it("hostile events for the tracking API, with a valid write key in the body", async () => {
    const eventLike = fc.record(
      {
        type: fc.constantFrom("track", "identify", "page", "screen", "group", "alias", "nope"),
        userId: fc.oneof(customerPart, fc.integer(), fc.constant(null)),
        anonymousId: fc.string({ maxLength: 10 }),
        event: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
        messageId: fc.oneof(fc.string({ maxLength: 120 }), fc.integer()),
        properties: fc.jsonValue({ maxDepth: 3 }),
        context: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    );
    const withKey = (value: unknown) => (value && typeof value === "object" && !Array.isArray(value) ? { ...value, writeKey: mainKey } : value);
    const calls = fc.oneof(
      fc.record({ method: fc.constant("POST"), path: fc.constantFrom("track", "identify", "page", "screen", "group", "alias").map((call) => `/v1/${call}`), body: fc.oneof(eventLike, body).map(withKey) }),
      fc.record({
        method: fc.constant("POST"),
        path: fc.constant("/v1/batch"),
        body: fc.record({ batch: fc.oneof(fc.array(eventLike, { maxLength: 20 }), fc.jsonValue({ maxDepth: 2 })), context: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map(withKey),
      }),
    );
    await holdsFor(calls, 50, fc.constant("none"));
  });

  it("hostile account, action and destination configuration", async () => {
    const saves = fc.oneof(
      fc.record({ method: fc.constant("PUT"), path: fc.stringMatching(/^fz[a-z0-9]{0,6}$/).map((a) => `/v1/accounts/${a}`), body: fc.oneof(accountBody, body) }),
      fc.record({ method: fc.constant("PUT"), path: fc.constantFrom("act", "fz1", "fz2").map((b) => `/v1/accounts/${main}/actions/${b}`), body: fc.oneof(actionBody, body) }),
      fc.record({ method: fc.constant("PUT"), path: fc.constantFrom("dst", "fz1").map((d) => `/v1/accounts/${main}/destinations/${d}`), body: fc.oneof(destinationBody, body) }),
    );
    await holdsFor(saves, 30, fc.constantFrom("admin", "main"));
  });
});
