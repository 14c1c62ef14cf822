import { describe, expect, it } from "vitest";
// @ts-expect-error plain JS module (scripts/simulate.mjs), no types
import { accountCeiling, capacity, CURRENT, CURRENT_GROUPED, designs, ONE_QUEUE, simulate } from "../../scripts/simulate.mjs";

type Design = typeof CURRENT;
const LATENCIES = [0.05, 0.2, 1];

describe("npm run simulate (docs/scale.md)", () => {
  it("the time-stepped run settles at the closed-form ceiling when offered more (within 15 %, never above it by more than 2 %)", () => {
    for (const design of designs() as Design[]) {
      for (const latencyS of [0.2, 1]) {
        const { deployment } = capacity(design, latencyS);
        const { deliveredPerSecond } = simulate(design, { latencyS, offered: deployment * 1.2 });
        expect(deliveredPerSecond, `${design.name} at ${latencyS} s`).toBeGreaterThan(deployment * 0.85);
        expect(deliveredPerSecond, `${design.name} at ${latencyS} s`).toBeLessThan(deployment * 1.02);
      }
    }
  });

  it("offered less than the ceiling, everything offered is delivered", () => {
    const { deployment } = capacity(CURRENT, 0.2);
    const { deliveredPerSecond, refusedPerSecond } = simulate(CURRENT, { latencyS: 0.2, offered: deployment * 0.5 });
    expect(deliveredPerSecond).toBeGreaterThan(deployment * 0.5 * 0.97);
    expect(refusedPerSecond).toBe(0);
  });

  it("more queues never lower the ceiling, and raise it while queues or their consumers bind", () => {
    for (const perMessage of [1, 10]) {
      const sameKind = (designs() as Design[]).filter((d) => ![CURRENT, CURRENT_GROUPED, ONE_QUEUE].includes(d) && d.deliveriesPerMessage === perMessage).sort((a, b) => a.queues - b.queues);
      for (const latencyS of LATENCIES) {
        for (const [fewer, more] of sameKind.slice(1).map((d, i) => [sameKind[i]!, d] as const)) {
          const [low, high] = [capacity(fewer, latencyS), capacity(more, latencyS)];
          expect(high.deployment).toBeGreaterThanOrEqual(low.deployment);
          if (low.binding !== "accounts × per-account ceiling") expect(high.deployment).toBeGreaterThan(low.deployment);
        }
      }
    }
  });

  it("one queue stays under its 5,000 messages/s; the four queues as built carry about four times that; sharded queues with ten deliveries a message pass 20,000/s at 200 ms", () => {
    for (const latencyS of LATENCIES) expect(capacity(ONE_QUEUE as Design, latencyS).deployment).toBeLessThanOrEqual(5_000);
    for (const latencyS of LATENCIES) expect(capacity(CURRENT, latencyS).deployment).toBeGreaterThan(3.5 * capacity(ONE_QUEUE as Design, latencyS).deployment);
    expect(capacity(CURRENT, 0.2).deployment).toBeLessThanOrEqual(20_000);
    expect(capacity(CURRENT_GROUPED as Design, 0.2).deployment).toBeGreaterThan(20_000);
    const sharded = (designs() as Design[]).find((d) => d.queues === 4 && d.deliveriesPerMessage === 10)!;
    expect(capacity(sharded, 0.2).deployment).toBeGreaterThan(20_000);
  });

  it("one account: about 1,000 deliveries/s on one limiter today; group commit and limiter shards raise it, up to the in-flight cap", () => {
    const today = accountCeiling(CURRENT, 0.2);
    expect(today.ceiling).toBeGreaterThan(900);
    expect(today.ceiling).toBeLessThan(1_000);
    const grouped = accountCeiling({ ...CURRENT, acceptGroup: 8 }, 0.2);
    const shardedGrouped = accountCeiling({ ...CURRENT, acceptGroup: 8, limiterShardsPerAccount: 4 }, 0.2);
    expect(grouped.ceiling).toBeGreaterThan(today.ceiling);
    expect(shardedGrouped.ceiling).toBeGreaterThan(grouped.ceiling);
    expect(shardedGrouped.ceiling).toBeLessThanOrEqual(shardedGrouped.inFlight);
  });
});
