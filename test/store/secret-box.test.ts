import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { isSealed, secretBox } from "../../src/store/secret-box";

const keyA = "a:" + btoa("A".repeat(32));
const keyB = "b:" + btoa("B".repeat(32));

/** The error a failed seal or open rejects with, checked to be a 500 that names the setting. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => expect.unreachable("expected a failure"),
    (caught: unknown) => caught,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(500);
  return err as AppError;
}

describe("secret box", () => {
  it("seals to enc:v1 with the key id, and opens back", async () => {
    const box = secretBox(keyA);
    const sealed = await box.seal("whsec_top-secret ✓");
    expect(sealed).toMatch(/^enc:v1:a:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("top-secret");
    expect(isSealed(sealed)).toBe(true);
    expect(await box.open(sealed)).toBe("whsec_top-secret ✓");
  });

  it("uses a fresh IV each time", async () => {
    const box = secretBox(keyA);
    expect(await box.seal("same")).not.toBe(await box.seal("same"));
  });

  it("reads a value without the enc:v1: prefix as legacy plain text, even with no key set", async () => {
    expect(await secretBox(keyA).open("whsec_written-before-encryption")).toBe("whsec_written-before-encryption");
    expect(await secretBox(undefined).open("plain")).toBe("plain");
    expect(isSealed("plain")).toBe(false);
  });

  it("keeps one box per setting, so imported keys are reused", () => {
    expect(secretBox(keyA)).toBe(secretBox(keyA));
    expect(secretBox(keyA)).not.toBe(secretBox(`${keyB},${keyA}`));
  });
});

describe("secret box: rotating ENCRYPTION_KEY", () => {
  it("opens a value sealed under the old key once the old key is listed second, and seals under the new one", async () => {
    const sealedUnderA = await secretBox(keyA).seal("s3cret");
    const rotated = secretBox(`${keyB}, ${keyA}`);
    expect(await rotated.open(sealedUnderA)).toBe("s3cret");
    expect(await rotated.seal("s3cret")).toMatch(/^enc:v1:b:/);
  });

  it("reseal moves old-key and legacy values to the first key and leaves current ones alone", async () => {
    const sealedUnderA = await secretBox(keyA).seal("s3cret");
    const rotated = secretBox(`${keyB},${keyA}`);
    const moved = await rotated.reseal(sealedUnderA);
    expect(moved).toMatch(/^enc:v1:b:/);
    expect(await rotated.open(moved)).toBe("s3cret");
    expect(await rotated.reseal(moved)).toBe(moved);
    const fromLegacy = await rotated.reseal("legacy-plain");
    expect(fromLegacy).toMatch(/^enc:v1:b:/);
    expect(await rotated.open(fromLegacy)).toBe("legacy-plain");
  });
});

describe("secret box: failures", () => {
  it("refuses a tampered ciphertext, IV or key id", async () => {
    const box = secretBox(keyA);
    const sealed = await box.seal("s3cret");
    const [prefix, version, kid, iv, ciphertext] = sealed.split(":") as [string, string, string, string, string];
    const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);
    for (const tampered of [
      [prefix, version, kid, iv, flip(ciphertext)].join(":"),
      [prefix, version, kid, flip(iv), ciphertext].join(":"),
      `${sealed}A`,
    ]) {
      expect((await failure(box.open(tampered))).message).toMatch(/does not decrypt with ENCRYPTION_KEY key "a"/);
    }
    // The same key under another id: the key id is authenticated, so this fails too.
    const sameKeyOtherId = secretBox(`z:${btoa("A".repeat(32))}`);
    expect((await failure(sameKeyOtherId.open([prefix, version, "z", iv, ciphertext].join(":")))).message).toMatch(/does not decrypt/);
  });

  it("names an unknown key id and says which ones ENCRYPTION_KEY lists", async () => {
    const sealed = await secretBox(keyA).seal("s3cret");
    const err = await failure(secretBox(keyB).open(sealed));
    expect(err.code).toBe("internal");
    expect(err.message).toMatch(/key id "a", which ENCRYPTION_KEY does not list \(it lists b\)/);
  });

  it("refuses a value with the prefix but the wrong shape", async () => {
    expect((await failure(secretBox(keyA).open("enc:v1:a:only-two"))).message).toMatch(/not a valid enc:v1 value/);
  });

  it("fails clearly when ENCRYPTION_KEY is missing", async () => {
    for (const setting of [undefined, "", " , "]) {
      const err = await failure(secretBox(setting).seal("s3cret"));
      expect(err.message).toMatch(/^ENCRYPTION_KEY is not set/);
      expect(err.message).toContain("wrangler secret put ENCRYPTION_KEY");
    }
    const sealed = await secretBox(keyA).seal("s3cret");
    expect((await failure(secretBox(undefined).open(sealed))).message).toMatch(/^ENCRYPTION_KEY is not set/);
  });

  it.each([
    ["no key id", btoa("A".repeat(32)), /entry 1: its key id/],
    ["an empty key id", `:${btoa("A".repeat(32))}`, /entry 1: its key id/],
    ["a key id outside the alphabet", `k!:${btoa("A".repeat(32))}`, /entry 1: its key id/],
    ["a key of 16 bytes", `k:${btoa("A".repeat(16))}`, /entry 1: its key must be base64 of exactly 32 bytes/],
    ["a key that is not base64", "k:not base64!!", /entry 1: its key must be base64/],
    ["the same key id twice", `${keyA},a:${btoa("C".repeat(32))}`, /entry 2: key id "a" is listed twice/],
    ["a bad second entry", `${keyA},b:short`, /entry 2: its key must be/],
  ])("refuses a malformed ENCRYPTION_KEY: %s", async (_name, setting, message) => {
    const err = await failure(secretBox(setting).seal("s3cret"));
    expect(err.message).toMatch(/^ENCRYPTION_KEY is malformed/);
    expect(err.message).toMatch(message);
    // Key material is never echoed back.
    expect(err.message).not.toContain(btoa("A".repeat(32)));
  });
});
