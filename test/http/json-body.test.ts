import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { jsonDepth } from "../../src/http/json-body";
import { ADMIN } from "../helpers";

describe("jsonDepth", () => {
  it.each([
    ["a scalar", "42", 0],
    ["an empty object", "{}", 1],
    ["arrays in objects", '{"a": [[1], {"b": {}}]}', 4],
    ["brackets inside strings do not count", '{"a": "[[[{{{"}', 1],
    ["an escaped quote does not end the string", '{"a": "\\"[[[", "b": [1]}', 2],
    ["an escaped backslash before the closing quote", '{"a": "\\\\", "b": [[1]]}', 3],
  ])("%s", (_, text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it("stops counting once past the bound, so hostile input costs no more than needed", () => {
    expect(jsonDepth("[".repeat(100_000), 64)).toBe(65);
  });
});

describe("a request body over 1 MB", () => {
  const big = JSON.stringify({ customer: { id: "c1", note: "x".repeat(1_000_001) } });
  const send = (body: BodyInit) =>
    exports.default.fetch("http://edgehook.test/v1/accounts/nobody/actions/a/trigger", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body,
    });

  it("with its length declared: 413 before it is read", async () => {
    const res = await send(big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: "payload_too_large", message: expect.stringContaining(`${big.length} bytes`) });
  });

  it("streamed without a declared length: 413 once read, naming its size", async () => {
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    const res = await send(stream);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: "payload_too_large", message: expect.stringContaining(`${bytes.length} bytes`) });
  });

  it("multi-byte characters count as their UTF-8 bytes: 400,000 × 3 bytes is over", async () => {
    const body = JSON.stringify({ customer: { id: "c1", note: "€".repeat(400_000) } });
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream({ start: (controller) => (controller.enqueue(bytes), controller.close()) });
    const res = await send(stream);
    expect(res.status).toBe(413);
  });
});
