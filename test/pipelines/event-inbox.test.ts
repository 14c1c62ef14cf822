import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { EventInbox } from "../../src/pipelines/event-inbox.do";
import type { EventsMessage } from "../../src/pipelines/event-message";
import { api, makeAccount, makeKey, received, target, uniqueId, waitFor } from "../helpers";

// The event inbox (src/pipelines/event-inbox.do.ts): tracking events are kept
// from the 200 until the events consumer reports them routed, and a probe on
// the EVENTS queue finds the messages the queue lost. The bounds are written
// out as numbers on purpose: importing them would let any value pass.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const inboxStub = (name: string) => env.EVENT_INBOX.getByName(name) as DurableObjectStub<EventInbox>;

interface Row {
  id: string;
  body: string;
  seen_at: number;
  accepted_at: number;
}

/** Everything an inbox keeps, oldest first. */
function rowsOf(name: string): Promise<Row[]> {
  return runInDurableObject(inboxStub(name), (_instance, state) => state.storage.sql.exec<Row & Record<string, SqlStorageValue>>("SELECT id, body, seen_at, accepted_at FROM inbox ORDER BY id").toArray());
}

/** Moves a kept message's clocks back, as if it had been accepted (and last seen) `ms` ago. */
function age(name: string, id: string, ms: number): Promise<void> {
  return runInDurableObject(inboxStub(name), (_instance, state) => {
    state.storage.sql.exec("UPDATE inbox SET seen_at = seen_at - ?, accepted_at = accepted_at - ? WHERE id = ?", ms, ms, id);
  });
}

/** The EVENTS queue, held: sends are recorded and resolve, and nothing reaches the background consumer (a queue that lost them). */
function holdEventsQueue() {
  const sendBatch = vi.spyOn(env.EVENTS, "sendBatch").mockResolvedValue(undefined as never);
  const send = vi.spyOn(env.EVENTS, "send").mockResolvedValue(undefined as never);
  /** The JSON text of every events message sent so far. */
  const texts = () => sendBatch.mock.calls.flatMap(([batch]) => [...batch].map((m) => m.body as string));
  const messages = () => texts().map((text) => JSON.parse(text) as Required<EventsMessage>);
  return { sendBatch, send, texts, messages };
}

async function track(key: string, body: unknown) {
  const res = await exports.default.fetch("http://edgehook.test/v1/batch", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${key}:`)}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json<any>() };
}

/** Runs the events consumer on these bodies, as the queue would hand them over. */
async function consume(bodies: unknown[]) {
  const batch = createMessageBatch("edgehook-events", bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env as never, ctx);
  return getQueueResult(batch, ctx);
}

const identify = (i: number, tag: string) => ({ type: "identify", userId: `u${i}`, messageId: `${tag}-${i}` });

/** An account with a write key and a destination at the target server that takes every event, one request each. */
async function setUp() {
  const account = await makeAccount();
  const { key } = await makeKey(account);
  const sink = uniqueId("inbox");
  const saved = await api("PUT", `/v1/accounts/${account}/destinations/all`, { url: target(sink) });
  expect(saved.status).toBe(201);
  return { account, key, sink };
}

afterEach(() => vi.restoreAllMocks());

describe("the event inbox", () => {
  it("keeps a request's events, queued with their inbox reference, until the consumer reports them routed", async () => {
    const { account, key, sink } = await setUp();
    const queue = holdEventsQueue();
    expect((await track(key, { batch: [0, 1, 2].map((i) => identify(i, "kept")) })).status).toBe(200);

    const [message] = queue.messages();
    expect(queue.messages()).toHaveLength(1);
    expect(message!.inbox.name).toMatch(new RegExp(`^events:${account}:[0-3]$`));
    const rows = await rowsOf(message!.inbox.name);
    expect(rows.map((row) => row.id)).toEqual([message!.inbox.id]);
    expect(rows[0]!.body).toBe(queue.texts()[0]);
    expect(queue.sendBatch.mock.calls[0]![0]).toEqual([{ body: queue.texts()[0], contentType: "text" }]);

    vi.restoreAllMocks();
    expect((await consume([queue.texts()[0]])).explicitAcks).toEqual(["msg-0"]);
    expect(await rowsOf(message!.inbox.name)).toEqual([]);
    const seen = await waitFor(async () => ((await received(sink)).count >= 3 ? received(sink) : null));
    expect(seen.requests.map((request) => JSON.parse(request.body).messageId).sort()).toEqual(["kept-0", "kept-1", "kept-2"]);
  });

  it("a message the consumer could not route goes back to the queue and stays kept, seen again now", async () => {
    const { key } = await setUp();
    const queue = holdEventsQueue();
    expect((await track(key, { batch: [identify(0, "later")] })).status).toBe(200);
    const [message] = queue.messages();
    await age(message!.inbox.name, message!.inbox.id, 10 * MINUTE);

    // The account's destinations cannot be read: routing fails, and the message is retried.
    vi.spyOn(env.CONFIG, "get").mockRejectedValue(new Error("KV unavailable"));
    const before = Date.now();
    const result = await consume([queue.texts()[0]]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["msg-0"]);
    const [row] = await rowsOf(message!.inbox.name);
    expect(row!.id).toBe(message!.inbox.id);
    expect(row!.seen_at).toBeGreaterThanOrEqual(before);
  });

  it("when the queue refuses a send, the messages never queued are not kept, those queued before it are, and the request is a 503", async () => {
    const { key } = await setUp();
    const queue = holdEventsQueue();
    queue.sendBatch.mockResolvedValueOnce(undefined as never).mockRejectedValueOnce(new Error("queue unavailable"));
    const batch = Array.from({ length: 2_500 }, (_, i) => identify(i, "refused"));
    const res = await track(key, { batch });
    expect(res.status).toBe(503);
    expect(queue.sendBatch).toHaveBeenCalledTimes(2);

    const firstCall = [...queue.sendBatch.mock.calls[0]![0]].map((m) => (JSON.parse(m.body as string) as Required<EventsMessage>).inbox);
    const rows = await rowsOf(firstCall[0]!.name);
    expect(rows.map((row) => row.id).sort()).toEqual(firstCall.map((ref) => ref.id).sort());
  });

  it("a message the queue lost is re-queued, exactly as first queued, once a probe comes back; in a backlog, one probe and nothing re-queued", async () => {
    const { key } = await setUp();
    const queue = holdEventsQueue();
    expect((await track(key, { batch: [identify(0, "lost")] })).status).toBe(200);
    const [message] = queue.messages();
    const { name, id } = message!.inbox;
    await age(name, id, 10 * MINUTE);

    await runInDurableObject(inboxStub(name), async (instance, state) => {
      // The probe has not come back: the queue may simply be slow.
      await instance.alarm();
      await instance.alarm();
      expect(queue.send).toHaveBeenCalledTimes(1);
      const probe = queue.send.mock.calls[0]![0] as { v: number; inbox: string; probe_sent_at: number };
      expect(probe).toEqual({ v: 1, inbox: name, probe_sent_at: expect.any(Number) });
      expect(queue.sendBatch).toHaveBeenCalledTimes(1);
      expect(await state.storage.getAlarm()).not.toBeNull();

      // It came back, and the message never did: the queue lost it.
      await instance.probeSeen(probe.probe_sent_at);
      expect(queue.sendBatch).toHaveBeenCalledTimes(2);
      expect(queue.sendBatch.mock.calls[1]![0]).toEqual([{ body: queue.texts()[0], contentType: "text" }]);
      // Seen now: a copy of the same probe re-queues nothing more.
      await instance.probeSeen(probe.probe_sent_at);
      expect(queue.sendBatch).toHaveBeenCalledTimes(2);
    });
  });

  it("proves lost only what was last seen more than 30 s before the probe was sent", async () => {
    const { key } = await setUp();
    const queue = holdEventsQueue();
    expect((await track(key, { batch: [identify(0, "margin")] })).status).toBe(200);
    const [message] = queue.messages();
    const { name, id } = message!.inbox;
    await age(name, id, 10 * MINUTE);
    const [row] = await rowsOf(name);

    await runInDurableObject(inboxStub(name), async (instance) => {
      await instance.probeSeen(row!.seen_at + 30_000);
      expect(queue.sendBatch).toHaveBeenCalledTimes(1);
      await instance.probeSeen(row!.seen_at + 30_001);
      expect(queue.sendBatch).toHaveBeenCalledTimes(2);
    });
    expect((await rowsOf(name)).map((kept) => kept.id)).toEqual([id]);
  });

  it("the consumer reports routed messages before it answers the batch's probe, and acks the probe", async () => {
    const { key } = await setUp();
    const queue = holdEventsQueue();
    expect((await track(key, { batch: [identify(0, "order")] })).status).toBe(200);
    const [message] = queue.messages();
    const { name } = message!.inbox;
    await age(name, message!.inbox.id, 10 * MINUTE);
    const [text] = queue.texts();
    queue.sendBatch.mockClear();

    // The message and a probe sent after it arrive in one batch: answered first, the probe would find the message lost.
    // With them, a malformed probe and a text that is not JSON: both dropped (acked).
    const result = await consume([text, { v: 1, inbox: name, probe_sent_at: Date.now() }, { v: 1, inbox: name, probe_sent_at: "soon" }, "{not json"]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2", "msg-3"]);
    expect(await rowsOf(name)).toEqual([]);
    const requeued = queue.texts().filter((text) => (JSON.parse(text) as EventsMessage).inbox?.name === name);
    expect(requeued).toEqual([]);
    const flowedAt = await runInDurableObject(inboxStub(name), (_instance, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'queue_flowed_at'").toArray());
    expect(flowedAt).toHaveLength(1);
  });

  it("drops, at its alarm, a message kept for 23 hours, and keeps a younger one", async () => {
    const { key } = await setUp();
    const queue = holdEventsQueue();
    expect((await track(key, { batch: [identify(0, "old")] })).status).toBe(200);
    const [message] = queue.messages();
    const { name, id } = message!.inbox;
    // Another request that lands in the same inbox (the choice is random).
    let younger: string | undefined;
    while (!younger) {
      expect((await track(key, { batch: [identify(1, "young")] })).status).toBe(200);
      younger = queue.messages().slice(1).find((m) => m.inbox.name === name)?.inbox.id;
    }
    await age(name, id, 23 * HOUR + MINUTE);
    await age(name, younger, 22 * HOUR);
    await runInDurableObject(inboxStub(name), (instance) => instance.alarm());
    expect((await rowsOf(name)).map((row) => row.id)).toEqual([younger]);
  });

  it("an inbox with nothing kept leaves its alarm unset", async () => {
    const { key } = await setUp();
    const queue = holdEventsQueue();
    expect((await track(key, { batch: [identify(0, "idle")] })).status).toBe(200);
    const [message] = queue.messages();
    const { name } = message!.inbox;
    vi.restoreAllMocks();
    await consume([queue.texts()[0]]);
    // The alarm the accept armed runs, finds nothing kept, and does not set itself again.
    expect(await runDurableObjectAlarm(inboxStub(name))).toBe(true);
    expect(await runInDurableObject(inboxStub(name), (_instance, state) => state.storage.getAlarm())).toBeNull();
  });
});
