import { describe, expect, inject, it } from "vitest";
import { relay, sinkRequests, uniqueId } from "./relay";

// The README's Gist recipe, end to end over real HTTP under wrangler dev: a
// webhook action with the Gist guide's body, aimed at edgehook's own
// Gist-compatible endpoint, relayed upstream to a local fake Gist.

describe("the Gist recipe", () => {
  it("a triggered action with the guide's body reaches the upstream Gist as its message, with the upstream credentials", async () => {
    const account = uniqueId("gist");
    const upstream = uniqueId("gist-upstream");
    const upstreamKeys = { organization_id: "upstream-org", service_key: "upstream-service-key" };
    expect((await relay("PUT", `/v1/accounts/${account}`, { gist: { base_url: `${inject("sinkUrl")}/s/${upstream}`, ...upstreamKeys } })).status).toBe(201);
    const key = (await relay("POST", `/v1/accounts/${account}/keys`, { name: "customerio" })).body.key as string;

    const action = await relay(
      "PUT",
      `/v1/accounts/${account}/actions/in-app`,
      {
        url: `${inject("relayUrl")}/api/v1/messages`,
        headers: { "X-Bourbon-Organization-Id": account, "X-Gist-Service-Key": key },
        body: '{"messageId": "the-message-id", "userToken": "{{customer.id}}", "priority": 1, "properties": {"name": {{ customer.first_name | json }}, "plan": {{ customer.plan | json }}}}',
      },
      key,
    );
    expect(action.status).toBe(201);
    const trigger = await relay("POST", `/v1/accounts/${account}/actions/in-app/trigger`, { customer: { id: "42", first_name: "Ada", plan: "pro" } }, key);
    expect(trigger.status).toBe(202);

    const deadline = Date.now() + 20_000;
    let arrived = await sinkRequests(upstream);
    while (arrived.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      arrived = await sinkRequests(upstream);
    }
    expect(arrived).toHaveLength(1);
    const [request] = arrived;
    expect(JSON.parse(request!.body)).toMatchObject({ messageId: "the-message-id", userToken: "42", priority: 1, properties: { name: "Ada", plan: "pro" } });
    expect(request!.headers["x-bourbon-organization-id"]).toBe(upstreamKeys.organization_id);
    expect(request!.headers["x-gist-service-key"]).toBe(upstreamKeys.service_key);
  });
});
