import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { isPlainText, parseTemplate, renderTemplate } from "../../src/templates/liquid";
import { utf8Length } from "../../src/templates/metered-output";
import { RubyContext } from "../../src/templates/ruby-context";
import { Liquid } from "liquidjs";

// Every expected output below is what Shopify's Ruby Liquid 5.4 prints for the
// same template and data (checked with ruby-liquid 5.4.0 in lax mode, TZ=UTC),
// unless the row says where edgehook deliberately differs.

const customer = {
  id: "1",
  email: "a@b.co",
  n: null,
  age: 30,
  ok: true,
  tags: ["a", "b"],
  nested: { x: 1.5 },
};

type Row = [name: string, template: string, scope: Record<string, unknown>, expected: string];

const render = (template: string, scope: Record<string, unknown> = {}) => renderTemplate(template, scope, "body");

/** Runs `fn` and returns the AppError it throws. */
function appErrorFrom(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected an AppError, but nothing was thrown");
}

describe("printing values the Ruby way", () => {
  it.each<Row>([
    ["a hash prints as Hash#inspect", "{{ customer }}", { customer }, '{"id"=>"1", "email"=>"a@b.co", "n"=>nil, "age"=>30, "ok"=>true, "tags"=>["a", "b"], "nested"=>{"x"=>1.5}}'],
    ["replace turns the inspected hash into JSON (nil stays nil)", '{{ customer | replace: "=>", ":" }}', { customer: { id: "1", email: "a@b.co", n: null } }, '{"id":"1", "email":"a@b.co", "n":nil}'],
    ["strings inside a hash are inspected", "{{ c }}", { c: { s: 'q"b\\s\nt\tü#{x} #a \u0001' } }, '{"s"=>"q\\"b\\\\s\\nt\\tü\\#{x} #a \\u0001"}'],
    ["an array in output is joined without a separator, nested arrays flattened", "{{ tags }}", { tags: ["a", "b", ["c", { x: 1 }], null, 2.5] }, 'abc{"x"=>1}2.5'],
    ["a string filter sees an array's to_s", "{{ tags | append: '!' }}", { tags: ["a", "b"] }, '["a", "b"]!'],
    ["a string filter sees a hash's to_s", "{{ c | append: '!' }}", { c: { a: [1, "x"] } }, '{"a"=>[1, "x"]}!'],
    ["a hash as a filter argument is inspected too", "{{ '' | append: c }}", { c: { a: 1 } }, '{"a"=>1}'],
    ["upcase on an array works on its inspect", "{{ a | upcase }}", { a: ["x"] }, '["X"]'],
    ["escape on a hash escapes its inspect", "{{ h | escape }}", { h: { a: "<b>" } }, "{&quot;a&quot;=&gt;&quot;&lt;b&gt;&quot;}"],
    ["an assigned hash still prints as a hash", "{% assign x = customer %}{{ x }}", { customer: { n: null } }, '{"n"=>nil}'],
    ["floats print like Float#to_s", "{{ a }} {{ b }} {{ c }}", { a: 1.5, b: 0.1, c: 1e-5 }, "1.5 0.1 1.0e-05"],
    // Differs from Ruby: JavaScript cannot tell 2.0 from 2, so whole numbers print as integers.
    ["a whole float prints as an integer (Ruby: 2.0)", "{{ 2.0 }}", {}, "2"],
    ["join flattens and inspects like Array#join", "{{ a | join: ', ' }}", { a: ["x", 1, null, ["y", "z"], { k: 1 }] }, 'x, 1, , y, z, {"k"=>1}'],
    ["join defaults to a space", "{{ a | join }}", { a: ["x", "y"] }, "x y"],
  ])("%s", (_name, template, scope, expected) => {
    expect(render(template, scope)).toBe(expected);
  });
});

describe("date", () => {
  it.each<Row>([
    ["%F %T on a Unix timestamp", "{{ 0 | date: '%F %T' }}", {}, "1970-01-01 00:00:00"],
    ["%F %T %D %R %s on a numeric string", "{{ '1700000000' | date: '%F %T %D %R %s' }}", {}, "2023-11-14 22:13:20 11/14/23 22:13 1700000000"],
    ["the usual conversions, in UTC", "{{ 1700000000 | date: '%Y %m %d %H %M %S %b %B %a %A %e %j %p %z %Z %y %I %l %k %u %w %%' }}", {}, "2023 11 14 22 13 20 Nov November Tue Tuesday 14 318 PM +0000 UTC 23 10 10 22 2 2 %"],
    ["an ISO string in UTC", "{{ '2024-01-02T03:04:05Z' | date: '%F %T %z %Z' }}", {}, "2024-01-02 03:04:05 +0000 UTC"],
    ["an ISO string keeps its own offset, and %Z is empty for it", "{{ '2024-01-02T03:04:05+02:00' | date: '%F %T %z [%Z] %s' }}", {}, "2024-01-02 03:04:05 +0200 [] 1704157445"],
    ["a date without a time is midnight UTC", "{{ '2024-01-02' | date: '%F %T %z' }}", {}, "2024-01-02 00:00:00 +0000"],
    ["a written-out date", "{{ 'March 14, 2016' | date: '%b %d, %y' }}", {}, "Mar 14, 16"],
    ["%c %x %X as Ruby defines them", "{{ t | date: '%c|%x|%X|%r' }}", { t: "2024-03-05T07:08:09Z" }, "Tue Mar  5 07:08:09 2024|03/05/24|07:08:09|07:08:09 AM"],
    ["flags and widths", "{{ t | date: '%-d %-m %^a %^B %_H %03d %L' }}", { t: "2024-03-05T07:08:09.123Z" }, "5 3 TUE MARCH  7 005 123"],
    ["an unreadable string is returned as is", "{{ 'garbage' | date: '%F' }}", {}, "garbage"],
    ["an empty format returns the input", "{{ 1700000000 | date: '' }}", {}, "1700000000"],
    ["a float is not a date", "{{ 1700000000.5 | date: '%s' }}", {}, "1700000000.5"],
    ["nil and empty print nothing", "[{{ nil | date: '%F' }}][{{ '' | date: '%F' }}]", {}, "[][]"],
    ["before the epoch", "{{ -1 | date: '%F' }}", {}, "1969-12-31"],
  ])("%s", (_name, template, scope, expected) => {
    expect(render(template, scope)).toBe(expected);
  });

  it.each(["now", "today", "NOW"])("'%s' is the current UTC date", (word) => {
    const before = new Date().toISOString().slice(0, 10);
    const printed = render(`{% assign t = '${word}' %}{{ t | date: "%F" }}`);
    const after = new Date().toISOString().slice(0, 10);
    expect([before, after]).toContain(printed);
  });
});

describe("maths with Ruby's Integer and Float rules", () => {
  it.each<Row>([
    ["Integer division floors", "{{ 7 | divided_by: 2 }}", {}, "3"],
    ["Integer division floors towards minus infinity", "{{ -7 | divided_by: 2 }}", {}, "-4"],
    ["a Float divisor gives a Float", "{{ 7 | divided_by: 2.0 }}", {}, "3.5"],
    ["a numeric string with a point is a Float", "{{ '7.0' | divided_by: 2 }}", {}, "3.5"],
    ["a numeric string without one is an Integer", "{{ '7' | divided_by: 2 }}", {}, "3"],
    ["modulo takes the divisor's sign", "{{ -7 | modulo: 3 }} {{ 7 | modulo: -3 }} {{ 5.5 | modulo: -2 }}", {}, "2 -2 -0.5"],
    ["plus, minus and times read numeric strings", "{{ '3' | plus: 2 }} {{ '3.5' | plus: 2 }} {{ 3 | minus: '1' }} {{ 3 | times: 1.5 }}", {}, "5 5.5 2 4.5"],
    ["String#to_i: leading digits count, others are 0", "{{ '12abc' | times: 2 }} {{ 'abc' | plus: 1 }} {{ nil | plus: 1 }} {{ '1_000' | plus: 0 }} {{ ' 42 ' | minus: 2 }}", {}, "24 1 1 1000 40"],
    ["Floats add as decimals (BigDecimal)", "{{ 0.1 | plus: 0.2 }} {{ 1.1 | times: 1.1 }} {{ 3 | minus: 0.1 }}", {}, "0.3 1.21 2.9"],
    ["Float division", "{{ 1 | divided_by: 3.0 }} {{ 10 | divided_by: 4.0 }}", {}, "0.3333333333333333 2.5"],
    // Differs from Ruby: 3.0 and 5.0 are whole, so they print as integers.
    ["whole Float results print as integers (Ruby: 3.0 5.0)", "{{ 0.3 | divided_by: 0.1 }} {{ 2 | times: 2.5 }}", {}, "3 5"],
    ["rounding reads numbers like Ruby", "{{ '3.7abc' | round }} {{ 2.5 | round }} {{ -2.5 | round }} {{ 1.005 | round: 2 }}", {}, "3 3 -3 1.01"],
    ["ceil, floor, abs, at_least, at_most", "{{ '4.2' | ceil }} {{ -4.2 | floor }} {{ '-3' | abs }} {{ 5 | at_least: '7' }} {{ 5 | at_most: 3 }}", {}, "5 -5 3 7 3"],
    ["the Customer.io attribute example", "{{ customer.lifetime_value | plus: response.amount }}", { customer: { lifetime_value: 10.5 }, response: { amount: "4.25" } }, "14.75"],
  ])("%s", (_name, template, scope, expected) => {
    expect(render(template, scope)).toBe(expected);
  });
});

describe("escaping and URLs", () => {
  it.each<Row>([
    ["escape is CGI.escapeHTML", "{{ s | escape }}", { s: `a&b<c>"d'e` }, "a&amp;b&lt;c&gt;&quot;d&#39;e"],
    ["customer.phone | escape", "{{ customer.phone | escape }}", { customer: { phone: "+1 <555>" } }, "+1 &lt;555&gt;"],
    ["h is escape", "{{ '<' | h }}", {}, "&lt;"],
    ["escape of a number", "{{ 5 | escape }}", {}, "5"],
    ["escape_once leaves entities alone", "{{ '&amp; &lt; &#39; &x <' | escape_once }}", {}, "&amp; &lt; &#39; &amp;x &lt;"],
    ["url_encode is CGI.escape", "{{ 'a b*c~d-e_f.g/h?i=j&k+l@m!n(o)p' | url_encode }}", {}, "a+b%2Ac~d-e_f.g%2Fh%3Fi%3Dj%26k%2Bl%40m%21n%28o%29p"],
    ["url_encode encodes UTF-8", "{{ 'é' | url_encode }}", {}, "%C3%A9"],
    ["url_encode of nil is nothing", "[{{ nil | url_encode }}]", {}, "[]"],
    ["url_decode is CGI.unescape", "{{ 'a+b%20c%2A' | url_decode }}", {}, "a b c*"],
    // Differs from Ruby, which fails with "invalid byte sequence in UTF-8": a malformed escape stays as written.
    ["url_decode keeps malformed escapes", "{{ '%zz%41%E9+%' | url_decode }}", {}, "%zz%41%E9 %"],
  ])("%s", (_name, template, scope, expected) => {
    expect(render(template, scope)).toBe(expected);
  });
});

describe("size, first, last", () => {
  it.each<Row>([
    ["size counts characters, not UTF-16 units", "{{ '😀a' | size }}", {}, "2"],
    [".size on a string counts characters", "{{ s.size }}", { s: "😀a" }, "2"],
    ["size of arrays and hashes", "{{ a.size }} {{ h.size }} {{ h | size }}", { a: [1, 2, 3], h: { a: 1, b: 2 } }, "3 2 2"],
    ["a hash's own size key wins for .size", "{{ h.size }}", { h: { size: "L" } }, "L"],
    ["Integer#size is 8, a Float has none", "{{ n.size }} [{{ f.size }}] {{ 5 | size }} {{ f | size }} {{ nil | size }}", { n: 12345, f: 1.5 }, "8 [] 8 0 0"],
    ["other filters count characters too", "{{ s | truncate: 5 }}|{{ s | slice: 0 }}", { s: "😀ébc de" }, "😀é...|😀"],
    ["first and last of an array", "{{ a | first }} {{ a | last }} {{ a.first }} {{ a.last }}", { a: [1, 2] }, "1 2 1 2"],
    ["first and last of a string are nil", "[{{ 'abc' | first }}][{{ 'abc' | last }}][{{ s.first }}]", { s: "abc" }, "[][][]"],
    ["first of a hash is its first pair", "{{ h | first }} {{ h.first }}", { h: { a: 1, b: 2 } }, "a1 a1"],
  ])("%s", (_name, template, scope, expected) => {
    expect(render(template, scope)).toBe(expected);
  });
});

describe("missing values, default, json, truthiness", () => {
  it.each<Row>([
    ["missing variables print nothing", "[{{ customer.missing.deep }}][{{ nope }}][{{ customer.name.x }}]", { customer: { name: "n" } }, "[][][]"],
    ["default replaces nil, false, '', [] and {}", "{{ nil | default: 'd' }}|{{ false | default: 'd' }}|{{ '' | default: 'd' }}|{{ a | default: 'd' }}|{{ h | default: 'd' }}", { a: [], h: {} }, "d|d|d|d|d"],
    ["default keeps 0 and a space", "{{ 0 | default: 'd' }}|{{ ' ' | default: 'd' }}", {}, "0| "],
    ["default with allow_false keeps false", "{{ false | default: 'd', allow_false: true }}", {}, "false"],
    ["json of a hash", "{{ customer | json }}", { customer: { name: 'A "q"', n: null } }, '{"name":"A \\"q\\"","n":null}'],
    ["json of a string, for a JSON body", '"name": {{ customer.name | json }}', { customer: { name: 'A "q"\n' } }, '"name": "A \\"q\\"\\n"'],
    ["json of a missing value is null", '{"x": {{ customer.none | json }}}', { customer: {} }, '{"x": null}'],
    ["0 is truthy", "{% if customer.zero %}yes{% endif %}", { customer: { zero: 0 } }, "yes"],
    ["an empty string is truthy", "{% if e %}yes{% endif %}", { e: "" }, "yes"],
    ["an empty array is truthy", "{% if a %}yes{% endif %}", { a: [] }, "yes"],
    ["nil and false are falsy", "{% if n %}yes{% else %}no{% endif %}{% if f %}yes{% else %}no{% endif %}{% unless n %}U{% endunless %}", { n: null, f: false }, "nonoU"],
    ["comparing a missing size is false, not an error", "{% if customer.company_url.size > 0 %}y{% else %}n{% endif %}", { customer: {} }, "n"],
    ["comparing a present size", "{% if customer.company_url.size > 0 %}y{% else %}n{% endif %}", { customer: { company_url: "x" } }, "y"],
    ["empty compares with empty arrays and hashes", "{% if a == empty %}E{% endif %}{% if h == empty %}H{% endif %}", { a: [], h: {} }, "EH"],
    ["iterating a hash gives [key, value] pairs", "{% for x in h %}[{{ x }}]{% endfor %}", { h: { a: 1, b: [2] } }, "[a1][b2]"],
  ])("%s", (_name, template, scope, expected) => {
    expect(render(template, scope)).toBe(expected);
  });
});

describe("lax stray quotes (Customer.io's Zendesk recipe)", () => {
  const scope = { customer: { firstName: "Ann", lastName: "Lee", email: "a@b.co" } };
  it.each<[string, string, string]>([
    ["a quote before }}", '{{customer.firstName"}}', "Ann"],
    ["a quote after {{", '{{ "customer.firstName }}', "Ann"],
    ["a single quote", "{{ customer.firstName' }}", "Ann"],
    ["inside a JSON body", '{\n  "name": "{{customer.firstName"}} {{customer.lastName}}",\n  "email": "{{customer.email}}"\n}', '{\n  "name": "Ann Lee",\n  "email": "a@b.co"\n}'],
  ])("%s", (_name, template, expected) => {
    expect(render(template, scope)).toBe(expected);
  });
});

describe("parseTemplate and isPlainText", () => {
  it("caches a parse by source", () => {
    const source = "{{ cached_parse_probe }}";
    expect(parseTemplate(source, "body")).toBe(parseTemplate(source, "url"));
  });

  it.each<[string, boolean]>([
    ["plain text", true],
    ['{"a": 1}', true],
    ["{ {x} }", true],
    ["{{ x }}", false],
    ["{% if x %}{% endif %}", false],
  ])("isPlainText(%j) is %s", (source, expected) => {
    expect(isPlainText(source)).toBe(expected);
  });

  it("renders plain text as is", () => {
    expect(render("no markup {here}")).toBe("no markup {here}");
  });
});

describe("syntax errors", () => {
  it.each<[name: string, template: string, line: number, column: number, reason: RegExp]>([
    ["an unclosed output", "Hello\n\n  {{ customer.name", 3, 3, /not closed/],
    ["if without endif", "line1\nab {% if customer %}\nyes", 2, 4, /not closed/],
    ["an unknown filter", "a\n  b {{ x | nope }}", 2, 5, /undefined filter: nope/],
    ["an unknown tag", "{% nope %}", 1, 1, /tag "nope" not found/],
    ["a stray endif", "x\n{% endif %}", 2, 1, /endif/],
    ["an output closed with one brace", "{{ 'x' }", 1, 1, /not closed/],
  ])("%s is invalid_template with field, line and column", (_name, template, line, column, reason) => {
    const error = appErrorFrom(() => parseTemplate(template, "body"));
    expect(error.code).toBe("invalid_template");
    expect(error.details).toEqual({ field: "body", line, column });
    expect(error.message).toMatch(new RegExp(`^body: line ${line}, column ${column}: `));
    expect(error.message).toMatch(reason);
  });

  it("renderTemplate reports syntax errors the same way", () => {
    const error = appErrorFrom(() => renderTemplate("{{ x | nope }}", {}, "headers.X-Test"));
    expect(error.code).toBe("invalid_template");
    expect(error.details).toMatchObject({ field: "headers.X-Test" });
  });

  it("a template over the parse limit is invalid_template", () => {
    const error = appErrorFrom(() => parseTemplate(`{{ x }}${" ".repeat(100_000)}`, "body"));
    expect(error.code).toBe("invalid_template");
    expect(error.message).toMatch(/parseLimit/);
  });
});

describe("render errors and limits", () => {
  it.each<[string, string]>([
    ["Integer division by zero", "{{ 7 | divided_by: 0 }}"],
    // Differs from Ruby, which prints "Infinity": no webhook wants that.
    ["Float division by zero", "{{ 7.5 | divided_by: 0 }}"],
    ["modulo by zero", "{{ 7 | modulo: 0 }}"],
  ])("%s is render_failed: divided by 0", (_name, template) => {
    const error = appErrorFrom(() => render(`\n\n${template}`));
    expect(error.code).toBe("render_failed");
    expect(error.message).toMatch(/^body: line 3, column 1: divided by 0$/);
    expect(error.details).toMatchObject({ field: "body" });
  });

  it.each<[string, string, RegExp]>([
    ["a huge range", "{% for i in (1..100000000) %}x{% endfor %}", /memoryLimit exceeded/],
    ["a string doubled in a loop", "{% assign s = 'ab' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}", /memoryLimit exceeded/],
    ["nested loops of cheap steps", "{% for i in (1..3000) %}{% for j in (1..3000) %}{{ j }}{% endfor %}{% endfor %}", /renderLimit exceeded/],
  ])("%s stops quickly with render_failed naming the limit", (_name, template, reason) => {
    const started = Date.now();
    const error = appErrorFrom(() => render(template));
    expect(error.code).toBe("render_failed");
    expect(error.message).toMatch(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a loop within the limits still renders", () => {
    expect(render("{% for i in (1..1000) %}{{ i | modulo: 10 }}{% endfor %}")).toHaveLength(1000);
  });

  it("counts template steps, since deployed workerd's clock stands still during a render", () => {
    const engine = new Liquid();
    const context = new RubyContext({}, engine, { renderMilliseconds: 60_000, renderSteps: 50 });
    const loop = engine.parse("{% for i in (1..100) %}{{ i }}{% endfor %}");
    expect(() => engine.renderSync(loop, context)).toThrow(/renderLimit exceeded: more than 50 template steps/);
  });
});

describe("output limits stop a field as it grows", () => {
  const limit = { bytes: 10, kind: "a test field" };

  it("a field at its limit in UTF-8 bytes renders; one byte more is payload_too_large naming field, limit and line", () => {
    expect(renderTemplate("{{ s }}", { s: "éééé" }, "x", limit)).toBe("éééé"); // 8 bytes
    expect(renderTemplate("{{ s }}{{ s }}", { s: "€a" }, "x", limit)).toBe("€a€a"); // 8 bytes
    const error = appErrorFrom(() => renderTemplate("ab\n{% for i in (1..3) %}{{ s }}{% endfor %}", { s: "éé" }, "attributes.x", limit));
    expect(error.code).toBe("payload_too_large");
    expect(error.message).toBe("attributes.x: renders to more than 10 bytes, the limit for a test field (passed at line 2, column 22)");
    expect(error.details).toMatchObject({ field: "attributes.x", limit_bytes: 10, line: 2, column: 22 });
  });

  it("plain text is held to the same limit", () => {
    expect(renderTemplate("0123456789", {}, "x", limit)).toBe("0123456789");
    expect(appErrorFrom(() => renderTemplate("0123456789!", {}, "x", limit)).code).toBe("payload_too_large");
  });

  it("the largest (a body's) applies when no limit is given", () => {
    const error = appErrorFrom(() => render("{% for i in (1..2000) %}{{ s }}{% endfor %}", { s: "x".repeat(1000) }));
    expect(error.message).toMatch(/^body: renders to more than 1000000 bytes, the limit for a body/);
  });

  it("3,000 loops over a 90 KB string stop after about 1 MB of output, not 270 MB", () => {
    const started = Date.now();
    const error = appErrorFrom(() => render("{% for i in (1..3000) %}{{ s }}{% endfor %}", { s: "x".repeat(90_000) }));
    expect(error.code).toBe("payload_too_large");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each(["a", "é", "€", "😀", "a😀é€", "\ud800", "x\udc00y", "\ud83d"])("utf8Length(%j) equals TextEncoder's length", (text) => {
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).byteLength);
  });
});

describe("memoryLimit also counts what capture collects", () => {
  it.each<[string, string]>([
    ["a capture doubled in a loop", "{% assign s = 'ab' %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s | size }}"],
    ["captures kept in an array", "{% for i in (1..2000) %}{% capture c %}{{ big }}{% endcapture %}{% assign kept = kept | push: c %}{% endfor %}"],
    ["a range of 9 million", "{% for i in (1..9000000) %}{% break %}{% endfor %}"],
  ])("%s is render_failed naming memoryLimit", (_name, template) => {
    const error = appErrorFrom(() => render(template, { big: "x".repeat(90_000) }));
    expect(error.code).toBe("render_failed");
    expect(error.message).toMatch(/line 1, column \d+: memoryLimit exceeded: a render may allocate at most 2000000 characters or items$/);
  });

  it("a capture within the limit still works", () => {
    expect(render("{% capture c %}{% for i in (1..3) %}{{ i }}{% endfor %}{% endcapture %}[{{ c }}]")).toBe("[123]");
  });
});

describe("tags that load files are refused at parse", () => {
  it.each<[tag: string, markup: string, line: number]>([
    ["include", "{% include 'footer' %}", 2],
    ["render", "{% render 'footer' %}", 2],
    ["layout", "{% layout 'base' %}", 2],
    ["layout", "{% layout none %}", 2],
    ["include", "{% liquid\n  include 'footer'\n%}", 3],
  ])("the %s tag in %j is invalid_template with its line and column", (tag, markup, line) => {
    const error = appErrorFrom(() => parseTemplate(`line one\n  ${markup}`, "body"));
    expect(error.code).toBe("invalid_template");
    expect(error.details).toMatchObject({ field: "body", line, column: 3 });
    expect(error.message).toContain(`{% ${tag} %} is not supported: an action's templates cannot load other templates`);
  });
});
