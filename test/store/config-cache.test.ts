import { describe, expect, it } from "vitest";
import { ConfigCache } from "../../src/store/config-cache";

/** A cache on a clock the test moves. */
function cacheAt(ttlMs = 1_000, maxEntries = 10) {
  const clock = { now: 0 };
  return { clock, cache: new ConfigCache(ttlMs, maxEntries, () => clock.now) };
}

function counting<T>(value: T | null) {
  const loader = { calls: 0, value, load: async () => (loader.calls++, loader.value) };
  return loader;
}

describe("ConfigCache", () => {
  it("serves a loaded value until the TTL has passed, then loads again", async () => {
    const { clock, cache } = cacheAt(1_000);
    const loader = counting("v1");
    expect(await cache.get("k", loader.load)).toBe("v1");
    loader.value = "v2";
    clock.now = 999;
    expect(await cache.get("k", loader.load)).toBe("v1");
    clock.now = 1_000;
    expect(await cache.get("k", loader.load)).toBe("v2");
    expect(loader.calls).toBe(2);
  });

  it("invalidate makes the next get load, whatever the TTL", async () => {
    const { cache } = cacheAt(60_000);
    const loader = counting("old");
    await cache.get("k", loader.load);
    loader.value = "new";
    cache.invalidate("k");
    expect(await cache.get("k", loader.load)).toBe("new");
  });

  it("keeps no null: something created later is found at once", async () => {
    const { cache } = cacheAt(60_000);
    const loader = counting<string>(null);
    expect(await cache.get("k", loader.load)).toBeNull();
    loader.value = "created";
    expect(await cache.get("k", loader.load)).toBe("created");
    expect(cache.size).toBe(1);
  });

  it("does not keep a value whose load was under way when an invalidation came", async () => {
    const { cache } = cacheAt(60_000);
    let finish!: (value: string) => void;
    const slow = cache.get("k", () => new Promise<string>((resolve) => (finish = resolve)));
    cache.invalidate("k"); // a write lands while the read of the old value is in flight
    finish("read before the write");
    expect(await slow).toBe("read before the write");
    expect(cache.size).toBe(0);
    expect(await cache.get("k", async () => "after the write")).toBe("after the write");
  });

  it("does not keep a failed load", async () => {
    const { cache } = cacheAt();
    await expect(cache.get("k", async () => Promise.reject(new Error("KV down")))).rejects.toThrow("KV down");
    expect(cache.size).toBe(0);
  });

  it("holds at most maxEntries, dropping the oldest first", async () => {
    const { cache } = cacheAt(60_000, 3);
    for (const key of ["a", "b", "c", "d"]) await cache.get(key, async () => key);
    expect(cache.size).toBe(3);
    const loader = counting("a again");
    expect(await cache.get("a", loader.load)).toBe("a again");
    expect(loader.calls).toBe(1);
  });

  it("measures the TTL from when the load started, so a slow read is not kept longer", async () => {
    const { clock, cache } = cacheAt(1_000);
    await cache.get("k", async () => {
      clock.now = 600; // the read took 600 ms
      return "v";
    });
    clock.now = 1_000;
    expect(await cache.get("k", async () => "reloaded")).toBe("reloaded");
  });
});
