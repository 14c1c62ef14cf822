import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { jobTo, logOf, makeJob } from "../fixtures/limiter";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { Permits } from "../../src/limiter/permits";
import { api, makeAccount, uniqueId } from "../helpers";
import { newDeliveryId } from "../../src/delivery/message";

function limiter(name = uniqueId("limiter")) {
  return env.ACCOUNT_LIMITER.getByName(name) as DurableObjectStub<AccountLimiter>;
}

describe("permits", () => {
  it("grant up to the cap, and a crashed consumer's lease expires", async () => {
    await runInDurableObject(limiter(), async (_instance, state) => {
      const permits = new Permits(state.storage.sql);
      const now = Date.now();
      expect(permits.take("lease-a", 3, 5, now + 50, now)).toBe(3);
      expect(permits.take("lease-b", 3, 5, now + 60_000, now)).toBe(2);
      expect(permits.take("lease-c", 1, 5, now + 60_000, now)).toBe(0);
      // lease-a is never released (its consumer "crashed"); after expiry its permits are free again.
      expect(permits.take("lease-d", 5, 5, now + 60_000, now + 51)).toBe(3);
      permits.release("lease-b");
      expect(permits.inUse(now + 51)).toBe(3);
    });
  });

  it("the alarm drops expired leases", async () => {
    const stub = limiter();
    await runInDurableObject(stub, async (_instance, state) => {
      new Permits(state.storage.sql).take("lease-a", 2, 5, Date.now() + 20, Date.now());
      // Far enough ahead that only runDurableObjectAlarm below can run it.
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM leases").one().n).toBe(0);
    });
  });
});

describe("dead-letter queue", () => {
  it("records a dead-lettered delivery as failed, never drops it", async () => {
    const account = await makeAccount();
    const name = `account:${account}`;
    // Nothing listens here and the queue would retry; the test only looks at the dead-letter path.
    const job = jobTo(account, "http://127.0.0.1:9/never");
    // Insert without enqueueing, as if the main queue had given up on it.
    const deliveryId = await runInDurableObject(limiter(name), async (instance) => {
      const id = newDeliveryId();
      logOf(instance).insert(id, job, Date.now(), {});
      return id;
    });

    const batch = createMessageBatch("edgehook-deliveries-dlq", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { v: 1, limiter: name, account, delivery_id: deliveryId } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { garbage: true } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);

    const delivery = await api("GET", `/v1/accounts/${account}/deliveries/${deliveryId}`);
    expect(delivery.body.status).toBe("failed");
    expect(delivery.body.error).toMatch(/dead-lettered/);
  });
});

describe("consumer", () => {
  it("acks a message it cannot read and a delivery already settled", async () => {
    const account = uniqueId("x");
    const name = `account:${account}`;
    const id = newDeliveryId();
    await runInDurableObject(limiter(name), async (instance) => {
      // Already sent; nothing listens at this address, so a second send would add a failed attempt.
      logOf(instance).insert(id, jobTo(account, "http://127.0.0.1:9/never"), Date.now(), {});
      logOf(instance).recordAttempt(id, { at: new Date().toISOString(), status: 200, duration_ms: 1 }, { status: "sent" }, Date.now());
    });
    const batch = createMessageBatch("edgehook-deliveries", [
      { id: "bad", timestamp: new Date(), attempts: 1, body: "not a delivery" },
      { id: "settled", timestamp: new Date(), attempts: 1, body: { v: 1, limiter: name, account, delivery_id: id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["bad", "settled"]);
    const attempts = await runInDurableObject(limiter(name), (instance) => logOf(instance).get(account, id)?.attempts);
    expect(attempts).toHaveLength(1);
  });
});

describe("delivery log retention", () => {
  it("prunes finished deliveries past 30 days and keeps unfinished ones", async () => {
    const { DeliveryLog, RETENTION_MS } = await import("../../src/limiter/delivery-log");
    await runInDurableObject(limiter(), async (_instance, state) => {
      const log = new DeliveryLog(state.storage.sql);
      const job = makeJob("acct");
      const old = Date.now() - RETENTION_MS - 1_000;
      log.insert("dlv_old_sent", job, old, {});
      log.recordAttempt("dlv_old_sent", { at: new Date(old).toISOString(), status: 200, duration_ms: 1 }, { status: "sent" }, old);
      log.insert("dlv_old_queued", job, old, {});
      log.insert("dlv_new_sent", job, Date.now(), {});
      log.recordAttempt("dlv_new_sent", { at: new Date().toISOString(), status: 200, duration_ms: 1 }, { status: "sent" }, Date.now());

      log.prune(Date.now());
      expect(log.get("acct", "dlv_old_sent")).toBeNull();
      expect(log.get("acct", "dlv_old_queued")?.status).toBe("queued");
      expect(log.get("acct", "dlv_new_sent")?.status).toBe("sent");
    });
  });
});
