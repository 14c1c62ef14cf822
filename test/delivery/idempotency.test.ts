import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { newDeliveryId } from "../../src/delivery/message";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { limiterBindings, limiterQueue } from "../fixtures/held-queue";
import { jobTo, logOf } from "../fixtures/limiter";
import { api, deliveryReaches, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

const HOUR = 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const trigger = (account: string, idempotencyKey: string) =>
  api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" }, idempotency_key: idempotencyKey });

/** Makes the limiter's queue slow (and, with `fail`, refuse) while `run` goes on. */
async function withSlowQueue<T>(limiter: string, run: () => Promise<T>, fail = false): Promise<T> {
  const bindings = await limiterBindings(limiter);
  const queue = limiterQueue(bindings, limiter);
  const real = queue.sendBatch.bind(queue);
  const sendBatch = vi.spyOn(queue, "sendBatch").mockImplementation(async (messages, options) => {
    await sleep(400);
    if (fail) throw new Error("queue unavailable");
    return real(messages, options);
  });
  try {
    return await run();
  } finally {
    sendBatch.mockRestore();
  }
}

describe("one idempotency key, concurrent triggers", () => {
  it("ten at once make one delivery and one send; the other nine are duplicates of it", async () => {
    const key = uniqueId("idem-burst");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => trigger(account, "order-1")));
    expect(answers.map((res) => res.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((res) => res.body.delivery_id)).size).toBe(1);
    expect(answers.filter((res) => res.body.duplicate === false)).toHaveLength(1);
    await deliveryReaches(account, answers[0]!.body.delivery_id, ["sent"]);
    await sleep(500);
    expect((await received(key)).count).toBe(1);
  });

  it("a duplicate that arrives while the first is still being queued waits for it, and shares its refusal", async () => {
    const key = uniqueId("idem-wait");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const [first, second] = await withSlowQueue(
      `account:${account}`,
      () => Promise.all([trigger(account, "order-2"), sleep(100).then(() => trigger(account, "order-2"))]),
      true,
    );
    // Neither may be told "accepted": nothing was queued.
    expect(first.status).toBe(503);
    expect(second.status).toBe(503);
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);

    const again = await trigger(account, "order-2");
    expect(again.status).toBe(202);
    expect(again.body.duplicate).toBe(false);
    await deliveryReaches(account, again.body.delivery_id, ["sent"]);
    expect((await received(key)).count).toBe(1);
  });

  it("a duplicate that arrives while the first is still being queued gets the first's delivery once it is queued", async () => {
    const key = uniqueId("idem-wait-ok");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const [first, second] = await withSlowQueue(`account:${account}`, () =>
      Promise.all([trigger(account, "order-3"), sleep(100).then(() => trigger(account, "order-3"))]),
    );
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.delivery_id).toBe(first.body.delivery_id);
    expect([first.body.duplicate, second.body.duplicate].sort()).toEqual([false, true]);
    await deliveryReaches(account, first.body.delivery_id, ["sent"]);
    expect((await received(key)).count).toBe(1);
  });
});

describe("the 24 h window", () => {
  it("a key first used 23 h ago still answers with that delivery; one used 25 h ago starts a new one", async () => {
    const key = uniqueId("idem-window");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const now = Date.now();
    const recent = newDeliveryId(now - 23 * HOUR);
    const old = newDeliveryId(now - 25 * HOUR);
    await runInDurableObject(env.ACCOUNT_LIMITER.getByName(`account:${account}`) as DurableObjectStub<AccountLimiter>, async (instance) => {
      const log = logOf(instance);
      for (const [id, at, idempotencyKey] of [[recent, now - 23 * HOUR, "recent-key"], [old, now - 25 * HOUR, "old-key"]] as const) {
        log.insert(id, jobTo(account, target(key)), at, { idempotencyKey });
        log.recordAttempt(id, { at: new Date(at).toISOString(), status: 200, duration_ms: 1 }, { status: "sent" }, at);
      }
    });

    const within = await trigger(account, "recent-key");
    expect(within.body).toMatchObject({ delivery_id: recent, duplicate: true });
    const after = await trigger(account, "old-key");
    expect(after.status).toBe(202);
    expect(after.body.duplicate).toBe(false);
    expect(after.body.delivery_id).not.toBe(old);
    await deliveryReaches(account, after.body.delivery_id, ["sent"]);
    expect((await received(key)).count).toBe(1);
  });
});

describe("keys belong to an account", () => {
  it("the same key in two accounts that share a limiter makes two deliveries, one after the other", async () => {
    const shard = uniqueId("shard");
    const [a, b] = [await makeAccount({ shard }), await makeAccount({ shard })];
    const [keyA, keyB] = [uniqueId("idem-a"), uniqueId("idem-b")];
    await makeAction(a, { url: target(keyA) });
    await makeAction(b, { url: target(keyB) });
    const first = await trigger(a, "shared-key");
    const second = await trigger(b, "shared-key");
    expect(second.body.duplicate).toBe(false);
    expect(second.body.delivery_id).not.toBe(first.body.delivery_id);
    await deliveryReaches(a, first.body.delivery_id, ["sent"]);
    await deliveryReaches(b, second.body.delivery_id, ["sent"]);
    expect([(await received(keyA)).count, (await received(keyB)).count]).toEqual([1, 1]);
  });

  it("the same key in two accounts that share a limiter makes two deliveries, even at the same moment", async () => {
    const shard = uniqueId("shard");
    const [a, b] = [await makeAccount({ shard }), await makeAccount({ shard })];
    const [keyA, keyB] = [uniqueId("idem-a"), uniqueId("idem-b")];
    await makeAction(a, { url: target(keyA) });
    await makeAction(b, { url: target(keyB) });
    const [first, second] = await withSlowQueue(`shard:${shard}`, () =>
      Promise.all([trigger(a, "same-moment"), sleep(100).then(() => trigger(b, "same-moment"))]),
    );
    expect([first.body.duplicate, second.body.duplicate]).toEqual([false, false]);
    expect(second.body.delivery_id).not.toBe(first.body.delivery_id);
    await deliveryReaches(a, first.body.delivery_id, ["sent"]);
    await deliveryReaches(b, second.body.delivery_id, ["sent"]);
    expect([(await received(keyA)).count, (await received(keyB)).count]).toEqual([1, 1]);
  });
});
