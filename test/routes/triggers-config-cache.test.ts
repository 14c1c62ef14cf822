import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeliveryMessage } from "../../src/delivery/message";
import { CONFIG_CACHE_TTL_MS } from "../../src/store/config-cache";
import { limiterBindings, limiterQueue } from "../fixtures/held-queue";
import { api, makeAccount, makeAction as saveAction, makeKey, target, uniqueId } from "../helpers";

// The worker runs in this test's isolate, so its config cache is the one these
// requests fill. "Elsewhere" is a KV write that bypasses the store, as a write
// through another isolate (or the dashboard of the KV namespace) would.

/** Every action here sends to the local test target, never a public host. */
const makeAction = (account: string, overrides: Record<string, unknown> = {}) => saveAction(account, { url: target(uniqueId("cache")), ...overrides });

const trigger = (account: string, token?: string, action = "a", body: Record<string, unknown> = { customer: { id: "c1" } }) =>
  api("POST", `/v1/accounts/${account}/actions/${action}/trigger`, body, token);

async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Moves Date (and so the cache's clock) past the cache's bound; KV and the queue keep real time. */
function passTheCacheBound() {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + CONFIG_CACHE_TTL_MS + 1_000);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("a revoked service key", () => {
  it("revoked through the API stops working for triggers at once, though a trigger had just cached it", async () => {
    const account = await makeAccount();
    await makeAction(account);
    const key = await makeKey(account);
    expect((await trigger(account, key.key)).status).toBe(202);
    expect((await api("DELETE", `/v1/accounts/${account}/keys/${key.id}`)).status).toBe(204);
    const after = await trigger(account, key.key);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthorized");
  });

  it("revoked elsewhere stops working within the cache's bound", async () => {
    const account = await makeAccount();
    await makeAction(account);
    const key = await makeKey(account);
    expect((await trigger(account, key.key)).status).toBe(202);
    await env.CONFIG.delete(`keyhash:${await sha256Hex(key.key)}`);
    passTheCacheBound();
    expect((await trigger(account, key.key)).status).toBe(401);
    expect((await api("GET", `/v1/accounts/${account}`, undefined, key.key)).status).toBe(401);
  });

  it("a key created after a wrong one was presented works at once (misses are not cached)", async () => {
    const account = await makeAccount();
    await makeAction(account);
    expect((await trigger(account, "ehk_not-a-key-of-anyone")).status).toBe(401);
    const key = await makeKey(account);
    expect((await trigger(account, key.key)).status).toBe(202);
  });
});

describe("a changed action", () => {
  const rendered = async (account: string, id: string) => {
    const accepted = await trigger(account, undefined, "a", { customer: { id: "c1" } });
    expect(accepted.status).toBe(202);
    const delivery = await api("GET", `/v1/accounts/${account}/deliveries/${accepted.body.delivery_id}`);
    expect(delivery.status, `delivery ${id}`).toBe(200);
    return delivery.body.request.body as string;
  };

  it("saved through the API is what the very next trigger renders", async () => {
    const account = await makeAccount();
    await makeAction(account, { body: "version 1" });
    expect(await rendered(account, "first")).toBe("version 1");
    await makeAction(account, { body: "version 2" });
    expect(await rendered(account, "second")).toBe("version 2");
  });

  it("deleted through the API is not found by the very next trigger", async () => {
    const account = await makeAccount();
    await makeAction(account);
    expect((await trigger(account)).status).toBe(202);
    expect((await api("DELETE", `/v1/accounts/${account}/actions/a`)).status).toBe(204);
    expect((await trigger(account)).status).toBe(404);
  });

  it("changed elsewhere is rendered within the cache's bound", async () => {
    const account = await makeAccount();
    const saved = await makeAction(account, { body: "version 1" });
    expect(await rendered(account, "first")).toBe("version 1");
    await env.CONFIG.put(`acct:${account}:action:a`, JSON.stringify({ ...saved, body: "changed elsewhere" }));
    passTheCacheBound();
    expect(await rendered(account, "after the bound")).toBe("changed elsewhere");
  });

  it("an account's new shard takes the next trigger to the new limiter, where its delivery is found", async () => {
    const account = await makeAccount();
    await makeAction(account);
    expect((await trigger(account)).status).toBe(202);
    const shard = uniqueId("shard");
    expect((await api("PUT", `/v1/accounts/${account}`, { shard })).status).toBe(200);
    const accepted = await trigger(account);
    expect(accepted.status).toBe(202);
    expect((await api("GET", `/v1/accounts/${account}/deliveries/${accepted.body.delivery_id}`)).status).toBe(200);
  });
});

describe("triggers accepted together (group commit)", () => {
  it("with the call to the limiter busy, the waiting triggers go as one call: repeats of a key in it are duplicates, and each delivery is found at once", async () => {
    const account = await makeAccount();
    await makeAction(account);
    const bindings = await limiterBindings(`account:${account}`);
    const queue = limiterQueue(bindings, `account:${account}`);
    const real = queue.sendBatch.bind(queue);
    const sizes: number[] = [];
    const sendBatch = vi.spyOn(queue, "sendBatch").mockImplementation(async (messages, options) => {
      // Deliveries per call (a call's deliveries travel in one message).
      sizes.push([...messages].reduce((sum, m) => sum + (m.body as DeliveryMessage).deliveries.length, 0));
      await new Promise((resolve) => setTimeout(resolve, 300));
      return real(messages, options);
    });
    try {
      const key = (name: string) => ({ customer: { id: "c1" }, idempotency_key: `${name}-${account}` });
      // One call in flight fills the lane; the six after it wait and go together.
      const busy = [trigger(account, undefined, "a", key("busy"))];
      await new Promise((resolve) => setTimeout(resolve, 50));
      const grouped = ["x", "x", "y", "y", "z", "z"].map((name) => trigger(account, undefined, "a", key(name)));
      const answers = await Promise.all([...busy, ...grouped]);
      expect(answers.map((res) => res.status)).toEqual(Array(7).fill(202));
      expect(sizes).toEqual([1, 3]);
      const groupAnswers = answers.slice(1);
      for (const pair of [[0, 1], [2, 3], [4, 5]] as const) {
        const [first, second] = pair.map((index) => groupAnswers[index]!.body);
        expect(second.delivery_id).toBe(first.delivery_id);
        expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
      }
      expect(new Set(answers.map((res) => res.body.delivery_id)).size).toBe(4);
      for (const res of answers) {
        expect((await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).status).toBe(200);
      }
    } finally {
      sendBatch.mockRestore();
    }
  });
});
