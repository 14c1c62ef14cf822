import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newDeliveryId, type DeliveryMessage } from "../../src/delivery/message";
import worker from "../../src/index";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { consume, everyDeliveryQueue, limiterQueue } from "../fixtures/held-queue";
import { jobTo, logOf } from "../fixtures/limiter";
import { api, makeAccount, received, target, uniqueId } from "../helpers";

// A queue message carries every delivery accepted together (up to 100). The
// consumer settles each on its own, acks the message once all of its
// deliveries are done with, and never lets one delivery's retry or crash
// decide the others'.

/** Deliveries stored in the account's limiter (not queued), one per URL, and one message carrying them all. */
async function carried(account: string, urls: string[]): Promise<{ ids: string[]; message: DeliveryMessage }> {
  const limiter = `account:${account}`;
  const ids = urls.map(() => newDeliveryId());
  await runInDurableObject(env.ACCOUNT_LIMITER.getByName(limiter) as DurableObjectStub<AccountLimiter>, async (instance) => {
    ids.forEach((id, i) => logOf(instance).insert(id, jobTo(account, urls[i]!), Date.now(), {}));
  });
  return { ids, message: { v: 2, limiter, deliveries: ids.map((id) => ({ account, id })) } as DeliveryMessage };
}

const statusOf = async (account: string, id: string) => (await api("GET", `/v1/accounts/${account}/deliveries/${id}`)).body.status as string;

describe("a message carrying several deliveries", () => {
  it("sends each of them once and acks the message once", async () => {
    const key = uniqueId("carried");
    const account = await makeAccount();
    const { ids, message } = await carried(account, [target(key), target(key), target(key), target(key)]);
    const { result, requeued, ids: messageIds } = await consume([message]);
    expect(result.explicitAcks).toEqual(messageIds);
    expect(result.retryMessages).toEqual([]);
    expect(requeued).toEqual([]);
    expect((await received(key)).count).toBe(4);
    for (const id of ids) expect(await statusOf(account, id)).toBe("sent");
  });

  it("hands a delivery that must retry back alone, with its delay, and still acks the message", async () => {
    const ok = uniqueId("carried-ok");
    const busy = uniqueId("carried-busy");
    const account = await makeAccount();
    const { ids, message } = await carried(account, [target(ok), target(busy, "status=503"), target(ok)]);
    const { result, requeued, ids: messageIds } = await consume([message]);
    expect(result.explicitAcks).toEqual(messageIds);
    expect(requeued).toEqual([{ body: { v: 2, limiter: `account:${account}`, deliveries: [{ account, id: ids[1] }] }, delaySeconds: 1 }]);
    expect((await received(ok)).count).toBe(2);
    expect(await statusOf(account, ids[1]!)).toBe("retrying");
  });

  it("comes back whole when the queue refuses the retry, and its sent deliveries are not sent again", async () => {
    const ok = uniqueId("carried-ok");
    const busy = uniqueId("carried-busy");
    const account = await makeAccount();
    const { ids, message } = await carried(account, [target(ok), target(busy, "status=503"), target(ok)]);
    const refusing = { send: async () => { throw new Error("queue unavailable"); }, sendBatch: async () => { throw new Error("queue unavailable"); } };
    const first = await consume([message], everyDeliveryQueue(refusing));
    expect(first.result.explicitAcks).toEqual([]);
    expect(first.result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(first.ids);

    // The message again, as the queue would bring it back: only the retry is attempted.
    const second = await consume([message]);
    expect(second.result.explicitAcks).toEqual(second.ids);
    expect((await received(ok)).count).toBe(2);
    expect((await received(busy)).count).toBe(2);
    expect(await statusOf(account, ids[0]!)).toBe("sent");
    expect(await statusOf(account, ids[2]!)).toBe("sent");
  });

  it("sends each delivery once when two copies of the message meet in one batch, and acks both", async () => {
    const key = uniqueId("carried-copies");
    const account = await makeAccount();
    const { message } = await carried(account, [target(key), target(key), target(key)]);
    const { result, ids } = await consume([message, message]);
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    expect((await received(key)).count).toBe(3);
  });

  it("still reads a first-release message of one delivery", async () => {
    const key = uniqueId("carried-v1");
    const account = await makeAccount();
    const { ids } = await carried(account, [target(key)]);
    const v1 = { v: 1, limiter: `account:${account}`, account, delivery_id: ids[0] } as unknown as DeliveryMessage;
    const batch = createMessageBatch("edgehook-deliveries", [{ id: "old", timestamp: new Date(), attempts: 1, body: v1 }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["old"]);
    expect((await received(key)).count).toBe(1);
    expect(await statusOf(account, ids[0]!)).toBe("sent");
  });
});

describe("a dead-lettered message", () => {
  async function deadLetter(body: DeliveryMessage, queue: Partial<Queue> = limiterQueue(env, body.limiter)) {
    const batch = createMessageBatch("edgehook-deliveries-dlq", [{ id: "dead", timestamp: new Date(), attempts: 6, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, ...everyDeliveryQueue(queue) } as never, ctx);
    return getQueueResult(batch, ctx);
  }

  it("of several deliveries goes back to the queue as one message each, failing none of them", async () => {
    const account = await makeAccount();
    const { ids, message } = await carried(account, [target(uniqueId("dlq-a")), target(uniqueId("dlq-b")), target(uniqueId("dlq-c"))]);
    const sent: DeliveryMessage[] = [];
    const result = await deadLetter(message, {
      sendBatch: async (items: Iterable<MessageSendRequest>) => {
        sent.push(...[...items].map((item) => item.body as DeliveryMessage));
        return undefined as never;
      },
    });
    expect(result.explicitAcks).toEqual(["dead"]);
    expect(sent).toEqual(ids.map((id) => ({ v: 2, limiter: `account:${account}`, deliveries: [{ account, id }] })));
    for (const id of ids) expect(await statusOf(account, id)).toBe("queued");
  });

  it("of one delivery fails it", async () => {
    const account = await makeAccount();
    const { ids, message } = await carried(account, [target(uniqueId("dlq-one"))]);
    const result = await deadLetter(message);
    expect(result.explicitAcks).toEqual(["dead"]);
    const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${ids[0]}`)).body;
    expect(delivery).toMatchObject({ status: "failed", error: expect.stringMatching(/^dead-lettered/) });
  });

  it("of several goes back to the dead-letter queue when the split cannot be queued", async () => {
    const account = await makeAccount();
    const { ids, message } = await carried(account, [target(uniqueId("dlq-x")), target(uniqueId("dlq-y"))]);
    const result = await deadLetter(message, { sendBatch: async () => { throw new Error("queue unavailable"); } });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["dead"]);
    for (const id of ids) expect(await statusOf(account, id)).toBe("queued");
  });
});
