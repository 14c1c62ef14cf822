import { describe, expect, it } from "vitest";
import { api, makeAccount, makeAction } from "../helpers";
import * as recipes from "../fixtures/recipes";

async function preview(action: Record<string, unknown>, input: Record<string, unknown> = { customer: recipes.customer }) {
  const account = await makeAccount();
  await makeAction(account, action, "recipe");
  return api("POST", `/v1/accounts/${account}/actions/recipe/preview`, input);
}

const basic = (credentials: string) => `Basic ${btoa(credentials)}`;
const today = new Date().toISOString().slice(0, 10);

describe("preview: the Customer.io recipes", () => {
  it("Zendesk: credentials in the URL become Basic auth and leave the URL", async () => {
    const res = await preview(recipes.zendesk, { customer: recipes.customer, event: { feedback: "Too pricey" } });
    expect(res.status).toBe(200);
    const { request, warnings } = res.body;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://acme.zendesk.com/api/v2/tickets.json");
    expect(request.headers.Authorization).toBe(basic("agent@example.com:s3cret"));
    expect(request.headers["Content-Type"]).toBe("application/json");
    expect(warnings).toEqual([]);
    expect(JSON.parse(request.body)).toEqual({
      ticket: {
        subject: "Analytical Engines has canceled their account.",
        comment: { body: "Too pricey" },
        requester: { name: "Ada Lovelace", email: "ada@example.com" },
      },
    });
  });

  it("Trello: query-string credentials stay in the URL", async () => {
    const { request, warnings } = (await preview(recipes.trello)).body;
    expect(request.url).toBe("https://api.trello.com/1/cards?key=trello-key&token=trello-token");
    expect(request.headers.Authorization).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(JSON.parse(request.body)).toMatchObject({ name: "Schedule call with Ada", due: "null", desc: "The customer can be reached at ada@example.com." });
  });

  it("Lob: an API key with an empty password", async () => {
    const { request } = (await preview(recipes.lob)).body;
    expect(request.url).toBe("https://api.lob.com/v1/postcards");
    expect(request.headers.Authorization).toBe(basic("test_lobkey:"));
    const body = JSON.parse(request.body);
    expect(body.to).toMatchObject({ name: "Ada Lovelace", address_line1: "12 St James's Square", address_line2: "", address_state: "LDN" });
    expect(body.back).toContain("Hi Ada, Thanks");
  });

  it("Help Scout: 'now' | date: \"%F\" prints today's date", async () => {
    const { request, warnings } = (await preview(recipes.helpScout)).body;
    expect(warnings).toEqual([]);
    const body = JSON.parse(request.body);
    expect(body.createdAt).toBe(today);
    expect(body.threads[0].createdAt).toBe(today);
    expect(body.threads[0].body).toBe('Great engine \n \n Rating: 9');
    expect(body.subject).toBe("Low NPS rating from customer Ada Lovelace");
  });

  it("Close.io: a key as the user name, and .size in conditions", async () => {
    const { request } = (await preview(recipes.closeIo)).body;
    expect(request.headers.Authorization).toBe(basic("close-key:"));
    const body = JSON.parse(request.body);
    expect(body.url).toBe("mycompany.com"); // company_url is empty
    expect(body.custom.Source).toBe("referral");
    expect(body.contacts[0].phones[0].phone).toBe("+15551234567");
  });

  it("Twilio WhatsApp: a form body is sent as written", async () => {
    const { request, warnings } = (await preview(recipes.twilioWhatsApp)).body;
    expect(request.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
    expect(request.headers.Authorization).toBe("Basic QUMxMjM6dG9rZW4=");
    expect(request.body).toBe("Body=Your%20order%20shipped\n&To=whatsapp%3A+15551234567\n&From=whatsapp%3A%2B14155238886");
    expect(warnings).toEqual([]);
  });

  it("Gist: the in-app message body", async () => {
    const { request } = (await preview(recipes.gist)).body;
    expect(request.headers["X-Gist-Service-Key"]).toBe("gist-key");
    expect(JSON.parse(request.body)).toEqual({ messageId: "the-message-id", userToken: "42", priority: 1 });
  });

  it("prints the whole customer as JSON with replace: \"=>\", \":\"", async () => {
    const body = '{\n"customer":\n{{ customer | replace: "=>", ":"}}\n}';
    const { request, warnings } = (await preview({ url: "https://example.com", body }, { customer: { id: "1", email: "win@customer.io" } })).body;
    expect(warnings).toEqual([]);
    expect(JSON.parse(request.body)).toEqual({ customer: { id: "1", email: "win@customer.io" } });
  });
});

describe("preview: rendering rules", () => {
  it("renders attributes against a sample response", async () => {
    const res = await preview(
      { url: "https://example.com", attributes: { lifetime_value: "{{ customer.lifetime_value | plus: response.amount }}", lead_id: "{{ response.lead.id }}", code: "{{ response.status }}" } },
      { customer: { id: "1", lifetime_value: 10 }, response: { status: 201, body: { amount: 5, lead: { id: "L-9" } } } },
    );
    expect(res.status).toBe(200);
    expect(res.body.attributes).toEqual({ lifetime_value: 15, lead_id: "L-9", code: 201 });
  });

  it("warns, with line and column, when a JSON body is not JSON", async () => {
    const res = await preview({ url: "https://example.com", body: '{\n  "a": {{ customer.id }}\n  "b": 2\n}' }, { customer: { id: "1" } });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([`body is not valid JSON at line 3, column 3: expected ',' or '}', found "\\""`]);
    const missing = await preview({ url: "https://example.com", body: '{"b": {{ customer.missing }}}' }, { customer: { id: "1" } });
    expect(missing.body.warnings).toEqual([`body is not valid JSON at line 1, column 7: expected a value, found "}"`]);
  });

  it("does not check JSON for other content types", async () => {
    const res = await preview({ url: "https://example.com", headers: { "content-type": "text/plain" }, body: "hello {{customer.id}}" }, { customer: { id: "1" } });
    expect(res.body.request.body).toBe("hello 1");
    expect(res.body.request.headers).toEqual({ "content-type": "text/plain" });
    expect(res.body.warnings).toEqual([]);
  });

  it("prints missing variables as nothing", async () => {
    const res = await preview({ url: "https://example.com/{{ customer.nope.deeper }}x", body: "{{ event.nothing }}" }, { customer: {} });
    expect(res.body.request.url).toBe("https://example.com/x");
    expect(res.body.request.body).toBe("");
  });
});

describe("preview: bad input", () => {
  it("refuses a header value that renders with CR/LF", async () => {
    const res = await preview({ url: "https://example.com", headers: { "X-Name": "{{ customer.name }}" } }, { customer: { name: "a\r\nX-Injected: 1" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/headers\.X-Name.*CR/);
  });

  // A scheme other than http(s) cannot render: a URL template must start with http:// or https:// to be saved.
  it("refuses a URL that renders invalid (a port out of range)", async () => {
    const res = await preview({ url: "https://example.com{{ customer.path }}" }, { customer: { path: ":99999" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("target_not_allowed");
    expect(res.body.error.message).toMatch(/not a valid absolute URL/);
  });

  it("refuses a body that renders larger than 1 MB", async () => {
    const res = await preview(
      { url: "https://example.com", body: "{% for i in (1..2000) %}{{ customer.blob }}{% endfor %}" },
      { customer: { blob: "x".repeat(1000) } },
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it.each([
    ["loops too long", "{% for i in (1..3000) %}{% for j in (1..3000) %}x{% endfor %}{% endfor %}", /renderLimit exceeded/],
    ["allocates a range too large", "{% for i in (1..100000000) %}x{% endfor %}", /memoryLimit exceeded/],
  ])("refuses a template that %s", async (_name, body, message) => {
    const res = await preview({ url: "https://example.com", body }, { customer: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("render_failed");
    expect(res.body.error.message).toMatch(message);
  });

  it("needs a customer object", async () => {
    const account = await makeAccount();
    await makeAction(account, {}, "a");
    const res = await api("POST", `/v1/accounts/${account}/actions/a/preview`, { customer: "nope" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^customer/);
  });

  it("answers 404 for an unknown action", async () => {
    const account = await makeAccount();
    const res = await api("POST", `/v1/accounts/${account}/actions/ghost/preview`, { customer: {} });
    expect(res.status).toBe(404);
  });
});

describe("preview: URLs and headers at the edges", () => {
  it("refuses a header that renders characters above U+00FF", async () => {
    const res = await preview({ url: "https://example.com", headers: { "X-Name": "{{ customer.name }}" } }, { customer: { name: "Łukasz" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/headers\.X-Name/);
  });

  it("takes a stray % in URL credentials literally", async () => {
    const res = await preview({ url: "https://user:p%ss@example.com/x" }, { customer: {} });
    expect(res.status).toBe(200);
    expect(res.body.request.headers.Authorization).toBe(`Basic ${btoa("user:p%ss")}`);
  });

  it("never echoes URL credentials in an error", async () => {
    const res = await preview({ url: "https://user:hunter2@{{ customer.host }}/x" }, { customer: { host: "exa mple.com" } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
  });
});
