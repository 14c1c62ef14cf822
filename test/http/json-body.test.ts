import { describe, expect, it } from "vitest";
import { jsonDepth } from "../../src/http/json-body";

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
