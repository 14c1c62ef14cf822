import { describe, expect, it } from "vitest";
import { secretBox } from "../../src/store/secret-box";
import {
  nextSigningSecrets,
  openSigningSecrets,
  previousSigningSecretExpiry,
  SIGNING_SECRET_OVERLAP_MS,
  signingSecretsInEffect,
} from "../../src/store/signing-secrets";

const HOUR = 60 * 60 * 1000;
const rotatedAt = new Date("2026-03-01T12:00:00.000Z");
const after = (ms: number) => new Date(rotatedAt.getTime() + ms);
const box = secretBox("k:" + btoa("K".repeat(32)));
const OLD = "whsec_old";
const NEW = "whsec_new";

describe("signing secrets in effect (the 24 h overlap)", () => {
  const rotated = { signing_secret: "new", previous_signing_secret: "old", signing_secret_rotated_at: rotatedAt.toISOString() };

  it.each([
    ["at the rotation", 0, ["new", "old"]],
    ["one hour later", HOUR, ["new", "old"]],
    ["just before 24 h", SIGNING_SECRET_OVERLAP_MS - 1, ["new", "old"]],
    ["at 24 h", SIGNING_SECRET_OVERLAP_MS, ["new"]],
    ["a week later", 7 * 24 * HOUR, ["new"]],
  ])("%s → %j", (_when, elapsed, expected) => {
    expect(signingSecretsInEffect(rotated, after(elapsed))).toEqual(expected);
  });

  it.each([
    ["no secret", {}, []],
    ["a secret never rotated", { signing_secret: "only" }, ["only"]],
    ["a previous secret without a rotation time", { signing_secret: "new", previous_signing_secret: "old" }, ["new"]],
    ["an unreadable rotation time", { ...rotated, signing_secret_rotated_at: "yesterday" }, ["new"]],
  ])("%s → %j", (_name, stored, expected) => {
    expect(signingSecretsInEffect(stored, rotatedAt)).toEqual(expected);
  });

  it("says until when the previous secret signs", () => {
    expect(previousSigningSecretExpiry(rotated, after(HOUR))?.toISOString()).toBe("2026-03-02T12:00:00.000Z");
    expect(previousSigningSecretExpiry(rotated, after(SIGNING_SECRET_OVERLAP_MS))).toBeNull();
  });
});

describe("signing secret changes on PUT", () => {
  async function opened(stored: Awaited<ReturnType<typeof nextSigningSecrets>>) {
    return {
      current: stored.signing_secret && (await box.open(stored.signing_secret)),
      previous: stored.previous_signing_secret && (await box.open(stored.previous_signing_secret)),
      rotated_at: stored.signing_secret_rotated_at,
    };
  }

  it("a first secret is sealed and is no rotation", async () => {
    const stored = await nextSigningSecrets(OLD, null, box, rotatedAt);
    expect(stored.signing_secret).toMatch(/^enc:v1:k:/);
    expect(await opened(stored)).toEqual({ current: OLD, previous: undefined, rotated_at: undefined });
  });

  it("a different secret keeps the replaced one with the rotation time", async () => {
    const first = await nextSigningSecrets(OLD, null, box, rotatedAt);
    const second = await nextSigningSecrets(NEW, first, box, rotatedAt);
    expect(await opened(second)).toEqual({ current: NEW, previous: OLD, rotated_at: rotatedAt.toISOString() });
    expect(await openSigningSecrets(second, box, after(HOUR))).toEqual([NEW, OLD]);
    expect(await openSigningSecrets(second, box, after(25 * HOUR))).toEqual([NEW]);
  });

  it("the same secret again, or none given, changes nothing", async () => {
    const rotated = await nextSigningSecrets(NEW, await nextSigningSecrets(OLD, null, box, rotatedAt), box, rotatedAt);
    for (const next of [NEW, undefined]) {
      expect(await nextSigningSecrets(next, rotated, box, after(HOUR))).toEqual(rotated);
    }
  });

  it("a kept previous secret is dropped once its overlap is over; the rotation time stays", async () => {
    const rotated = await nextSigningSecrets(NEW, await nextSigningSecrets(OLD, null, box, rotatedAt), box, rotatedAt);
    const later = await nextSigningSecrets(undefined, rotated, box, after(25 * HOUR));
    expect(await opened(later)).toEqual({ current: NEW, previous: undefined, rotated_at: rotatedAt.toISOString() });
  });

  it("a second rotation within the overlap keeps only the secret it replaces", async () => {
    const first = await nextSigningSecrets(OLD, null, box, rotatedAt);
    const second = await nextSigningSecrets(NEW, first, box, rotatedAt);
    const third = await nextSigningSecrets("whsec_newer", second, box, after(HOUR));
    expect(await opened(third)).toEqual({ current: "whsec_newer", previous: NEW, rotated_at: after(HOUR).toISOString() });
  });

  it("null clears both secrets", async () => {
    const rotated = await nextSigningSecrets(NEW, await nextSigningSecrets(OLD, null, box, rotatedAt), box, rotatedAt);
    expect(await nextSigningSecrets(null, rotated, box, after(HOUR))).toEqual({});
  });

  it("a legacy plain-text secret is compared as it is and sealed when kept or replaced", async () => {
    const legacy = { signing_secret: OLD };
    const kept = await nextSigningSecrets(OLD, legacy, box, rotatedAt);
    expect(kept.signing_secret).toMatch(/^enc:v1:k:/);
    expect(await opened(kept)).toEqual({ current: OLD, previous: undefined, rotated_at: undefined });
    const replaced = await nextSigningSecrets(NEW, legacy, box, rotatedAt);
    expect(replaced.previous_signing_secret).toMatch(/^enc:v1:k:/);
    expect(await opened(replaced)).toEqual({ current: NEW, previous: OLD, rotated_at: rotatedAt.toISOString() });
  });
});
