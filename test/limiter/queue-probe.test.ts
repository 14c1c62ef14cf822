import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { DeliveryMessage } from "../../src/delivery/message";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { Permits } from "../../src/limiter/permits";
import { logOf, makeJob } from "../fixtures/limiter";
import { uniqueId } from "../helpers";
import { idOnQueue, limiterQueue } from "../fixtures/held-queue";

// The limiter's queue probe (src/limiter/recovery.ts). The bounds are written
// out as numbers on purpose: importing them from the source would let any value pass.
const MINUTE = 60_000;

const limiterStub = (name: string) => env.ACCOUNT_LIMITER.getByName(name) as DurableObjectStub<AccountLimiter>;

/** The limiter's queue, as its recovery uses it: sends are caught here instead of reaching the background consumer. */
function catchSends(instance: AccountLimiter, name: string) {
  const queue = limiterQueue((instance as unknown as { env: Env }).env, name);
  const send = vi.spyOn(queue, "send").mockResolvedValue(undefined as never);
  const sendBatch = vi.spyOn(queue, "sendBatch").mockResolvedValue(undefined as never);
  const requeued = () => sendBatch.mock.calls.flatMap(([messages]) => [...messages].flatMap((m) => (m.body as DeliveryMessage).deliveries.map((ref) => ref.id))).sort();
  return { send, sendBatch, requeued };
}

afterEach(() => vi.restoreAllMocks());

/**
 * One limiter's log, ten minutes into an outage of its queue: every kind of
 * unfinished delivery, and which of them a returned probe must find lost.
 */
function seed(instance: AccountLimiter, sql: SqlStorage, now: number): string[] {
  const log = logOf(instance);
  const tenMinutesAgo = now - 10 * MINUTE;
  const ids = ["dlv_lost", "dlv_crashed", "dlv_due_retry", "dlv_inflight", "dlv_later", "dlv_done", "dlv_waiting", "dlv_fresh"];
  for (const id of ids) log.insert(id, makeJob("acct"), id === "dlv_fresh" ? now - 20_000 : tenMinutesAgo, {});
  // Sending under a lease nobody holds any more: its consumer died.
  log.markSending("dlv_crashed", "lease-gone", tenMinutesAgo);
  // Sending under a live lease: a consumer is on it right now.
  new Permits(sql).take("lease-live", 1, 600, now + MINUTE, now);
  log.markSending("dlv_inflight", "lease-live", tenMinutesAgo);
  // A retry due five minutes ago whose message never came.
  log.recordAttempt("dlv_due_retry", { at: "", status: 503, duration_ms: 1 }, { status: "retrying", nextAttemptAt: now - 5 * MINUTE }, tenMinutesAgo);
  log.recordAttempt("dlv_later", { at: "", status: 503, duration_ms: 1 }, { status: "retrying", nextAttemptAt: now + 10 * MINUTE }, tenMinutesAgo);
  log.recordAttempt("dlv_done", { at: "", status: 200, duration_ms: 1 }, { status: "sent" }, tenMinutesAgo);
  // Accepted long ago, but a consumer holds its message and waits for a permit (touched as it waits).
  log.touch("dlv_waiting", now - 1_000);
  return ["dlv_crashed", "dlv_due_retry", "dlv_lost"];
}

type Sends = ReturnType<typeof catchSends>;
interface Outage extends Sends {
  instance: AccountLimiter;
  state: DurableObjectState;
  name: string;
  now: number;
  /** What a returned probe must re-queue. */
  lost: string[];
}

/** A fresh limiter ten minutes into a queue outage (seed), its queue sends caught; `run` goes on inside the object. */
async function inOutage(run: (outage: Outage) => Promise<void>): Promise<void> {
  // On a queue other than DELIVERIES: the probe and the re-queue must take the limiter's own queue.
  const name = idOnQueue("limiter", 2);
  await runInDurableObject(limiterStub(name), async (instance, state) => {
    await instance.setConcurrency(name, 4);
    const now = Date.now();
    const lost = seed(instance, state.storage.sql, now);
    await run({ instance, state, name, now, lost, ...catchSends(instance, name) });
  });
}

/** The send time stamped on the last probe sent. */
const lastProbe = (send: Sends["send"]) => (send.mock.calls.at(-1)![0] as { probe_sent_at: number }).probe_sent_at;

describe("the queue probe", () => {
  it("in a backlog (the probe has not come back), the alarm re-queues nothing and sends one probe, not one per alarm", async () => {
    await inOutage(async ({ instance, state, name, send, sendBatch }) => {
      await instance.alarm();
      await instance.alarm();
      expect(sendBatch).not.toHaveBeenCalled();
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0]![0]).toEqual({ v: 1, limiter: name, probe_sent_at: expect.any(Number) });
      // The alarm stays armed while deliveries are overdue, to probe again.
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
  });

  it("once it comes back, re-queues exactly the overdue deliveries no consumer holds, once", async () => {
    await inOutage(async ({ instance, name, lost, send, sendBatch, requeued }) => {
      await instance.alarm();
      await instance.probeSeen(lastProbe(send));
      expect(requeued()).toEqual(lost);
      expect(sendBatch.mock.calls[0]![0]).toContainEqual({ body: { v: 2, limiter: name, deliveries: expect.arrayContaining([{ account: "acct", id: "dlv_lost" }]) }, contentType: "json" });
      // A copy of the same probe finds nothing more: the re-queued ones were just seen.
      await instance.probeSeen(lastProbe(send));
      expect(requeued()).toEqual(lost);
    });
  });

  it("when the queue refuses the re-queue, the alarm comes back within seconds and re-queues them then", async () => {
    await inOutage(async ({ instance, state, lost, send, sendBatch, requeued }) => {
      await instance.alarm();
      sendBatch.mockRejectedValue(new Error("queue unavailable"));
      await expect(instance.probeSeen(lastProbe(send))).rejects.toThrow("queue unavailable");
      await instance.alarm();
      expect((await state.storage.getAlarm())! - Date.now()).toBeLessThanOrEqual(1_000);
      sendBatch.mockClear().mockResolvedValue(undefined as never);
      await instance.alarm();
      expect(requeued()).toEqual(lost);
    });
  });

  it("proves lost only what was due more than 30 s before the probe was sent", async () => {
    await inOutage(async ({ instance, now, requeued }) => {
      // Sent 9 minutes ago: the retry due 5 minutes ago may still be behind it.
      await instance.probeSeen(now - 9 * MINUTE);
      expect(requeued()).toEqual(["dlv_crashed", "dlv_lost"]);
      // Sent 5 minutes ago: 30 s is the margin, so the retry due 5 minutes ago is not yet proven lost.
      await instance.probeSeen(now - 5 * MINUTE);
      expect(requeued()).toEqual(["dlv_crashed", "dlv_lost"]);
      await instance.probeSeen(now - 5 * MINUTE + 30_001);
      expect(requeued()).toEqual(["dlv_crashed", "dlv_due_retry", "dlv_lost"]);
    });
  });

  it("a returned probe is acked by the consumer and answered to its limiter; a malformed one is dropped", async () => {
    const name = uniqueId("limiter");
    await limiterStub(name).setConcurrency(name, 4);
    const sentAt = Date.now() - 1_000;
    const batch = createMessageBatch("edgehook-deliveries", [
      { id: "probe", timestamp: new Date(), attempts: 1, body: { v: 1, limiter: name, probe_sent_at: sentAt } },
      { id: "garbled", timestamp: new Date(), attempts: 1, body: { v: 1, limiter: name, probe_sent_at: "soon" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["garbled", "probe"]);
    expect(result.retryMessages).toEqual([]);
    await runInDurableObject(limiterStub(name), async (instance) => {
      const settings = (instance as unknown as { settings: { queueFlowedAt: number | null } }).settings;
      expect(settings.queueFlowedAt).toBe(sentAt);
    });
  });
});
