import { describe, expect, it } from "vitest";
import { ADMIN, api, makeAccount, makeAction, target, uniqueId } from "../helpers";
import { csrfOf, signIn } from "./ui-client";

describe("action editor", () => {
  async function editor() {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get(`/ui/a/${account}/actions/new`)).text);
    const preview = (fields: Record<string, string>) =>
      client.request("POST", `/ui/a/${account}/actions/preview`, { json: fields, headers: { "x-csrf-token": token } });
    return { account, client, token, preview };
  }

  it("previews a draft with the sample customer, warnings included, and saves nothing", async () => {
    const { account, preview } = await editor();
    const answer = await preview({ url: "https://example.com/u/{{ customer.id }}", body: '{"email": "{{ customer.email }}"', headers: "X-Who: {{ customer.email }}", customer: '{"id": "7", "email": "a@b.co"}' });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text);
    expect(body.request).toMatchObject({ method: "POST", url: "https://example.com/u/7", body: '{"email": "a@b.co"', headers: { "X-Who": "a@b.co" } });
    expect(body.warnings.length).toBe(1);
    expect((await api("GET", `/v1/accounts/${account}/actions`)).body.actions).toEqual([]);
  });

  it("reports a Liquid error at its field and line", async () => {
    const { preview } = await editor();
    const body = JSON.parse((await preview({ url: "https://example.com", body: "line one\n{{ customer.id \n" })).text);
    expect(body.error).toMatchObject({ code: "invalid_template", field: "body", line: 2 });
  });

  it("renders attributes from a sample response", async () => {
    const { preview } = await editor();
    const body = JSON.parse((await preview({ url: "https://example.com", attributes: "plan = {{ response.plan }}", response: '{"status": 200, "body": {"plan": "pro"}}' })).text);
    expect(body.attributes).toEqual({ plan: "pro" });
  });

  it("saves through the API and shows its 400 for invalid Liquid without saving", async () => {
    const { account, client, token } = await editor();
    const bad = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "welcome", method: "POST", url: "https://example.com", body: "{% if %}" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("body: line 1");
    expect((await api("GET", `/v1/accounts/${account}/actions`)).body.actions).toEqual([]);

    const badHeader = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "welcome", method: "POST", url: "https://example.com", headers: "X-Fine: 1\nno separator here" });
    expect(badHeader.status).toBe(400);
    expect(badHeader.text).toContain("headers: line 2");
    const badId = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "no spaces", method: "POST", url: "https://example.com" });
    expect(badId.status).toBe(400);
    expect((await api("GET", `/v1/accounts/${account}/actions`)).body.actions).toEqual([]);

    const good = await client.post(`/ui/a/${account}/actions`, { _csrf: token, id: "welcome", method: "PUT", url: "https://example.com/{{customer.id}}", headers: "X-A: 1\nX-B: {{ customer.id }}", body: "{}", attributes: "seen = yes" });
    expect(good.status).toBe(303);
    expect(good.headers.get("location")).toBe(`/ui/a/${account}/actions/welcome?saved=1`);
    const saved = (await api("GET", `/v1/accounts/${account}/actions/welcome`)).body;
    expect(saved).toMatchObject({ method: "PUT", headers: { "X-A": "1", "X-B": "{{ customer.id }}" }, body: "{}", attributes: { seen: "yes" } });
  });

  it("test-sends the saved action and shows the target's response", async () => {
    const { account, client, token } = await editor();
    const sink = uniqueId("ui-test");
    await makeAction(account, { url: target(sink), body: '{"id":"{{customer.id}}"}' }, "ping");
    const answer = await client.request("POST", `/ui/a/${account}/actions/ping/test`, { json: { customer: '{"id": "9"}', event: "{}" }, headers: { "x-csrf-token": token } });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text);
    expect(body.response.status).toBe(200);
    expect(body.request.body).toBe('{"id":"9"}');
  });
});
