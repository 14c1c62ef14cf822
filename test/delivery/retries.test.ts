import { describe, expect, inject, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

// vitest.config.ts sets RETRY_SCHEDULE=1,1,1: three retries, one second apart.

async function deliverTo(url: string, attributes: Record<string, string> = {}) {
  const account = await makeAccount();
  await makeAction(account, { url, attributes });
  const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });
  expect(res.status).toBe(202);
  return { account, id: res.body.delivery_id as string };
}

describe("retried answers", () => {
  it.each([408, 409, 429, 500, 503])("%i is retried, then sent", async (status) => {
    const key = uniqueId(`r${status}`);
    const { account, id } = await deliverTo(target(key, `fail=1&status=${status}`));
    const delivery = await deliveryReaches(account, id, ["sent", "failed"]);
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts.map((a: { status: number }) => a.status)).toEqual([status, 200]);
    const seen = await received(key);
    expect(seen.count).toBe(2);
    // The same webhook-id on every attempt, so receivers can dedupe.
    expect(seen.requests[0]!.headers["webhook-id"]).toBe(seen.requests[1]!.headers["webhook-id"]);
    expect(seen.requests[1]!.at - seen.requests[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("a timeout is retried", async () => {
    const key = uniqueId("timeout");
    const { account, id } = await deliverTo(target(key, "delay_first=5000"));
    const delivery = await deliveryReaches(account, id, ["sent", "failed"], 20_000);
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts[0].error).toMatch(/timed out after 4000 ms/);
    expect(delivery.attempts[0].duration_ms).toBeGreaterThanOrEqual(3_900);
    expect(delivery.attempts[1].status).toBe(200);
  });

  it("connection refused is retried until the schedule runs out, then failed", async () => {
    const { account, id } = await deliverTo(inject("refusedUrl"));
    const delivery = await deliveryReaches(account, id, ["failed"], 20_000);
    expect(delivery.attempts).toHaveLength(4);
    expect(delivery.attempts.every((a: { error?: string }) => /network error/.test(a.error ?? ""))).toBe(true);
    expect(delivery.error).toMatch(/gave up after 4 attempts/);
  });

  it("walks the whole RETRY_SCHEDULE end to end, then fails without writing attributes", async () => {
    const key = uniqueId("exhaust");
    const { account, id } = await deliverTo(target(key, "status=503"), { touched: "yes" });
    const delivery = await deliveryReaches(account, id, ["failed"], 20_000);
    expect(delivery.attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 503, 503]);
    const gaps = (await received(key)).requests.map((r, i, all) => (i ? r.at - all[i - 1]!.at : 0)).slice(1);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({});
  });

  it("goes retrying → sent for a target that fails twice, and the attribute appears", async () => {
    const key = uniqueId("twice");
    const json = encodeURIComponent('{"lead_id":"L-42"}');
    const { account, id } = await deliverTo(target(key, `fail=2&json=${json}`), { lead_id: "{{ response.lead_id }}" });
    const retrying = await deliveryReaches(account, id, ["retrying"]);
    expect(retrying.next_attempt_at).not.toBeNull();
    const sent = await deliveryReaches(account, id, ["sent"]);
    expect(sent.attempts.map((a: { status: number }) => a.status)).toEqual([500, 500, 200]);
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({ lead_id: "L-42" });
  });
});

describe("final answers", () => {
  it.each([400, 404, 410, 302])("%i is not retried", async (status) => {
    const key = uniqueId(`f${status}`);
    const { account, id } = await deliverTo(target(key, `status=${status}&location=/elsewhere`), { x: "1" });
    const delivery = await deliveryReaches(account, id, ["sent", "failed"]);
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.error).toBe(`receiver answered ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await received(key)).count).toBe(1);
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({});
  });
});
