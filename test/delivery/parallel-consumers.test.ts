import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newDeliveryId, type DeliveryMessage } from "../../src/delivery/message";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { consume, messageFor } from "../fixtures/held-queue";
import { jobTo, logOf } from "../fixtures/limiter";
import { api, deliveryReaches, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deliveries stored in the account's limiter without being queued: only the test's consumer runs see them. */
async function storedDeliveries(account: string, url: string, count: number): Promise<DeliveryMessage[]> {
  const limiter = `account:${account}`;
  const ids = Array.from({ length: count }, () => newDeliveryId());
  await runInDurableObject(env.ACCOUNT_LIMITER.getByName(limiter) as DurableObjectStub<AccountLimiter>, async (instance) => {
    for (const id of ids) logOf(instance).insert(id, jobTo(account, url), Date.now(), {});
  });
  return ids.map((id) => messageFor(limiter, account, id));
}

const attemptsOf = async (account: string) =>
  (await api("GET", `/v1/accounts/${account}/deliveries?limit=100`)).body.deliveries.map((d: { attempts: unknown[] }) => d.attempts.length);

describe("consumer invocations running at the same time", () => {
  it("two invocations at once share the account's cap of 3", async () => {
    const key = uniqueId("two-invocations");
    const account = await makeAccount({ concurrency: 3 });
    const messages = await storedDeliveries(account, target(key, "delay=600"), 6);
    const [first, second] = await Promise.all([consume(messages.slice(0, 3)), consume(messages.slice(3))]);
    expect([...first.result.explicitAcks, ...second.result.explicitAcks].sort()).toEqual([...first.ids, ...second.ids].sort());

    const seen = await received(key);
    expect(seen.count).toBe(6);
    expect(seen.maxInFlight).toBeLessThanOrEqual(3);
    expect(await attemptsOf(account)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("accounts that share a shard share its cap", async () => {
    const key = uniqueId("shard-cap");
    const shard = uniqueId("shard");
    const a = await makeAccount({ shard, concurrency: 2 });
    const b = await makeAccount({ shard, concurrency: 2 });
    for (const account of [a, b]) await makeAction(account, { url: target(key, "delay=500") });
    const triggers = await Promise.all(
      [a, a, a, b, b, b].map((account) => api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } }).then((res) => ({ account, res }))),
    );
    await Promise.all(triggers.map(({ account, res }) => deliveryReaches(account, res.body.delivery_id, ["sent"], 30_000)));
    const seen = await received(key);
    expect(seen.count).toBe(6);
    expect(seen.maxInFlight).toBeLessThanOrEqual(2);
  });

  it("a copy of a message arriving while its send waits behind the first six is not sent again", async () => {
    // One invocation sends 12 deliveries six at a time, each taking 3.5 s, so the
    // second six are in flight from about 3.5 s to 7 s. Their permits must hold
    // that long: a copy arriving at 5.5 s finds them taken.
    const key = uniqueId("lease");
    const account = await makeAccount();
    const messages = await storedDeliveries(account, target(key, "delay=3500"), 12);
    const whole = consume(messages);
    await sleep(5_500);
    const copies = await consume(messages.slice(6));
    expect(copies.result.explicitAcks.sort()).toEqual([...copies.ids].sort());
    const done = await whole;
    expect(done.result.explicitAcks.sort()).toEqual([...done.ids].sort());

    const seen = await received(key);
    expect(seen.count).toBe(12);
    expect(await attemptsOf(account)).toEqual(Array(12).fill(1));
  }, 30_000);
});
