import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { secretBox } from "../../src/store/secret-box";
import { ADMIN, api, deliveryReaches, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

const OLD_SECRET = `whsec_${btoa("old-signing-secret-of-32-bytes!!")}`;
const NEW_SECRET = `whsec_${btoa("new-signing-secret-of-32-bytes!!")}`;
const OTHER_SECRET = `whsec_${btoa("some-other-secret-of-32-bytes!!!")}`;
const HOUR_MS = 60 * 60 * 1000;

type Seen = { body: string; headers: Record<string, string> };

/** Triggers the account's action and returns what the target server received. */
async function deliverOnce(account: string, key: string): Promise<Seen> {
  const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
  expect(res.status).toBe(202);
  await deliveryReaches(account, res.body.delivery_id, ["sent"]);
  const seen = await received(key);
  return seen.requests.at(-1)!;
}

/** Whether the Standard Webhooks reference library accepts the request under `secret`. */
function verifies(secret: string, { body, headers }: Seen): boolean {
  try {
    new Webhook(secret).verify(body, {
      "webhook-id": headers["webhook-id"]!,
      "webhook-timestamp": headers["webhook-timestamp"]!,
      "webhook-signature": headers["webhook-signature"]!,
    });
    return true;
  } catch {
    return false;
  }
}

async function accountWithRotatedSecret(key: string) {
  const account = await makeAccount({ signing_secret: OLD_SECRET });
  await makeAction(account, { url: target(key) });
  expect((await api("PUT", `/v1/accounts/${account}`, { signing_secret: NEW_SECRET })).status).toBe(200);
  return account;
}

/** Moves the stored rotation time back, as if that much time had passed since the rotation. */
async function ageRotation(account: string, byMs: number) {
  const stored = JSON.parse((await env.CONFIG.get(`acct:${account}`))!);
  stored.signing_secret_rotated_at = new Date(Date.parse(stored.signing_secret_rotated_at) - byMs).toISOString();
  await env.CONFIG.put(`acct:${account}`, JSON.stringify(stored));
}

describe("signing secret rotation, delivered", () => {
  it("signs with the new and the old secret for 24 h after a rotation; both verify", async () => {
    const key = uniqueId("rotated");
    const account = await accountWithRotatedSecret(key);
    const seen = await deliverOnce(account, key);
    const signatures = seen.headers["webhook-signature"]!.split(" ");
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifies(NEW_SECRET, seen)).toBe(true);
    expect(verifies(OLD_SECRET, seen)).toBe(true);
    expect(verifies(OTHER_SECRET, seen)).toBe(false);
  });

  it("still signs with both 23 h after the rotation", async () => {
    const key = uniqueId("rotated-23h");
    const account = await accountWithRotatedSecret(key);
    await ageRotation(account, 23 * HOUR_MS);
    const seen = await deliverOnce(account, key);
    expect(seen.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verifies(OLD_SECRET, seen)).toBe(true);
  });

  it("signs with the new secret only once 24 h have passed", async () => {
    const key = uniqueId("rotated-25h");
    const account = await accountWithRotatedSecret(key);
    await ageRotation(account, 25 * HOUR_MS);
    const seen = await deliverOnce(account, key);
    expect(seen.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(verifies(NEW_SECRET, seen)).toBe(true);
    expect(verifies(OLD_SECRET, seen)).toBe(false);
  });

  it("sends unsigned once the secret is cleared", async () => {
    const key = uniqueId("cleared");
    const account = await accountWithRotatedSecret(key);
    await api("PUT", `/v1/accounts/${account}`, { signing_secret: null });
    const seen = await deliverOnce(account, key);
    expect(seen.headers["webhook-signature"]).toBeUndefined();
    expect(seen.headers["webhook-id"]).toMatch(/^dlv_/);
  });

  it("the test send carries both signatures too", async () => {
    const key = uniqueId("rotated-test-send");
    const account = await accountWithRotatedSecret(key);
    const res = await api("POST", `/v1/accounts/${account}/actions/a/test`, { customer: { id: "c1" } });
    expect(res.status).toBe(200);
    const seen = (await received(key)).requests.at(-1)!;
    expect(verifies(NEW_SECRET, seen)).toBe(true);
    expect(verifies(OLD_SECRET, seen)).toBe(true);
  });

  it("signs with a secret stored in plain text by an earlier version", async () => {
    const key = uniqueId("legacy");
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const stored = JSON.parse((await env.CONFIG.get(`acct:${account}`))!);
    await env.CONFIG.put(`acct:${account}`, JSON.stringify({ ...stored, signing_secret: OLD_SECRET }));
    const seen = await deliverOnce(account, key);
    expect(seen.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(verifies(OLD_SECRET, seen)).toBe(true);
  });
});

describe("signing secrets that cannot be opened", () => {
  /** An account whose secret is sealed under a key the Worker's ENCRYPTION_KEY does not list. */
  async function accountSealedUnderAnotherKey(key: string) {
    const account = await makeAccount();
    await makeAction(account, { url: target(key) });
    const foreign = await secretBox(`gone:${btoa("G".repeat(32))}`).seal(OLD_SECRET);
    const stored = JSON.parse((await env.CONFIG.get(`acct:${account}`))!);
    await env.CONFIG.put(`acct:${account}`, JSON.stringify({ ...stored, signing_secret: foreign }));
    return account;
  }

  it("never sends unsigned: the delivery is retried, then fails with the reason naming ENCRYPTION_KEY", async () => {
    const key = uniqueId("unopenable");
    const account = await accountSealedUnderAnotherKey(key);
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
    const delivery = await deliveryReaches(account, res.body.delivery_id, ["failed"], 20_000);
    // RETRY_SCHEDULE is "1,1,1" in tests: the first attempt and three retries.
    expect(delivery.attempts).toHaveLength(4);
    for (const attempt of delivery.attempts) expect(attempt.error).toMatch(/^cannot sign: .*key id "gone", which ENCRYPTION_KEY does not list/);
    expect((await received(key)).count).toBe(0);
  });

  it("the test send answers 500 naming ENCRYPTION_KEY, without a stack, and sends nothing", async () => {
    const key = uniqueId("unopenable-test-send");
    const account = await accountSealedUnderAnotherKey(key);
    const res = await api("POST", `/v1/accounts/${account}/actions/a/test`, { customer: { id: "c1" } });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe("internal");
    expect(res.body.error.message).toMatch(/ENCRYPTION_KEY does not list/);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/);
    expect((await received(key)).count).toBe(0);
  });

  it("with ENCRYPTION_KEY missing, the test send of a signing account answers 500 naming it", async () => {
    const key = uniqueId("nokey-test-send");
    const account = await makeAccount({ signing_secret: OLD_SECRET });
    await makeAction(account, { url: target(key) });
    const res = await createApp().request(
      `/v1/accounts/${account}/actions/a/test`,
      { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: JSON.stringify({ customer: { id: "c1" } }) },
      { ...env, ENCRYPTION_KEY: undefined },
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("internal");
    expect(body.error.message).toMatch(/^ENCRYPTION_KEY is not set/);
    expect((await received(key)).count).toBe(0);
  });
});
