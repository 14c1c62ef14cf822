import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { ActionInput } from "../../src/store/actions";
import { literalSchemeAndHost, validateAction } from "../../src/templates/validate-action";

const action = (url: string) => ActionInput.parse({ url });
const off = { allowPrivate: false };

describe("literalSchemeAndHost", () => {
  it.each<[string, string | null]>([
    ["http://127.0.0.1/x", "http://127.0.0.1/"],
    ["  HTTPS://10.0.0.1", "HTTPS://10.0.0.1/"],
    ["http://10.0.0.1:{{ customer.port }}/x", "http://10.0.0.1/"],
    ["https://user:{{ customer.password }}@192.168.1.1/hook", "https://192.168.1.1/"],
    ["http://[::1]:8080/x", "http://[::1]/"],
    ["http://0x7f.1/?q={{ x }}", "http://0x7f.1/"],
    ["https://{{ customer.host }}/x", null],
    ["https://api.{{ customer.region }}.example.com/x", null],
    ["http://10.0.0.{{ customer.n }}/x", null],
    ["{% if customer.eu %}https://10.0.0.1{% endif %}/x", null],
    ["https:///x", null],
  ])("%j → %j", (source, expected) => {
    expect(literalSchemeAndHost(source)).toBe(expected);
  });
});

describe("validateAction: targets written literally", () => {
  it.each(["http://127.0.0.1/x", "http://10.0.0.1/", "http://localhost:8080/x", "https://user:secret@169.254.169.254/x", "http://[::ffff:127.0.0.1]/x"])(
    "%s is target_not_allowed when private targets are off",
    (url) => {
      let error: unknown;
      try {
        validateAction(action(url), off);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("target_not_allowed");
      expect((error as AppError).message).toMatch(/private targets are disabled/);
      expect((error as AppError).message).not.toContain("secret");
    },
  );

  it.each(["https://{{ customer.host }}/x", "https://example.com/{{ customer.id }}", "https://203.0.113.5/x"])("%s passes when private targets are off", (url) => {
    expect(() => validateAction(action(url), off)).not.toThrow();
  });

  it("a private literal passes when private targets are on (local development)", () => {
    expect(() => validateAction(action("http://127.0.0.1:8080/x"), { allowPrivate: true })).not.toThrow();
  });
});
