import { describe, expect, it } from "vitest";
import { consume, triggerHeld } from "../fixtures/held-queue";
import { api, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

// The relay project runs with RETRY_SCHEDULE=1,1,1, where every Retry-After
// clamps to 1 s. Here the consumer runs with a schedule of 10 s then 300 s, so
// honouring and clamping both show.
const SCHEDULE = "10,300";

/** A trigger whose target answers 503 with `retryAfter`, and one consumer run over it. */
async function firstAttempt(retryAfter: string | null) {
  const key = uniqueId("retry-after");
  const account = await makeAccount();
  const query = retryAfter === null ? "status=503" : `status=503&retry_after=${encodeURIComponent(retryAfter)}`;
  await makeAction(account, { url: target(key, query) });
  const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
  expect(res.status).toBe(202);
  expect(messages).toHaveLength(1);

  const before = Date.now();
  const { result, requeued, ids } = await consume(messages, { RETRY_SCHEDULE: SCHEDULE });
  const after = Date.now();
  const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).body;
  expect((await received(key)).count).toBe(1);
  // A retry is a fresh copy on the queue, and the original is acked.
  expect(result.explicitAcks).toEqual(ids);
  expect(requeued).toHaveLength(1);
  return { delivery, delay: requeued[0]!.delaySeconds!, before, after };
}

/** next_attempt_at lies `seconds` after the attempt (within the time the attempt took). */
function expectNextAttemptIn(next: string, seconds: number, before: number, after: number) {
  const at = Date.parse(next);
  expect(at).toBeGreaterThanOrEqual(before + seconds * 1000 - 1000);
  expect(at).toBeLessThanOrEqual(after + seconds * 1000 + 1000);
}

describe("Retry-After, end to end", () => {
  it("is honoured: a 503 with Retry-After: 120 comes back in 120 s, not on the schedule", async () => {
    const { delivery, delay, before, after } = await firstAttempt("120");
    expect(delay).toBe(120);
    expect(delivery.status).toBe("retrying");
    expectNextAttemptIn(delivery.next_attempt_at, 120, before, after);
  });

  it("is clamped up to the schedule's shortest delay (5 → 10)", async () => {
    const { delivery, delay, before, after } = await firstAttempt("5");
    expect(delay).toBe(10);
    expectNextAttemptIn(delivery.next_attempt_at, 10, before, after);
  });

  it("is clamped down to the schedule's longest delay (3600 → 300)", async () => {
    const { delivery, delay, before, after } = await firstAttempt("3600");
    expect(delay).toBe(300);
    expectNextAttemptIn(delivery.next_attempt_at, 300, before, after);
  });

  it("may be an HTTP date", async () => {
    const { delay } = await firstAttempt(new Date(Date.now() + 90_000).toUTCString());
    // The date has whole seconds, so 89 or 90 s remain when it is read.
    expect(delay).toBeGreaterThanOrEqual(88);
    expect(delay).toBeLessThanOrEqual(90);
  });

  it("without one, the schedule's first delay applies, ±20 %", async () => {
    const { delivery, delay, before, after } = await firstAttempt(null);
    expect(delay).toBeGreaterThanOrEqual(8);
    expect(delay).toBeLessThanOrEqual(12);
    expectNextAttemptIn(delivery.next_attempt_at, delay, before, after);
  });
});
