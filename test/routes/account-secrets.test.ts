import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env";
import { AppError } from "../../src/errors";
import { putAccount } from "../../src/store/accounts";
import { secretBox } from "../../src/store/secret-box";
import { api, uniqueId } from "../helpers";

const OLD_SECRET = `whsec_${btoa("old-signing-secret-of-32-bytes!!")}`;
const NEW_SECRET = `whsec_${btoa("new-signing-secret-of-32-bytes!!")}`;
const plaintexts = {
  signing: OLD_SECRET,
  reporting: "reporting-secret-123",
  organization: "gist-org-4711",
  serviceKey: "gist-service-key-abc",
};
const testBox = secretBox((env as Bindings).ENCRYPTION_KEY);

/** The account exactly as KV holds it. */
async function rawAccount(id: string): Promise<string> {
  const raw = await env.CONFIG.get(`acct:${id}`);
  if (raw === null) throw new Error(`no account ${id} in KV`);
  return raw;
}

async function createWithEverySecret() {
  const id = uniqueId("acct");
  const res = await api("PUT", `/v1/accounts/${id}`, {
    signing_secret: plaintexts.signing,
    reporting: { url: "https://example.com/r", secret: plaintexts.reporting },
    gist: { organization_id: plaintexts.organization, service_key: plaintexts.serviceKey },
  });
  expect(res.status).toBe(201);
  return { id, res };
}

describe("account secrets at rest", () => {
  it("stores no secret in plain text in KV, and each sealed one opens to what was sent", async () => {
    const { id } = await createWithEverySecret();
    const raw = await rawAccount(id);
    for (const secret of Object.values(plaintexts)) expect(raw).not.toContain(secret);
    // Nor their base64 (the signing secret is base64 already, its bytes would show decoded).
    expect(raw).not.toContain(btoa(plaintexts.reporting));

    const stored = JSON.parse(raw);
    for (const sealed of [stored.signing_secret, stored.reporting.secret, stored.gist.organization_id, stored.gist.service_key]) {
      expect(sealed).toMatch(/^enc:v1:test:/);
    }
    expect(await testBox.open(stored.signing_secret)).toBe(plaintexts.signing);
    expect(await testBox.open(stored.reporting.secret)).toBe(plaintexts.reporting);
    expect(await testBox.open(stored.gist.organization_id)).toBe(plaintexts.organization);
    expect(await testBox.open(stored.gist.service_key)).toBe(plaintexts.serviceKey);
  });

  it("keeps both signing secrets sealed after a rotation, and an unrelated update leaves them sealed", async () => {
    const { id } = await createWithEverySecret();
    expect((await api("PUT", `/v1/accounts/${id}`, { signing_secret: NEW_SECRET })).status).toBe(200);
    expect((await api("PUT", `/v1/accounts/${id}`, { concurrency: 7 })).status).toBe(200);
    const raw = await rawAccount(id);
    for (const secret of [...Object.values(plaintexts), NEW_SECRET]) expect(raw).not.toContain(secret);
    const stored = JSON.parse(raw);
    expect(await testBox.open(stored.signing_secret)).toBe(NEW_SECRET);
    expect(await testBox.open(stored.previous_signing_secret)).toBe(OLD_SECRET);
  });

  it("seals the secrets of an account written in plain text by an earlier version on its next write", async () => {
    const id = uniqueId("legacy");
    const at = new Date().toISOString();
    const legacy = {
      id,
      name: "Legacy",
      concurrency: 600,
      signing_secret: plaintexts.signing,
      reporting: { url: "https://example.com/r", secret: plaintexts.reporting },
      gist: { organization_id: plaintexts.organization, service_key: plaintexts.serviceKey },
      created_at: at,
      updated_at: at,
    };
    await env.CONFIG.put(`acct:${id}`, JSON.stringify(legacy));

    const read = await api("GET", `/v1/accounts/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ signing_secret_set: true, signing_secret_rotated_at: null });

    expect((await api("PUT", `/v1/accounts/${id}`, { name: "Renamed" })).status).toBe(200);
    const raw = await rawAccount(id);
    for (const secret of Object.values(plaintexts)) expect(raw).not.toContain(secret);
    const stored = JSON.parse(raw);
    expect(await testBox.open(stored.signing_secret)).toBe(plaintexts.signing);
    // Re-sealing is not a rotation.
    expect(stored.previous_signing_secret).toBeUndefined();
  });
});

describe("account secrets in the API", () => {
  it("shows when the signing secret was rotated and until when the old one signs, never a secret", async () => {
    const { id, res: created } = await createWithEverySecret();
    expect(created.body).toMatchObject({ signing_secret_set: true, signing_secret_rotated_at: null, previous_signing_secret_until: null });
    expect(created.body.gist).toEqual({ mode: "relay", base_url: null, organization_id_set: true, service_key_set: true });

    const before = Date.now();
    const rotated = await api("PUT", `/v1/accounts/${id}`, { signing_secret: NEW_SECRET });
    const rotatedAt = Date.parse(rotated.body.signing_secret_rotated_at);
    expect(rotatedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(rotated.body.previous_signing_secret_until) - rotatedAt).toBe(24 * 60 * 60 * 1000);

    const shown = JSON.stringify([created.body, rotated.body, (await api("GET", `/v1/accounts/${id}`)).body]);
    for (const secret of [...Object.values(plaintexts), NEW_SECRET, "enc:v1:"]) expect(shown).not.toContain(secret);
    expect(shown).not.toContain("previous_signing_secret\"");

    const cleared = await api("PUT", `/v1/accounts/${id}`, { signing_secret: null });
    expect(cleared.body).toMatchObject({ signing_secret_set: false, signing_secret_rotated_at: null, previous_signing_secret_until: null });
    const stored = JSON.parse(await rawAccount(id));
    expect(stored.signing_secret).toBeUndefined();
    expect(stored.previous_signing_secret).toBeUndefined();
  });

  it("putting the same signing secret again is not a rotation", async () => {
    const { id } = await createWithEverySecret();
    const again = await api("PUT", `/v1/accounts/${id}`, { signing_secret: plaintexts.signing });
    expect(again.body).toMatchObject({ signing_secret_set: true, signing_secret_rotated_at: null, previous_signing_secret_until: null });
  });
});

describe("account secrets: ENCRYPTION_KEY missing", () => {
  it("refuses to store a secret with a 500 naming ENCRYPTION_KEY, and stores nothing", async () => {
    const id = uniqueId("nokey") as Parameters<typeof putAccount>[1];
    const failure = await putAccount(env.CONFIG, id, { signing_secret: OLD_SECRET }, secretBox(undefined)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).status).toBe(500);
    expect((failure as AppError).toJSON().error.message).toMatch(/^ENCRYPTION_KEY is not set/);
    expect(await env.CONFIG.get(`acct:${id}`)).toBeNull();
  });

  it("still stores an account without secrets", async () => {
    const id = uniqueId("nokey") as Parameters<typeof putAccount>[1];
    const { account } = await putAccount(env.CONFIG, id, { name: "No secrets" }, secretBox(undefined));
    expect(account.name).toBe("No secrets");
  });
});
