import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

describe("per-account concurrency", () => {
  it("with concurrency 5, 50 triggers against a 300 ms target never exceed 5 in flight, and all arrive", async () => {
    const key = uniqueId("cap");
    const account = await makeAccount({ concurrency: 5 });
    await makeAction(account, { url: target(key, "delay=300") });
    const triggers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: `c${i}` } })),
    );
    expect(triggers.every((res) => res.status === 202)).toBe(true);
    await Promise.all(triggers.map((res) => deliveryReaches(account, res.body.delivery_id, ["sent"], 60_000)));

    const seen = await received(key);
    expect(seen.count).toBe(50);
    expect(seen.maxInFlight).toBeLessThanOrEqual(5);
    expect(seen.maxInFlight).toBeGreaterThanOrEqual(2); // the cap is used, not serialised
    // Waiting for a permit is not an attempt.
    const deliveries = (await api("GET", `/v1/accounts/${account}/deliveries?limit=100`)).body.deliveries;
    expect(deliveries.every((d: { attempts: unknown[] }) => d.attempts.length === 1)).toBe(true);
  }, 90_000);
});
