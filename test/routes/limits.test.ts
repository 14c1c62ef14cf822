import { describe, expect, it } from "vitest";
import { api, makeAccount, makeAction, target, uniqueId } from "../helpers";

// Each limit is pinned at its edge, as a number written here: the last value
// accepted and the first refused.

const base64Of = (bytes: number) => btoa(String.fromCharCode(...new Uint8Array(bytes).fill(7)));
const putAccount = (body: Record<string, unknown>, id = uniqueId("acct")) => api("PUT", `/v1/accounts/${id}`, body);

describe("account limits", () => {
  it.each([
    [23, 400],
    [24, 201],
    [64, 201],
    [65, 400],
  ])("a signing secret of %i bytes → %i", async (bytes, status) => {
    expect((await putAccount({ signing_secret: `whsec_${base64Of(bytes)}` })).status).toBe(status);
  });

  it.each([
    [10_000, 201],
    [10_001, 400],
  ])("concurrency %i → %i", async (concurrency, status) => {
    expect((await putAccount({ concurrency })).status).toBe(status);
  });

  it.each([
    [64, 201],
    [65, 400],
  ])("an account id of %i characters → %i", async (length, status) => {
    const id = `a${uniqueId("").replace(/[^a-z0-9]/g, "")}`.padEnd(length, "x").slice(0, length);
    expect((await putAccount({}, id)).status).toBe(status);
  });
});

describe("trigger limits", () => {
  async function account() {
    const id = await makeAccount();
    await makeAction(id, { url: target(uniqueId("limits")) });
    return id;
  }

  it.each([
    [256, 202],
    [257, 400],
  ])("a customer id of %i bytes → %i", async (bytes, status) => {
    const id = await account();
    const customerId = "é".repeat(Math.floor(bytes / 2)) + "x".repeat(bytes % 2);
    const res = await api("POST", `/v1/accounts/${id}/actions/a/trigger`, { customer: { id: customerId } });
    expect(res.status).toBe(status);
  });

  it.each([
    [256, 202],
    [257, 400],
  ])("an idempotency_key of %i characters → %i", async (length, status) => {
    const id = await account();
    const res = await api("POST", `/v1/accounts/${id}/actions/a/trigger`, { customer: { id: "c1" }, idempotency_key: "k".repeat(length) });
    expect(res.status).toBe(status);
  });
});

describe("attribute limits", () => {
  // Preview renders attributes as a delivery would, without storing them, so
  // the limit on a rendered value shows on its own here.
  it.each([
    [65_536, 200],
    [65_537, 413],
  ])("an attribute that renders to %i bytes → %i in preview", async (bytes, status) => {
    const account = await makeAccount();
    await makeAction(account, { url: "https://example.com/hook", attributes: { big: "{{ response.big }}" } });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/preview`, {
      customer: { id: "c1" },
      response: { body: { big: "x".repeat(bytes) } },
    });
    expect(res.status).toBe(status);
    if (status === 200) expect(res.body.attributes.big).toHaveLength(bytes);
    else expect(res.body.error.message).toMatch(/attributes\.big/);
  });
});
