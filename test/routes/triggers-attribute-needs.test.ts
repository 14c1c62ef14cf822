import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { needsStoredAttributes } from "../../src/templates/attribute-needs";
import { api, makeAccount, makeAction, target, uniqueId } from "../helpers";

const action = (templates: { url?: string; body?: string; headers?: Record<string, string>; attributes?: Record<string, string> }) => ({
  method: "POST" as const,
  url: templates.url ?? "https://example.com/hook",
  headers: templates.headers ?? {},
  body: templates.body,
  attributes: templates.attributes ?? {},
});
const sent = { id: "c1", email: "ada@example.com" };

describe("needsStoredAttributes: skipped only when the trigger's own fields are all the templates can see", () => {
  it("not needed when every customer field named is in the trigger, in any template", () => {
    expect(needsStoredAttributes(action({ body: '{"id": "{{ customer.id }}", "email": {{ customer.email | json }}, "plan": "{{ event.plan }}"}' }), sent)).toBe(false);
    expect(needsStoredAttributes(action({ url: "https://example.com/{{ customer.id }}", headers: { "X-Email": "{{ customer.email }}" } }), sent)).toBe(false);
    expect(needsStoredAttributes(action({ body: "{% if customer.email %}{{ customer['id'] }}{% endif %}" }), sent)).toBe(false);
    expect(needsStoredAttributes(action({ body: '{"plain": [1, 2]}' }), sent)).toBe(false);
  });

  it.each([
    ["a field the trigger did not send", { body: "{{ customer.plan }}" }],
    ["such a field in a filter argument", { body: "{{ event.plan | default: customer.plan }}" }],
    ["such a field in a condition", { body: "{% if customer.vip %}yes{% endif %}" }],
    ["such a field in a header", { headers: { "X-Plan": "{{ customer.plan }}" } }],
    ["such a field in the URL", { url: "https://example.com/{{ customer.plan }}" }],
    ["such a field in an attribute template (rendered after the response)", { attributes: { total: "{{ customer.total | plus: response.amount }}" } }],
    ["the whole customer printed", { body: '{{ customer | replace: "=>", ":" }}' }],
    ["the whole customer iterated", { body: "{% for pair in customer %}{{ pair[0] }}{% endfor %}" }],
    ["the whole customer assigned", { body: "{% assign c = customer %}{{ c.plan }}" }],
    ["a field chosen at render time", { body: "{{ customer[event.field] }}" }],
    ["a root looked up by a computed name", { body: '{% assign k = "cust" | append: "omer" %}{{ [k].plan }}' }],
    ["the size of the customer hash", { body: "{{ customer.size }}" }],
    ["a custom tag the analysis cannot see into", { body: "{% ifchanged %}{{ customer.plan }}{% endifchanged %}" }],
    ["a liquid tag", { body: "{% liquid\necho customer.plan\n%}" }],
  ])("needed for %s", (_, templates) => {
    expect(needsStoredAttributes(action(templates), sent)).toBe(true);
  });
});

describe("a trigger renders stored attributes exactly when its templates can see them", () => {
  it("a stored field the trigger does not send is rendered; one it sends is the trigger's", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("needs")), body: "{{ customer.plan }}/{{ customer.email }}" });
    await env.ATTRIBUTES.put(`${account}:c1`, JSON.stringify({ plan: "gold", email: "stored@example.com" }));
    const accepted = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1", email: "sent@example.com" } });
    expect(accepted.status).toBe(202);
    const delivery = await api("GET", `/v1/accounts/${account}/deliveries/${accepted.body.delivery_id}`);
    expect(delivery.body.request.body).toBe("gold/sent@example.com");
  });
});
