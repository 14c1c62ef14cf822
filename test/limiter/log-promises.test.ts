import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newDeliveryId } from "../../src/delivery/message";
import worker from "../../src/index";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { DeliveryLog } from "../../src/limiter/delivery-log";
import { Permits } from "../../src/limiter/permits";
import { jobTo, logOf, makeJob } from "../fixtures/limiter";
import { api, makeAccount, received, target, uniqueId } from "../helpers";

// The bounds are written out as numbers on purpose: importing them from the
// source would let any value pass.
const DAY = 24 * 60 * 60 * 1000;

const limiter = (name = uniqueId("limiter")) => env.ACCOUNT_LIMITER.getByName(name) as DurableObjectStub<AccountLimiter>;
const sent = (log: DeliveryLog, id: string, at: number) =>
  log.recordAttempt(id, { at: new Date(at).toISOString(), status: 200, duration_ms: 1 }, { status: "sent" }, at);

describe("the delivery log's bounds", () => {
  it("keeps a finished delivery for 30 days: one finished 29 days ago stays, one finished 31 days ago goes", async () => {
    await runInDurableObject(limiter(), async (_instance, state) => {
      const log = new DeliveryLog(state.storage.sql);
      const now = Date.now();
      for (const [id, age] of [["dlv_29_days", 29 * DAY], ["dlv_31_days", 31 * DAY]] as const) {
        log.insert(id, makeJob("acct"), now - age, {});
        sent(log, id, now - age);
      }
      log.prune(now);
      expect(log.get("acct", "dlv_29_days")?.status).toBe("sent");
      expect(log.get("acct", "dlv_31_days")).toBeNull();
    });
  });

  it("keeps at most the 50,000 newest finished deliveries, sparing any whose idempotency key is still in force", async () => {
    await runInDurableObject(limiter(), async (_instance, state) => {
      const log = new DeliveryLog(state.storage.sql);
      const now = Date.now();
      const job = makeJob("acct");
      // Ids sort by creation; "dlv_k" sorts before every "dlv_r…", so it is the oldest.
      log.insert("dlv_k", job, now - 60 * 60 * 1000, { idempotencyKey: "order-1" });
      log.fail("dlv_k", "done", now - 2 * DAY);
      const id = (i: number) => `dlv_r${String(i).padStart(6, "0")}`;
      for (let i = 0; i <= 50_000; i++) {
        log.insert(id(i), job, now - 2 * DAY, {});
        log.fail(id(i), "done", now - 2 * DAY);
      }
      log.prune(now);
      // 50,001 plain rows: the oldest is past the bound; the next oldest is the 50,000th newest.
      expect(log.get("acct", id(0))).toBeNull();
      expect(log.get("acct", id(1))).not.toBeNull();
      expect(log.get("acct", id(50_000))).not.toBeNull();
      // Past the bound too, but its key maps to it for another 23 hours.
      expect(log.get("acct", "dlv_k")).not.toBeNull();
    });
  }, 60_000);
});

describe("what the log promises the queue", () => {
  it("keeps the last response received when a later attempt got none", async () => {
    await runInDurableObject(limiter(), async (_instance, state) => {
      const log = new DeliveryLog(state.storage.sql);
      const now = Date.now();
      log.insert("dlv_answered_once", makeJob("acct"), now, {});
      const response = { status: 503, headers: { "retry-after": "10" }, body: "busy" };
      log.recordAttempt("dlv_answered_once", { at: new Date(now).toISOString(), status: 503, duration_ms: 5 }, { status: "retrying", response, error: "receiver answered 503", nextAttemptAt: now + 10_000 }, now);
      log.recordAttempt("dlv_answered_once", { at: new Date(now).toISOString(), error: "network error: refused", duration_ms: 1 }, { status: "retrying", error: "network error: refused", nextAttemptAt: now + 30_000 }, now);
      const view = log.get("acct", "dlv_answered_once");
      expect(view?.attempts).toHaveLength(2);
      expect(view?.response).toEqual(response);
    });
  });


  it("a dead letter for a delivery already sent leaves it sent", async () => {
    const account = await makeAccount();
    const name = `account:${account}`;
    const id = newDeliveryId();
    await runInDurableObject(limiter(name), async (instance) => {
      logOf(instance).insert(id, jobTo(account, "https://example.com/hook"), Date.now(), {});
      sent(logOf(instance), id, Date.now());
    });
    const batch = createMessageBatch("edgehook-deliveries-dlq", [{ id: "late", timestamp: new Date(), attempts: 1, body: { v: 1, limiter: name, account, delivery_id: id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["late"]);
    const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${id}`)).body;
    expect(delivery).toMatchObject({ status: "sent", error: null });
  });

  it("a copy of a delivery whose consumer's lease has expired is sent again", async () => {
    await runInDurableObject(limiter(), async (instance, state) => {
      const now = Date.now();
      logOf(instance).insert("dlv_stuck", makeJob("acct"), now, {});
      // The lease ran out a moment ago and no alarm has dropped it yet.
      new Permits(state.storage.sql).take("lease-gone", 1, 600, now - 1, now - 30_000);
      logOf(instance).markSending("dlv_stuck", "lease-gone", now - 30_000);
      const result = await instance.acquire(["dlv_stuck"], 30_000);
      expect(result.granted.map((d) => d.id)).toEqual(["dlv_stuck"]);
    });
  });

  it("the sweep stays scheduled while the log holds deliveries", async () => {
    const stub = limiter();
    await runInDurableObject(stub, async (instance, state) => {
      logOf(instance).insert("dlv_kept", makeJob("acct"), Date.now(), {});
      sent(logOf(instance), "dlv_kept", Date.now());
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const next = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(next).not.toBeNull();
  });

  it("the sweep leaves alone a delivery accepted a minute ago (its message is still on its way)", async () => {
    const key = uniqueId("not-orphan");
    const account = await makeAccount();
    const name = `account:${account}`;
    const stub = limiter(name);
    await runInDurableObject(stub, async (instance, state) => {
      logOf(instance).insert(newDeliveryId(), jobTo(account, target(key)), Date.now() - 60_000, {});
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await received(key)).count).toBe(0);
  });
});
