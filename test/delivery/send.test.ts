import { describe, expect, it } from "vitest";
import { describeNetworkError } from "../../src/delivery/send";

describe("describeNetworkError", () => {
  it("names the host when workerd's opaque internal error is what a name that does not resolve gives", () => {
    expect(describeNetworkError("internal error; reference = 6l146mk9fjeqkmojhhc9rifs", "https://no-such-host.example/hook")).toBe(
      "network error: could not resolve host no-such-host.example",
    );
  });

  it.each([
    ["an IPv4 literal cannot fail to resolve", "internal error; reference = abc", "http://127.0.0.1:9/x", "network error: internal error; reference = abc"],
    ["nor can an IPv6 literal", "internal error; reference = abc", "http://[::1]:9/x", "network error: internal error; reference = abc"],
    ["other failures keep the runtime's words", "Network connection lost.", "https://example.com/x", "network error: Network connection lost."],
  ])("%s", (_, message, url, expected) => {
    expect(describeNetworkError(message, url)).toBe(expected);
  });
});
