import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { DeliveryMessage } from "../../src/delivery/message";
import { groupAccept } from "../../src/limiter/group-accept";
import { getAccount } from "../../src/store/accounts";
import { AccountId } from "../../src/store/ids";
import { jobTo } from "../fixtures/limiter";
import { limiterBindings, limiterQueue } from "../fixtures/held-queue";
import { makeAccount, target, uniqueId } from "../helpers";

// group-accept runs in this test's isolate (the worker does), so the test can
// call it directly and place each trigger at a chosen moment of the lane.

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The limiter of a fresh account, with its queue sends held for 300 ms and
 * then dropped (this is about how triggers are grouped, so nothing is sent),
 * and the number of deliveries each call to the limiter carried.
 */
async function slowLimiter() {
  const id = await makeAccount();
  const account = (await getAccount(env.CONFIG, AccountId.parse(id)))!;
  const bindings = await limiterBindings(`account:${id}`);
  const sizes: number[] = [];
  const sendBatch = vi.spyOn(limiterQueue(bindings, `account:${id}`), "sendBatch").mockImplementation(async (messages) => {
    sizes.push([...messages].reduce((sum, m) => sum + (m.body as DeliveryMessage).deliveries.length, 0));
    await tick(300);
    return undefined as never;
  });
  const accept = () => groupAccept(env, account, { job: jobTo(id, target(uniqueId("group"))) }, (work) => void work.catch(() => {}));
  return { sizes, accept, restore: () => sendBatch.mockRestore() };
}

describe("group commit of triggers", () => {
  it("a trigger that finds the limiter idle goes at once, alone, though another comes right behind it", async () => {
    const { sizes, accept, restore } = await slowLimiter();
    try {
      const outcomes = await Promise.all([accept(), accept()]);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      // Had the first lingered, the second would have joined it: [2].
      expect(sizes).toEqual([1, 1]);
    } finally {
      restore();
    }
  });

  it("after a call returns, a small waiting group lingers a tick, so a trigger arriving then joins it instead of going alone", async () => {
    const { sizes, accept, restore } = await slowLimiter();
    try {
      const busy = accept();
      await tick(50);
      const waiting = accept();
      // Resumed as soon as the busy call has returned, before the waiting trigger's next poll.
      expect((await busy).ok).toBe(true);
      // A timer set now fires after the waiting trigger's pending poll: without the linger, that poll has sent it alone.
      await tick(1);
      const late = accept();
      const outcomes = await Promise.all([waiting, late]);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      expect(sizes).toEqual([1, 2]);
    } finally {
      restore();
    }
  });
});
