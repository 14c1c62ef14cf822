import { inject, describe, expect, it, vi } from "vitest";
import { consume, triggerHeld } from "../fixtures/held-queue";
import { api, makeAccount, makeAction, target, uniqueId } from "../helpers";

// The test target cannot answer with a large body (its options travel in the
// URL), so the one request to it is answered here: nothing leaves 127.0.0.1.
function answerWith(url: string, body: string, headers: Record<string, string> = {}) {
  const real = globalThis.fetch;
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const href = input instanceof Request ? input.url : String(input);
    if (href !== url) return real(input, init);
    return new Response(body, { status: 200, headers: { "content-type": "application/json", ...headers } });
  });
}

describe("the response in the delivery log", () => {
  it("keeps the first 65,536 bytes of a 100 KB body, while attribute templates read all of it", async () => {
    expect(inject("targetUrl")).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const key = uniqueId("big-response");
    const url = target(key);
    const account = await makeAccount();
    await makeAction(account, { url, attributes: { tail: "{{ response.tail }}" } });
    const body = `{"pad":"${"x".repeat(100_000)}","tail":"T-1"}`;
    const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
    const fetch = answerWith(url, body);
    try {
      await consume(messages);
    } finally {
      fetch.mockRestore();
    }
    const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).body;
    expect(delivery.status).toBe("sent");
    expect(delivery.error).toBeNull();
    expect(delivery.response.body).toHaveLength(65_536);
    expect(delivery.response.body).toBe(body.slice(0, 65_536));
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({ tail: "T-1" });
  });

  it("keeps a body of exactly 65,536 bytes whole", async () => {
    const key = uniqueId("edge-response");
    const url = target(key);
    const account = await makeAccount();
    await makeAction(account, { url });
    const body = "y".repeat(65_536);
    const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
    const fetch = answerWith(url, body);
    try {
      await consume(messages);
    } finally {
      fetch.mockRestore();
    }
    const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).body;
    expect(delivery.response.body).toBe(body);
  });

  // Attribute templates parse what was read: a body cut at 1,000,000 bytes is not JSON, so its tail never becomes an attribute.
  it.each([
    ["with a Content-Length (read whole when within the limit)", true],
    ["streamed, with no length", false],
  ])("reads no more than 1,000,000 bytes of a 1.1 MB answer, %s", async (_name, declared) => {
    const key = uniqueId("huge-response");
    const url = target(key);
    const account = await makeAccount();
    await makeAction(account, { url, attributes: { tail: "{{ response.tail }}" } });
    const body = `{"pad":"${"x".repeat(1_100_000)}","tail":"T-2"}`;
    const { res, messages } = await triggerHeld(account, { customer: { id: "c1" } });
    const fetch = answerWith(url, body, declared ? { "content-length": String(body.length) } : {});
    try {
      await consume(messages);
    } finally {
      fetch.mockRestore();
    }
    const delivery = (await api("GET", `/v1/accounts/${account}/deliveries/${res.body.delivery_id}`)).body;
    expect(delivery.status).toBe("sent");
    expect(delivery.response.body).toBe(body.slice(0, 65_536));
    // Not JSON once cut, so `response.tail` renders empty; read whole, it would be "T-2".
    expect((await api("GET", `/v1/accounts/${account}/customers/c1/attributes`)).body.attributes).toEqual({ tail: "" });
  });
});
