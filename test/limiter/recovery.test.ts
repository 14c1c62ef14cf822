import { describe, expect, it } from "vitest";
import { Recovery, type ProbeState, type Recoverable } from "../../src/limiter/recovery";

// Recovery's timing on its own, with a store of one item in memory (the
// limiter's and the inbox's stores are tested in queue-probe and event-inbox).

/** One unfinished item, last seen at `seenAt`; records the probes sent. */
function oneItemSeenAt(seenAt: number) {
  const probes: number[] = [];
  const store: Recoverable<string> = {
    noun: "items",
    orphaned: (before) => (seenAt < before ? ["item"] : []),
    oldestSighting: () => seenAt,
    requeue: async () => {},
    sendProbe: async (sentAt) => void probes.push(sentAt),
  };
  const state: ProbeState = { probeSentAt: null, queueFlowedAt: null };
  return { recovery: new Recovery(store, state), probes };
}

describe("recovery's timing", () => {
  it("an alarm set for the next check and firing on time finds the item overdue and sends a probe", async () => {
    const seenAt = 1_000_000;
    const { recovery, probes } = oneItemSeenAt(seenAt);
    const at = recovery.nextCheck(seenAt)!;
    expect(at - seenAt).toBeGreaterThanOrEqual(90_000);
    expect(at - seenAt).toBeLessThanOrEqual(91_000);
    await recovery.check(at);
    expect(probes).toEqual([at]);
  });

  it("once the item is overdue and a probe is out, the next look is 30 s later, and that look probes again", async () => {
    const seenAt = 1_000_000;
    const { recovery, probes } = oneItemSeenAt(seenAt);
    const first = seenAt + 100_000;
    await recovery.check(first);
    expect(recovery.nextCheck(first)).toBe(first + 30_000);
    await recovery.check(first + 29_999);
    expect(probes).toEqual([first]);
    await recovery.check(first + 30_000);
    expect(probes).toEqual([first, first + 30_000]);
  });
});
