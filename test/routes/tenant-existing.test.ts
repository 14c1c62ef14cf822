import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, makeKey, received, target, uniqueId } from "../helpers";

// accounts.test.ts probes another account's routes with ids that do not exist
// there, where a 404 would pass too. Here every resource exists in account B,
// B's own key proves it, and A's key must get exactly 403 on each.

async function accountWithEverything() {
  const key = uniqueId("tenant");
  const b = await makeAccount();
  const bKey = await makeKey(b, "b's key");
  await makeAction(b, { url: target(key, `json=${encodeURIComponent('{"lead_id":"L-1"}')}`), attributes: { lead_id: "{{ response.lead_id }}" } }, "x");
  const trigger = await api("POST", `/v1/accounts/${b}/actions/x/trigger`, { customer: { id: "c1" } });
  const deliveryId = trigger.body.delivery_id as string;
  await deliveryReaches(b, deliveryId, ["sent"]);
  return { key, b, bKey, deliveryId };
}

describe("tenant isolation for resources that exist", () => {
  it("a key of account A gets 403 on each of B's existing resources, which B's key reaches, and changes nothing", async () => {
    const { key, b, bKey, deliveryId } = await accountWithEverything();
    const a = await makeAccount();
    const { key: aKey } = await makeKey(a);

    // Reads: B's key gets 200, A's key 403.
    const reads: Array<[string, string, unknown?]> = [
      ["GET", `/v1/accounts/${b}`],
      ["GET", `/v1/accounts/${b}/keys`],
      ["GET", `/v1/accounts/${b}/actions`],
      ["GET", `/v1/accounts/${b}/actions/x`],
      ["POST", `/v1/accounts/${b}/actions/x/preview`, { customer: { id: "c1" } }],
      ["GET", `/v1/accounts/${b}/deliveries`],
      ["GET", `/v1/accounts/${b}/deliveries/${deliveryId}`],
      ["GET", `/v1/accounts/${b}/customers/c1/attributes`],
    ];
    for (const [method, path, body] of reads) {
      expect((await api(method, path, body, bKey.key)).status, `B: ${method} ${path}`).toBe(200);
      expect((await api(method, path, body, aKey)).status, `A: ${method} ${path}`).toBe(403);
    }

    // Writes and sends: A's key gets 403, and none of them happens.
    const writes: Array<[string, string, unknown?]> = [
      ["PUT", `/v1/accounts/${b}/actions/x`, { url: "https://example.com/taken" }],
      ["POST", `/v1/accounts/${b}/actions/x/test`, { customer: { id: "c1" } }],
      ["POST", `/v1/accounts/${b}/actions/x/trigger`, { customer: { id: "c1" } }],
      ["POST", `/v1/accounts/${b}/deliveries/${deliveryId}/replay`],
      ["DELETE", `/v1/accounts/${b}/customers/c1/attributes`],
      ["DELETE", `/v1/accounts/${b}/actions/x`],
      ["DELETE", `/v1/accounts/${b}/keys/${bKey.id}`],
    ];
    for (const [method, path, body] of writes) {
      expect((await api(method, path, body, aKey)).status, `A: ${method} ${path}`).toBe(403);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await received(key)).count).toBe(1);
    expect((await api("GET", `/v1/accounts/${b}/actions/x`, undefined, bKey.key)).body.url).toBe(target(key, `json=${encodeURIComponent('{"lead_id":"L-1"}')}`));
    expect((await api("GET", `/v1/accounts/${b}/deliveries`, undefined, bKey.key)).body.deliveries).toHaveLength(1);
    expect((await api("GET", `/v1/accounts/${b}/customers/c1/attributes`, undefined, bKey.key)).body.attributes).toEqual({ lead_id: "L-1" });
  });
});
