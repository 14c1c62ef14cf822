import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { DeliveryMessage } from "../../src/delivery/message";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { jobTo } from "../fixtures/limiter";
import { api, deliveryReaches, makeAccount, received, target, uniqueId } from "../helpers";
import { limiterQueue } from "../fixtures/held-queue";

const limiterOf = (account: string) => env.ACCOUNT_LIMITER.getByName(`account:${account}`) as DurableObjectStub<AccountLimiter>;
const storedCount = (account: string) =>
  runInDurableObject(limiterOf(account), (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM deliveries").one().n);

describe("accepting many deliveries in one call", () => {
  it("queues each, answers each, and a key repeated within the call is one delivery sent once", async () => {
    const key = uniqueId("many");
    const account = await makeAccount();
    const job = jobTo(account, target(key));
    const outcomes = await limiterOf(account).acceptMany(`account:${account}`, [
      { job, idempotencyKey: "k1" },
      { job, idempotencyKey: "k2" },
      { job, idempotencyKey: "k1" },
      { job },
    ]);
    expect(outcomes.map((o) => o.ok && o.duplicate)).toEqual([false, false, true, false]);
    const ids = outcomes.map((o) => (o.ok ? o.deliveryId : null));
    expect(ids[2]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(3);
    for (const id of new Set(ids)) await deliveryReaches(account, id!, ["sent"]);
    expect((await received(key)).count).toBe(3);
  });

  it("records a request that could never be built as failed, with its reason, and sends nothing", async () => {
    const key = uniqueId("failure");
    const account = await makeAccount();
    const [outcome] = await limiterOf(account).acceptMany(`account:${account}`, [{ job: jobTo(account, target(key)), failure: "could not map the event: boom" }]);
    expect(outcome!.ok).toBe(true);
    const delivery = await api("GET", `/v1/accounts/${account}/deliveries/${outcome!.ok ? outcome!.deliveryId : ""}`);
    expect(delivery.body).toMatchObject({ status: "failed", error: "could not map the event: boom", attempts: [] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await received(key)).count).toBe(0);
  });

  it("queues deliveries accepted together as one message of up to 100, not a message each", async () => {
    const account = await makeAccount();
    const name = `account:${account}`;
    const requests = Array.from({ length: 150 }, () => ({ job: jobTo(account, target(uniqueId("held"))) }));
    const bindings = await runInDurableObject(limiterOf(account), (instance) => (instance as unknown as { env: Env }).env);
    // Held, not sent: this test is about the messages' shape.
    const sendBatch = vi.spyOn(limiterQueue(bindings, name), "sendBatch").mockResolvedValue(undefined as never);
    let outcomes;
    let calls;
    try {
      outcomes = await limiterOf(account).acceptMany(name, requests);
      calls = sendBatch.mock.calls.map(([messages]) => [...messages]);
    } finally {
      sendBatch.mockRestore();
    }
    const ids = outcomes.map((o) => (o.ok ? o.deliveryId : null));
    expect(calls).toHaveLength(1);
    const bodies = calls[0]!.map((m) => m.body as DeliveryMessage);
    expect(bodies.map((b) => b.deliveries.length)).toEqual([100, 50]);
    expect(bodies.every((b) => b.v === 2 && b.limiter === name)).toBe(true);
    expect(bodies.flatMap((b) => b.deliveries)).toEqual(ids.map((id) => ({ account, id })));
  });

  it("when the queue refuses the second send (past 20 messages of 100), those are not accepted and leave nothing; a retry queues only them", async () => {
    const account = await makeAccount();
    const requests = Array.from({ length: 2_050 }, (_, i) => ({ job: jobTo(account, target(uniqueId("held"))), idempotencyKey: `event-${i}` }));
    const bindings = await runInDurableObject(limiterOf(account), (instance) => (instance as unknown as { env: Env }).env);
    let calls = 0;
    // Held, not sent (2,000 real deliveries would only slow the suite), except the second call, which fails.
    const sendBatch = vi.spyOn(limiterQueue(bindings, `account:${account}`), "sendBatch").mockImplementation(async () => {
      calls++;
      if (calls === 2) throw new Error("queue unavailable");
      return undefined as never;
    });
    let first;
    let again;
    try {
      first = await limiterOf(account).acceptMany(`account:${account}`, requests);
      expect(first.slice(0, 2_000).every((o) => o.ok && !o.duplicate)).toBe(true);
      expect(first.slice(2_000).every((o) => !o.ok && o.reason === "queue_unavailable")).toBe(true);
      expect(await storedCount(account)).toBe(2_000);
      again = await limiterOf(account).acceptMany(`account:${account}`, requests);
    } finally {
      sendBatch.mockRestore();
    }
    expect(again.slice(0, 2_000).every((o) => o.ok && o.duplicate)).toBe(true);
    expect(again.slice(2_000).every((o) => o.ok && !o.duplicate)).toBe(true);
    expect(new Set(again.map((o) => (o.ok ? o.deliveryId : null))).size).toBe(2_050);
    expect(await storedCount(account)).toBe(2_050);
  });
});

describe("one idempotency key in two calls that overlap (two isolates, or the events consumer and a trigger)", () => {
  /** Calls one limiter twice, the second while the first is still queueing (its queue send held 300 ms, then dropped, or failed). */
  async function overlapping(firstAccount: string, secondAccount: string, { queueFails = false } = {}) {
    const name = `shard:${uniqueId("shard")}`;
    const stub = env.ACCOUNT_LIMITER.getByName(name) as DurableObjectStub<AccountLimiter>;
    const bindings = await runInDurableObject(stub, (instance) => (instance as unknown as { env: Env }).env);
    const sendBatch = vi.spyOn(limiterQueue(bindings, name), "sendBatch").mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (queueFails) throw new Error("queue unavailable");
      return undefined as never;
    });
    try {
      const first = stub.acceptMany(name, [{ job: jobTo(firstAccount, target(uniqueId("held"))), idempotencyKey: "same-moment" }]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = stub.acceptMany(name, [{ job: jobTo(secondAccount, target(uniqueId("held"))), idempotencyKey: "same-moment" }]);
      return (await Promise.all([first, second])).map(([outcome]) => outcome!);
    } finally {
      sendBatch.mockRestore();
    }
  }

  it("from one account: the second waits for the first and is its duplicate", async () => {
    const account = await makeAccount();
    const [first, second] = await overlapping(account, account);
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(second).toEqual({ ...first, duplicate: true });
  });

  it("from one account, when the first cannot be queued: the second, which waited for it, is refused too, not pointed at a delivery that is gone", async () => {
    const account = await makeAccount();
    const [first, second] = await overlapping(account, account, { queueFails: true });
    expect(first).toMatchObject({ ok: false, reason: "queue_unavailable" });
    expect(second).toEqual(first);
  });

  it("from two accounts sharing the limiter: two deliveries, neither a duplicate", async () => {
    const [a, b] = [await makeAccount(), await makeAccount()];
    const [first, second] = await overlapping(a, b);
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(second).toMatchObject({ ok: true, duplicate: false });
    expect(second!.ok && first!.ok && second!.deliveryId !== first!.deliveryId).toBe(true);
  });
});
