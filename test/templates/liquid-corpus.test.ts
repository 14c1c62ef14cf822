import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { renderTemplate } from "../../src/templates/liquid";
import customerio from "../liquid-corpus/customerio.json";
import divergencesText from "../liquid-corpus/divergences.md?raw";
import expectedText from "../liquid-corpus/expected.jsonl?raw";
import filtersInUse from "../liquid-corpus/filters-in-use.json";
import printing from "../liquid-corpus/printing.json";
import standardFilters from "../liquid-corpus/standard-filters.json";
import tags from "../liquid-corpus/tags.json";

// The differential corpus (test/liquid-corpus/): every case rendered by
// edgehook's engine is compared with what Ruby Liquid 5.4 rendered for it
// (expected.jsonl, written by `npm run liquid:golden`). A case may differ only
// if divergences.md lists it, and a listed case must still differ.

interface Case {
  name: string;
  template: string;
  context: string | Record<string, unknown>;
}

interface Group {
  contexts: Record<string, Record<string, unknown>>;
  cases: Case[];
}

/** One line of expected.jsonl. */
interface Golden {
  name: string;
  output?: string;
  errors?: string[];
  error?: string;
  invalid_utf8?: boolean;
}

type Outcome = { output: string } | { error: string };

const groups: Record<string, Group> = {
  "standard-filters.json": standardFilters as Group,
  "filters-in-use.json": filtersInUse as Group,
  "printing.json": printing as Group,
  "tags.json": tags as Group,
  "customerio.json": customerio as Group,
};

const golden = new Map<string, Golden>();
for (const line of expectedText.split("\n")) {
  if (line.trim() === "") continue;
  const entry = JSON.parse(line) as Golden;
  golden.set(entry.name, entry);
}

/** Case names listed in divergences.md ("- `name`" lines), by the section that explains them. */
function listedDivergences(markdown: string): Map<string, string> {
  const listed = new Map<string, string>();
  let section = "";
  for (const line of markdown.split("\n")) {
    const heading = /^##\s+(.*)$/.exec(line);
    if (heading) section = heading[1]!.trim();
    const item = /^-\s+`([^`]+)`/.exec(line);
    if (!item) continue;
    if (listed.has(item[1]!)) throw new Error(`divergences.md lists ${item[1]} twice`);
    listed.set(item[1]!, section);
  }
  return listed;
}

const divergences = listedDivergences(divergencesText);

function renderWithEdgehook(group: Group, c: Case): Outcome {
  const scope = typeof c.context === "string" ? group.contexts[c.context] : c.context;
  if (!scope) throw new Error(`${c.name}: no context named ${String(c.context)}`);
  try {
    // A deep copy, as the trigger's JSON would arrive.
    return { output: renderTemplate(c.template, structuredClone(scope), "body") };
  } catch (err) {
    if (err instanceof AppError) return { error: `${err.code}: ${err.message}` };
    throw err;
  }
}

/** Same outcome: the same text, or both refuse the template (Ruby raised; edgehook answered with an error). */
function identical(ruby: Golden, ours: Outcome): boolean {
  if (ruby.error !== undefined) return "error" in ours;
  return "output" in ours && !ruby.invalid_utf8 && ours.output === ruby.output;
}

function describeRuby(ruby: Golden): string {
  if (ruby.error !== undefined) return `raises ${ruby.error}`;
  return JSON.stringify(ruby.output) + (ruby.errors ? ` (inline: ${ruby.errors.join("; ")})` : "") + (ruby.invalid_utf8 ? " (not UTF-8)" : "");
}

const results: { name: string; same: boolean }[] = [];

describe("the Liquid corpus renders as Ruby Liquid 5.4 does", () => {
  for (const [file, group] of Object.entries(groups)) {
    it(`${file}: every case matches the golden output or is a listed divergence`, () => {
      const unexplained: string[] = [];
      const stale: string[] = [];
      for (const c of group.cases) {
        const ruby = golden.get(c.name);
        if (!ruby) throw new Error(`${c.name} is not in expected.jsonl: run npm run liquid:golden`);
        const ours = renderWithEdgehook(group, c);
        const same = identical(ruby, ours);
        results.push({ name: c.name, same });
        const listed = divergences.has(c.name);
        if (!same && !listed) {
          const printed = "output" in ours ? JSON.stringify(ours.output) : `fails: ${ours.error}`;
          unexplained.push(`${c.name}\n    template: ${JSON.stringify(c.template)}\n    Ruby:     ${describeRuby(ruby)}\n    edgehook: ${printed}`);
        }
        if (same && listed) stale.push(c.name);
      }
      if (unexplained.length > 0) console.log(`${file}: ${unexplained.length} unexplained differences\n  ${unexplained.join("\n  ")}`);
      expect(unexplained, "cases that differ from Ruby Liquid and are not in divergences.md").toEqual([]);
      expect(stale, "cases listed in divergences.md that no longer differ (remove them)").toEqual([]);
    });
  }

  it("every case has a golden line, and every listed divergence is a case", () => {
    const names = Object.values(groups).flatMap((group) => group.cases.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    expect([...golden.keys()].sort()).toEqual([...names].sort());
    expect([...divergences.keys()].filter((name) => !golden.has(name))).toEqual([]);
    expect(names.length).toBeGreaterThanOrEqual(600);
  });

  it("reports the measured compatibility", () => {
    const total = results.length;
    const same = results.filter((r) => r.same).length;
    expect(total).toBe(golden.size);
    expect(total - same).toBe(divergences.size);
    console.log(`${same} of ${total} templates identical to Ruby Liquid 5.4; ${divergences.size} documented divergences`);
  });
});
