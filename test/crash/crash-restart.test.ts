// The runtime dies mid-delivery: `wrangler dev` is SIGKILLed while a slow
// target works through a backlog under a concurrency cap, and started again
// on the same persisted state. Local queue messages do not survive that (they
// live in the dead process's memory); the limiter's queue probe must find the
// deliveries they stood for and send them well within 3 minutes. Tracking
// events answered 200 just before the kill are still on the EVENTS queue,
// unrouted: the event inbox's probe must find those too.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTargetServer, type TargetServer } from "../target-server";
import { startWranglerDev, type WranglerDev } from "./wrangler-dev";

const TRIGGERS = 120;
/**
 * The target takes this long per request: with concurrency 4 the backlog
 * takes 12 s to clear, so the kill lands mid-way even on a machine so loaded
 * that accepting the triggers takes several seconds.
 */
const TARGET_DELAY_MS = 400;
const CONCURRENCY = 4;
const KILL_AFTER_MS = 2_000;
/** Accepted at once: a client's burst. */
const BURST = 20;
const RECOVERY_BOUND_MS = 3 * 60 * 1000;
/** Tracking events in one request, killed well inside the events consumer's 1 s batch window. */
const EVENTS = 50;

const root = join(import.meta.dirname, "..", "..");
const adminToken = `crash-${randomUUID()}`;
let workDir: string | undefined;
let target: TargetServer | undefined;
let relay: WranglerDev | undefined;

afterAll(async () => {
  await relay?.kill();
  await target?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

type Arrived = { headers: Record<string, string>; body: string };

async function arrived(key: string): Promise<Arrived[]> {
  const res = await fetch(`${target!.url}/_inspect/${key}`, { signal: AbortSignal.timeout(5_000) });
  return ((await res.json()) as { requests: Arrived[] }).requests;
}

/** The distinct webhook-ids the target has received under `key` (receivers dedupe on it). */
async function receivedIds(key: string): Promise<Set<string>> {
  return new Set((await arrived(key)).map((request) => request.headers["webhook-id"]!));
}

/** The distinct tracking messageIds the target has received under `key` (one event a request). */
async function receivedEvents(key: string): Promise<Set<string>> {
  return new Set((await arrived(key)).map((request) => JSON.parse(request.body).messageId as string));
}

/** Every delivery of the account in the log, by id → status (pages of 100). */
async function logStatuses(base: string, account: string): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const page = await call(base, "GET", `/v1/accounts/${account}/deliveries?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    for (const delivery of page.body.deliveries as Array<{ id: string; status: string }>) statuses.set(delivery.id, delivery.status);
    cursor = page.body.next_cursor;
  } while (cursor);
  return statuses;
}

describe("wrangler dev killed with SIGKILL mid-delivery and restarted on the same state", () => {
  it("sends every accepted, unfinished delivery and every tracking event answered 200 within 3 minutes of the restart, and the log ends with all sent", async () => {
    workDir = await mkdtemp(join(tmpdir(), "edgehook-crash-"));
    const stateDir = join(workDir, "state");
    target = await startTargetServer();
    relay = await startWranglerDev({ root, stateDir, adminToken });

    const account = `crash-${Date.now().toString(36)}`;
    const key = `crash-${randomUUID()}`;
    expect((await call(relay.url, "PUT", `/v1/accounts/${account}`, { name: "Crash", concurrency: CONCURRENCY })).status).toBe(201);
    const action = await call(relay.url, "PUT", `/v1/accounts/${account}/actions/hook`, {
      url: `${target.url}/t/${key}?delay=${TARGET_DELAY_MS}`,
      body: '{"n": {{ event.n }}}',
    });
    expect([200, 201]).toContain(action.status);

    // A second account takes tracking events, each sent on to the target as one request.
    const eventsAccount = `${account}-events`;
    const eventsKey = `crash-events-${randomUUID()}`;
    expect((await call(relay.url, "PUT", `/v1/accounts/${eventsAccount}`, { name: "Crash events" })).status).toBe(201);
    const writeKey = await call(relay.url, "POST", `/v1/accounts/${eventsAccount}/keys`, { name: "crash" });
    expect(writeKey.status).toBe(201);
    expect((await call(relay.url, "PUT", `/v1/accounts/${eventsAccount}/destinations/all`, { url: `${target.url}/e/${eventsKey}` })).status).toBe(201);
    const messageIds = Array.from({ length: EVENTS }, (_, i) => `crash-event-${i}`);

    const accepted: string[] = [];
    for (let start = 0; start < TRIGGERS; start += BURST) {
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) => call(relay!.url, "POST", `/v1/accounts/${account}/actions/hook/trigger`, { customer: { id: "c1" }, event: { n: start + i } })),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        accepted.push(answer.body.delivery_id);
      }
    }

    await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS));
    const tracked = await fetch(`${relay.url}/v1/batch`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${writeKey.body.key}:`)}` },
      body: JSON.stringify({ batch: messageIds.map((messageId, i) => ({ type: "track", event: "Crashed", userId: `u${i}`, messageId })) }),
    });
    expect(tracked.status).toBe(200);
    await relay.kill();
    const beforeKill = await receivedIds(key);
    const eventsBeforeKill = await receivedEvents(eventsKey);
    // Otherwise the crash interrupted little and the test would prove little.
    expect(TRIGGERS - beforeKill.size).toBeGreaterThanOrEqual(30);
    expect(eventsBeforeKill.size, "the events were routed before the kill").toBe(0);

    relay = await startWranglerDev({ root, stateDir, adminToken });
    const restartedAt = Date.now();
    let ids = await receivedIds(key);
    let events = await receivedEvents(eventsKey);
    const done = () => accepted.every((id) => ids.has(id)) && messageIds.every((id) => events.has(id));
    while (!done() && Date.now() - restartedAt < RECOVERY_BOUND_MS) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      ids = await receivedIds(key);
      events = await receivedEvents(eventsKey);
    }
    const missing = accepted.filter((id) => !ids.has(id));
    expect(missing, `${missing.length} of ${accepted.length - beforeKill.size} unfinished deliveries never arrived after the restart`).toEqual([]);
    const missingEvents = messageIds.filter((id) => !events.has(id));
    expect(missingEvents, `${missingEvents.length} of ${EVENTS} tracking events accepted before the kill never arrived after the restart`).toEqual([]);
    console.info(`all ${accepted.length} deliveries (${TRIGGERS - beforeKill.size} unfinished at the kill) and ${EVENTS} tracking events arrived ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`);

    // The log catches up with what the target saw: every delivery ends sent.
    let statuses = await logStatuses(relay.url, account);
    for (let tries = 0; tries < 50 && accepted.some((id) => statuses.get(id) !== "sent"); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      statuses = await logStatuses(relay.url, account);
    }
    expect(accepted.filter((id) => statuses.get(id) !== "sent")).toEqual([]);
  });
});
