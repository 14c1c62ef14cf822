import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeliveryMessage } from "../../src/delivery/message";
import { deliveryQueueFor, deliveryQueues } from "../../src/delivery/queues";
import worker from "../../src/index";
import { accountOnQueue, consume, limiterBindings, triggerHeld } from "../fixtures/held-queue";
import { api, makeAction, received, target, uniqueId, waitFor } from "../helpers";

// The sharded delivery queues (src/delivery/queues.ts): wrangler.toml binds
// DELIVERIES and DELIVERIES_1..3, and every message of a limiter travels one
// of them, picked by a hash of the limiter's name.

afterEach(() => vi.restoreAllMocks());

const fakeQueue = () => ({ send: vi.fn(async () => undefined), sendBatch: vi.fn(async () => undefined) }) as unknown as Queue;

describe("which delivery queue", () => {
  it("lists DELIVERIES, then DELIVERIES_1, _2 and _3 as wrangler.toml binds them", () => {
    expect(deliveryQueues(env)).toEqual([env.DELIVERIES, env.DELIVERIES_1, env.DELIVERIES_2, env.DELIVERIES_3]);
  });

  it("stops at the first gap in the numbering, and with DELIVERIES alone every limiter uses it", () => {
    const [zero, one, three] = [fakeQueue(), fakeQueue(), fakeQueue()];
    expect(deliveryQueues({ ...env, DELIVERIES: zero, DELIVERIES_1: one, DELIVERIES_2: undefined, DELIVERIES_3: three } as never)).toEqual([zero, one]);
    const alone = { ...env, DELIVERIES: zero, DELIVERIES_1: undefined, DELIVERIES_2: undefined, DELIVERIES_3: undefined } as never;
    for (let i = 0; i < 20; i++) expect(deliveryQueueFor(alone, `account:acct_${i}`)).toBe(zero);
  });

  it("keeps a limiter on one queue, and spreads limiters over all four", () => {
    const names = Array.from({ length: 400 }, (_, i) => `account:acct_${i}`);
    for (const name of names) expect(deliveryQueueFor(env, name)).toBe(deliveryQueueFor(env, name));
    const counts = deliveryQueues(env).map((queue) => names.filter((name) => deliveryQueueFor(env, name) === queue).length);
    // Evenly enough: each queue gets a fair share of 100 (FNV-1a is not perfect, so not exactly).
    for (const count of counts) expect(count).toBeGreaterThan(60);
  });
});

describe("a limiter on a queue other than DELIVERIES", () => {
  it("queues its accepted deliveries on its own queue only, and they are delivered from there", async () => {
    const account = await accountOnQueue(3);
    const key = uniqueId("shard-three");
    await makeAction(account, { url: target(key) });
    const bindings = await limiterBindings(`account:${account}`);
    const spies = deliveryQueues(bindings).map((queue) => vi.spyOn(queue, "sendBatch"));
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    expect(res.status).toBe(202);
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0, 1]);
    // The consumer of edgehook-deliveries-3 runs like the first queue's.
    await waitFor(async () => (await received(key)).count === 1);
  });

  it("hands a retry back to its own queue", async () => {
    const account = await accountOnQueue(1);
    const key = uniqueId("shard-one-retry");
    await makeAction(account, { url: target(key, "status=503") });
    const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
    expect(res.status).toBe(202);
    const queues = [fakeQueue(), fakeQueue(), fakeQueue(), fakeQueue()];
    const bindings = { DELIVERIES: queues[0], DELIVERIES_1: queues[1], DELIVERIES_2: queues[2], DELIVERIES_3: queues[3] };
    const { result } = await consume(messages, bindings);
    expect(result.explicitAcks).toHaveLength(1);
    expect(queues.map((queue) => vi.mocked(queue.sendBatch).mock.calls.length)).toEqual([0, 1, 0, 0]);
    const [[sent]] = vi.mocked(queues[1]!.sendBatch).mock.calls as unknown as [[Array<{ body: DeliveryMessage; delaySeconds: number }>]];
    expect(sent).toEqual([{ body: messages[0], delaySeconds: 1, contentType: "json" }]);
  });

  it("gets the pieces of a dead letter of several back on its own queue", async () => {
    const account = await accountOnQueue(2);
    await makeAction(account, { url: target(uniqueId("shard-two-dlq")) });
    const held: DeliveryMessage[] = [];
    for (const customer of ["c1", "c2"]) held.push(...(await triggerHeld(account, { customer: { id: customer } })).messages);
    const body: DeliveryMessage = { v: 2, limiter: `account:${account}`, deliveries: held.flatMap((message) => message.deliveries) };
    const queues = [fakeQueue(), fakeQueue(), fakeQueue(), fakeQueue()];
    const batch = createMessageBatch("edgehook-deliveries-dlq", [{ id: "dead", timestamp: new Date(), attempts: 6, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, DELIVERIES: queues[0], DELIVERIES_1: queues[1], DELIVERIES_2: queues[2], DELIVERIES_3: queues[3] } as never, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead"]);
    expect(queues.map((queue) => vi.mocked(queue.sendBatch).mock.calls.length)).toEqual([0, 0, 1, 0]);
  });
});
