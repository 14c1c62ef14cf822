import { describe, expect, it } from "vitest";
import { consume, triggerHeld } from "../fixtures/held-queue";
import { api, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

// The relay project allows private targets, so the trigger below is accepted
// for 127.0.0.1. The consumer then runs as a deployment does, with
// ALLOW_PRIVATE_TARGETS=false: the target is checked again before the send.

async function acceptedFor127001() {
  const key = uniqueId("turns-private");
  const account = await makeAccount();
  await makeAction(account, { url: target(key) });
  const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
  expect(res.status).toBe(202);
  return { key, account, id: res.body.delivery_id as string, messages };
}

describe("a target that becomes private between accept and send", () => {
  it("is not sent to: the delivery fails at once with the reason, and is not retried", async () => {
    const { key, account, id, messages } = await acceptedFor127001();
    const { result, requeued, ids } = await consume(messages, { ALLOW_PRIVATE_TARGETS: "false" });
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(requeued).toEqual([]);

    const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${id}`)).body;
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.error).toMatch(/127\.0\.0\.1 is a loopback address; private targets are disabled/);
    expect((await received(key)).count).toBe(0);
  });

  it("while private targets stay allowed, the same delivery is sent", async () => {
    const { key, account, id, messages } = await acceptedFor127001();
    await consume(messages, { ALLOW_PRIVATE_TARGETS: "true" });
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${id}`)).body.status).toBe("sent");
    expect((await received(key)).count).toBe(1);
  });
});
