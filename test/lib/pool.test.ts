import { describe, expect, it } from "vitest";
import { mapWithLimit, sleep } from "../../src/lib/pool";

describe("mapWithLimit", () => {
  it("never runs more than the limit at once, and keeps the input order", async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithLimit(Array.from({ length: 20 }, (_, i) => i), 6, async (i) => {
      running++;
      most = Math.max(most, running);
      await sleep(5 + (i % 3) * 5);
      running--;
      return i * 2;
    });
    expect(most).toBe(6);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it("handles fewer items than the limit, and none", async () => {
    expect(await mapWithLimit([1, 2], 6, async (i) => i + 1)).toEqual([2, 3]);
    expect(await mapWithLimit([], 6, async (i: number) => i)).toEqual([]);
  });
});
