import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../../src/errors";
import { parseTemplate, renderTemplate } from "../../src/templates/liquid";

// The numbers are written out: importing them from the source would let any value pass.

describe("the parsed-template cache", () => {
  it("holds the 500 most recently used templates", () => {
    const fresh = (tag: string, count: number) => {
      for (let i = 0; i < count; i++) parseTemplate(`{{ cache_probe_${tag}_${i} }}`, "body");
    };
    fresh("before", 500); // whatever this isolate cached earlier is gone now
    const probe = "{{ cache_probe_watched }}";
    const first = parseTemplate(probe, "body");
    fresh("after", 499);
    expect(parseTemplate(probe, "body")).toBe(first); // 500 entries, the probe among them (and now the newest)
    fresh("evict", 500);
    expect(parseTemplate(probe, "body")).not.toBe(first); // 500 newer ones pushed it out
  });
});

describe("the render step limit", () => {
  afterEach(() => vi.restoreAllMocks());

  const failure = (source: string): AppError => {
    try {
      renderTemplate(source, {}, "body");
    } catch (err) {
      return err as AppError;
    }
    throw new Error("expected the render to fail");
  };

  // A loop iteration of plain text is two steps (the iteration and its text), plus one for the loop.
  it("lets a render of 99,981 steps finish when the clock stands still", () => {
    vi.spyOn(performance, "now").mockReturnValue(1_000);
    expect(renderTemplate("{% for i in (1..49990) %}x{% endfor %}", {}, "body")).toHaveLength(49_990);
  });

  it("stops a render at 100,001 steps when the clock stands still, as it does in deployed workerd", () => {
    vi.spyOn(performance, "now").mockReturnValue(1_000);
    const error = failure("{% for i in (1..50000) %}x{% endfor %}");
    expect(error.code).toBe("render_failed");
    expect(error.message).toMatch(/renderLimit exceeded: more than 100000 template steps/);
  });
});
