import { describe, expect, it } from "vitest";
import { api, makeAccount, makeAction } from "../helpers";

// Preview renders and sends nothing, so the public URL below is never reached.

/** Saves the action, then previews it; `ms` times the preview call alone. */
async function preview(action: Record<string, unknown>, input: Record<string, unknown>) {
  const account = await makeAccount();
  await makeAction(account, { url: "https://example.com/hook", ...action }, "hostile");
  const started = Date.now();
  const res = await api("POST", `/v1/accounts/${account}/actions/hostile/preview`, input);
  return { ...res, ms: Date.now() - started };
}

/** The reported shape: a ~84 KB template of 3,000 loops, each printing a 90 KB string (270 MB if nothing stops it). */
const threeThousandLoops = `{%assign s=customer.s%}{%assign a=(1..1)%}${"{%for i in a%}{{s}}{%endfor%}".repeat(3_000)}`;
const ninetyKb = "x".repeat(90_000);

describe("render limits: hostile templates end quickly with a 4xx", () => {
  it("3,000 loops over a 90 KB string: 413 naming the body and its limit, stopped as the output grows", async () => {
    const res = await preview({ body: threeThousandLoops }, { customer: { id: "1", s: ninetyKb } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(res.body.error.field).toBe("body");
    expect(res.body.error.message).toMatch(/^body: renders to more than 1000000 bytes, the limit for a body/);
    console.info(`hostile 3,000-loop preview answered ${res.status} in ${res.ms} ms`);
    expect(res.ms).toBeLessThan(5_000);
  });

  it.each([
    ["capture", "{% assign s = 'ab' %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s | size }}"],
    ["append", "{% assign s = 'ab' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}"],
  ])("a string doubled with %s in a loop: 400 naming memoryLimit", async (name, body) => {
    const res = await preview({ body }, { customer: { id: "1" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("render_failed");
    expect(res.body.error.message).toMatch(/^body: line 1, column \d+: memoryLimit exceeded/);
    console.info(`${name} doubling preview answered ${res.status} in ${res.ms} ms`);
    expect(res.ms).toBeLessThan(5_000);
  });

  it("an attribute that renders 13.5 MB: 413 naming the attribute, never a 200", async () => {
    const res = await preview(
      { attributes: { big: "{% for i in (1..150) %}{{ customer.s }}{% endfor %}" } },
      { customer: { id: "1", s: ninetyKb }, response: { status: 200, body: {} } },
    );
    expect(res.status).toBe(413);
    expect(res.body.error.field).toBe("attributes.big");
    expect(res.body.error.message).toMatch(/^attributes\.big: renders to more than 65536 bytes/);
  });

  it("a URL over 8 KB: 413 naming the URL", async () => {
    const res = await preview({ url: "https://example.com/{{ customer.s }}" }, { customer: { id: "1", s: "p".repeat(9_000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/^url: renders to more than 8192 bytes, the limit for a URL/);
  });

  it("a header value over 8 KB: 413 naming the header", async () => {
    const res = await preview({ headers: { "X-Big": "{{ customer.s }}" } }, { customer: { id: "1", s: "h".repeat(9_000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.field).toBe("headers.X-Big");
    expect(res.body.error.message).toMatch(/^headers\.X-Big: renders to more than 8192 bytes, the limit for a header value/);
  });
});

describe("render limits: what fits still renders", () => {
  it("a body just under 1,000,000 bytes of UTF-8 is previewed", async () => {
    const res = await preview({ body: "{% for i in (1..3000) %}{{ customer.s }}{% endfor %}", headers: { "Content-Type": "text/plain" } }, { customer: { id: "1", s: "€".repeat(111) } });
    expect(res.status).toBe(200);
    expect(res.body.request.body).toHaveLength(333_000); // 999,000 bytes
  });
});

describe("file tags are refused when the action is saved", () => {
  it.each([
    ["include", "{% include 'footer' %}"],
    ["render", "{% render 'footer', x: 1 %}"],
    ["layout", "{% layout 'base' %}"],
  ])("the %s tag: 400 invalid_template naming the tag, field and line", async (tag, markup) => {
    const account = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${account}/actions/files`, { url: "https://example.com/hook", body: `{\n  "a": 1\n}\n${markup}` });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_template");
    expect(res.body.error).toMatchObject({ field: "body", line: 4, column: 1 });
    expect(res.body.error.message).toContain(`{% ${tag} %} is not supported`);
    expect((await api("GET", `/v1/accounts/${account}/actions/files`)).status).toBe(404);
  });
});
