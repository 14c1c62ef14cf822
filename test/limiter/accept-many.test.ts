import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { jobTo } from "../fixtures/limiter";
import { api, deliveryReaches, makeAccount, received, target, uniqueId } from "../helpers";

const limiterOf = (account: string) => env.ACCOUNT_LIMITER.getByName(`account:${account}`) as DurableObjectStub<AccountLimiter>;
const listIds = async (account: string) => (await api("GET", `/v1/accounts/${account}/deliveries?limit=100`)).body.deliveries.map((d: { id: string }) => d.id);

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

  it("when the queue refuses the second hundred, those are not accepted and leave nothing; a retry queues only them", async () => {
    const key = uniqueId("chunks");
    const account = await makeAccount();
    const requests = Array.from({ length: 150 }, (_, i) => ({ job: jobTo(account, target(key)), idempotencyKey: `event-${i}` }));
    const bindings = await runInDurableObject(limiterOf(account), (instance) => (instance as unknown as { env: Env }).env);
    const real = bindings.DELIVERIES.sendBatch.bind(bindings.DELIVERIES);
    let calls = 0;
    const sendBatch = vi.spyOn(bindings.DELIVERIES, "sendBatch").mockImplementation(async (messages, options) => {
      calls++;
      if (calls === 2) throw new Error("queue unavailable");
      return real(messages, options);
    });
    let first;
    try {
      first = await limiterOf(account).acceptMany(`account:${account}`, requests);
    } finally {
      sendBatch.mockRestore();
    }
    expect(first.slice(0, 100).every((o) => o.ok && !o.duplicate)).toBe(true);
    expect(first.slice(100).every((o) => !o.ok && o.reason === "queue_unavailable")).toBe(true);
    const stored = await listIds(account);
    expect(stored).toHaveLength(100);

    const again = await limiterOf(account).acceptMany(`account:${account}`, requests);
    expect(again.slice(0, 100).every((o) => o.ok && o.duplicate)).toBe(true);
    expect(again.slice(100).every((o) => o.ok && !o.duplicate)).toBe(true);
    expect(new Set(again.map((o) => (o.ok ? o.deliveryId : null))).size).toBe(150);
  });
});
