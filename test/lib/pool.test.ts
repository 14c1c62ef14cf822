import { describe, expect, it } from "vitest";
import { concurrencyLimit, sleep } from "../../src/lib/pool";

describe("concurrencyLimit", () => {
  it("never runs more than the limit at once, across separate callers", async () => {
    const run = concurrencyLimit(6);
    let running = 0;
    let most = 0;
    const task = (i: number) => async () => {
      running++;
      most = Math.max(most, running);
      await sleep(5 + (i % 3) * 5);
      running--;
      return i * 2;
    };
    // Two groups sharing one limit, as two limiters' messages share one consumer invocation.
    const [a, b] = await Promise.all([
      Promise.all(Array.from({ length: 12 }, (_, i) => run(task(i)))),
      Promise.all(Array.from({ length: 12 }, (_, i) => run(task(i + 12)))),
    ]);
    expect(most).toBe(6);
    expect([...a, ...b]).toEqual(Array.from({ length: 24 }, (_, i) => i * 2));
  });

  it("frees the slot when a task fails", async () => {
    const run = concurrencyLimit(1);
    await expect(run(async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await run(async () => "ok")).toBe("ok");
  });
});
