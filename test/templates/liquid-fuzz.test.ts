import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { renderTemplate } from "../../src/templates/liquid";

// Generated templates — random nesting of tags, filters and literals, and
// plain garbage — must end in output or a clean template error: never an
// uncaught exception of another kind, never output past the body limit.

const FILTERS = [
  "upcase", "downcase", "capitalize", "size", "first", "last", "join", "split", "append", "prepend", "replace", "remove",
  "strip", "truncate", "truncatewords", "default", "plus", "minus", "times", "divided_by", "modulo", "round", "ceil", "floor",
  "abs", "date", "escape", "url_encode", "json", "sort", "reverse", "uniq", "map", "where", "slice", "concat", "compact",
  "base64_encode", "base64_decode", "newline_to_br", "strip_html", "at_least", "at_most", "nope",
];

const literal = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String),
  fc.string({ maxLength: 8 }).map((text) => JSON.stringify(text)),
  fc.constantFrom("nil", "true", "false", "empty", "blank", "(1..5)", "(1..100000)"),
);
const variable = fc.constantFrom("customer", "customer.id", "customer.name", "customer.tags", "customer.tags.first", "event.items", "event.total", "missing.deep", "forloop.index", "x");
const expression = fc.oneof(literal, variable);
const filtered = fc
  .tuple(expression, fc.array(fc.tuple(fc.constantFrom(...FILTERS), fc.array(expression, { maxLength: 2 })), { maxLength: 4 }))
  .map(([value, filters]) => [value, ...filters.map(([name, args]) => (args.length ? `${name}: ${args.join(", ")}` : name))].join(" | "));
const condition = fc
  .tuple(expression, fc.constantFrom("==", "!=", "<", ">", "<=", ">=", "contains", "and", "or", "<>"), expression)
  .map(([a, op, b]) => `${a} ${op} ${b}`);

const { template } = fc.letrec<{ template: string; node: string }>((tie) => ({
  template: fc.array(tie("node"), { maxLength: 5 }).map((nodes) => nodes.join("")),
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string({ maxLength: 12 }),
    filtered.map((out) => `{{ ${out} }}`),
    fc.tuple(condition, tie("template"), tie("template")).map(([c, a, b]) => `{% if ${c} %}${a}{% else %}${b}{% endif %}`),
    fc.tuple(condition, tie("template")).map(([c, a]) => `{% unless ${c} %}${a}{% endunless %}`),
    fc.tuple(fc.constantFrom("customer.tags", "event.items", "(1..3)", "(1..1000)", "x"), tie("template")).map(([list, body]) => `{% for x in ${list} %}${body}{% endfor %}`),
    fc.tuple(filtered, tie("template")).map(([value, body]) => `{% assign x = ${value} %}${body}`),
    fc.tuple(tie("template")).map(([body]) => `{% capture x %}${body}{% endcapture %}{{ x }}`),
    fc.tuple(expression, expression, tie("template")).map(([a, b, body]) => `{% case ${a} %}{% when ${b} %}${body}{% endcase %}`),
    fc.constantFrom("{% raw %}{{ x }}{% endraw %}", "{% comment %}x{% endcomment %}", "{{", "}}", "{%", "%}", "{% endif %}", "{% for %}", "{{ | }}", "{% include 'x' %}"),
  ),
}));

const scope = {
  customer: { id: "42", name: "Zoë 😀", tags: ["a", "b", "c"], nested: { deep: [1, 2, { x: null }] } },
  event: { items: [{ price: 1.5 }, { price: 2 }], total: 3.5 },
  trigger: {},
};

describe("Liquid fuzz", () => {
  it("any generated template renders to output within the limits, or fails with a template error", () => {
    fc.assert(
      fc.property(template, (source) => {
        try {
          const output = renderTemplate(source, structuredClone(scope), "body");
          expect(typeof output).toBe("string");
          expect(new TextEncoder().encode(output).byteLength).toBeLessThanOrEqual(1_000_000);
        } catch (err) {
          // A clean template error: ours, with a code a client can act on.
          expect(err, `${source} threw ${String(err)}`).toBeInstanceOf(AppError);
          expect(["invalid_template", "render_failed", "payload_too_large"]).toContain((err as AppError).code);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
