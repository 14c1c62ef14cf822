import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { api, makeAccount, makeAction, received, target, uniqueId } from "../helpers";

async function testSend(action: Record<string, unknown>, input: Record<string, unknown> = { customer: { id: "7", email: "a@b.co" } }) {
  const account = await makeAccount();
  await makeAction(account, action, "t");
  return { account, res: await api("POST", `/v1/accounts/${account}/actions/t/test`, input) };
}

describe("test send", () => {
  it("sends once to a real server and returns request, response and attributes", async () => {
    const key = uniqueId("ok");
    const { res } = await testSend({
      url: target(key, `json=${encodeURIComponent('{"lead_id":"L-1"}')}`),
      body: '{"email":"{{customer.email}}"}',
      attributes: { lead_id: "{{ response.lead_id }}" },
    });
    expect(res.status).toBe(200);
    expect(res.body.response.status).toBe(200);
    expect(res.body.response.headers["x-target"]).toBe("edgehook-test");
    expect(JSON.parse(res.body.response.body)).toEqual({ lead_id: "L-1" });
    expect(res.body.attributes).toEqual({ lead_id: "L-1" });

    const seen = await received(key);
    expect(seen.count).toBe(1);
    expect(seen.requests[0]!.method).toBe("POST");
    expect(seen.requests[0]!.body).toBe('{"email":"a@b.co"}');
    expect(seen.requests[0]!.headers["content-type"]).toBe("application/json");
    expect(seen.requests[0]!.headers["webhook-id"]).toMatch(/^test_/);
  });

  it("reports a 500 without setting attributes, and does not retry", async () => {
    const key = uniqueId("err");
    const { res } = await testSend({ url: target(key, "status=500"), attributes: { x: "{{ response.status }}" } });
    expect(res.status).toBe(200);
    expect(res.body.response.status).toBe(500);
    expect(res.body.attributes).toEqual({});
    expect((await received(key)).count).toBe(1);
  });

  it("gives up on a 5 s hang at the 4 s timeout", async () => {
    const key = uniqueId("hang");
    const started = Date.now();
    const { res } = await testSend({ url: target(key, "delay=5000") });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.response).toBeNull();
    expect(res.body.error).toMatch(/timed out after 4000 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(3_900);
    expect(elapsed).toBeLessThan(5_500); // the target answers at 5 s; the response assertion above is the real check
  });

  it("reports connection refused as an error", async () => {
    const { res } = await testSend({ url: inject("refusedUrl") });
    expect(res.body.response).toBeNull();
    expect(res.body.error).toMatch(/network error/);
  });

  it("does not follow redirects", async () => {
    const key = uniqueId("redirect");
    const { res } = await testSend({ url: target(key, `status=302&location=${encodeURIComponent(target(`${key}-2`))}`) });
    expect(res.body.response.status).toBe(302);
    expect((await received(`${key}-2`)).count).toBe(0);
  });

  it("stores nothing: no delivery, no attributes", async () => {
    const key = uniqueId("nostore");
    const { account } = await testSend({ url: target(key), attributes: { a: "1" } });
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
    expect((await api("GET", `/v1/accounts/${account}/customers/7/attributes`)).body.attributes).toEqual({});
    expect(await env.ATTRIBUTES.get(`${account}:7`)).toBeNull();
  });
});
