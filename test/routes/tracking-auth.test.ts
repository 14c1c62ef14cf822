import { describe, expect, it } from "vitest";
import { api, ADMIN } from "../helpers";
import { post, watchQueue, writeKeyOfNewAccount } from "./tracking-client";

// The write key is a service key; the account comes from the key, never from the request.

const identify = { userId: "u1", traits: { email: "u1@example.com" } };

describe("accepted write keys", () => {
  it("a key as the HTTP Basic user name is accepted, and the events land under the key's account", async () => {
    const queue = watchQueue();
    const { account, key } = await writeKeyOfNewAccount();
    const res = await post("/v1/identify", identify, { key });
    expect(res).toEqual({ status: 200, body: { success: true } });
    const events = queue.eventsOf(account);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "identify", userId: "u1", traits: { email: "u1@example.com" } });
  });

  it("a key in the body's writeKey (analytics-node 2.0–3.0) is accepted, and writeKey is not stored in the event", async () => {
    const queue = watchQueue();
    const { account, key } = await writeKeyOfNewAccount();
    const res = await post("/v1/track", { writeKey: key, userId: "u1", event: "Signed Up" });
    expect(res.status).toBe(200);
    const batch = await post("/v1/batch", { writeKey: key, batch: [{ type: "track", userId: "u2", event: "E", writeKey: key }] });
    expect(batch.status).toBe(200);
    const events = queue.eventsOf(account);
    expect(events.map((e) => e.userId)).toEqual(["u1", "u2"]);
    expect(JSON.stringify(queue.messages())).not.toContain(key);
  });

  it("each key's events land under its own account, whoever sends them", async () => {
    const queue = watchQueue();
    const a = await writeKeyOfNewAccount();
    const b = await writeKeyOfNewAccount();
    expect((await post("/v1/track", { userId: "from-a", event: "E" }, { key: a.key })).status).toBe(200);
    expect((await post("/v1/track", { userId: "from-b", event: "E", writeKey: b.key })).status).toBe(200);
    expect(queue.eventsOf(a.account).map((e) => e.userId)).toEqual(["from-a"]);
    expect(queue.eventsOf(b.account).map((e) => e.userId)).toEqual(["from-b"]);
  });

  it("the Basic header decides when both are sent, as analytics-node 3.1 sends both", async () => {
    const queue = watchQueue();
    const a = await writeKeyOfNewAccount();
    const b = await writeKeyOfNewAccount();
    expect((await post("/v1/track", { userId: "u", event: "E", writeKey: b.key }, { key: a.key })).status).toBe(200);
    expect(queue.eventsOf(a.account)).toHaveLength(1);
    expect(queue.eventsOf(b.account)).toHaveLength(0);
  });
});

describe("refused write keys: 401, nothing queued", () => {
  async function expect401(res: { status: number; body: any }, message: RegExp) {
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
    expect(res.body.error.message).toMatch(message);
  }

  it("no key at all", async () => {
    const queue = watchQueue();
    await expect401(await post("/v1/identify", identify), /^Missing write key/);
    await expect401(await post("/v1/batch", { batch: [] }), /^Missing write key/);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it("an unknown key, in either place", async () => {
    const queue = watchQueue();
    await expect401(await post("/v1/identify", identify, { key: "ehk_not-a-real-key" }), /^Invalid or revoked/);
    await expect401(await post("/v1/identify", { ...identify, writeKey: "nope" }), /^Invalid or revoked/);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it("a revoked key stops working at once", async () => {
    const queue = watchQueue();
    const { account, key, keyId } = await writeKeyOfNewAccount();
    expect((await post("/v1/identify", identify, { key })).status).toBe(200);
    expect((await api("DELETE", `/v1/accounts/${account}/keys/${keyId}`)).status).toBe(204);
    await expect401(await post("/v1/identify", identify, { key }), /^Invalid or revoked/);
    await expect401(await post("/v1/identify", { ...identify, writeKey: key }), /^Invalid or revoked/);
    expect(queue.eventsOf(account)).toHaveLength(1);
  });

  it("a wrong Basic key is refused even when the body holds a valid writeKey", async () => {
    const { key } = await writeKeyOfNewAccount();
    await expect401(await post("/v1/identify", { ...identify, writeKey: key }, { key: "ehk_wrong" }), /^Invalid or revoked/);
  });

  it("Basic credentials that are not base64, a Bearer token, and the admin token are not write keys", async () => {
    await expect401(await post("/v1/identify", identify, { headers: { authorization: "Basic %%%" } }), /not valid base64/);
    const { key } = await writeKeyOfNewAccount();
    await expect401(await post("/v1/identify", identify, { headers: { authorization: `Bearer ${key}` } }), /^Missing write key/);
    await expect401(await post("/v1/identify", identify, { key: ADMIN }), /^Invalid or revoked/);
  });

  it("a bad key is refused before the body is looked at", async () => {
    await expect401(await post("/v1/identify", "{not json", { key: "ehk_wrong" }), /^Invalid or revoked/);
  });
});
