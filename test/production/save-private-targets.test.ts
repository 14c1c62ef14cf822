import { describe, expect, it } from "vitest";
import { api, makeAccount, makeAction } from "../helpers";

// This project runs with ALLOW_PRIVATE_TARGETS=false, as a deployment does.
// Nothing here is sent: saving an action only validates it.

async function save(url: string) {
  const account = await makeAccount();
  const res = await api("PUT", `/v1/accounts/${account}/actions/a`, { url, body: '{"id":"{{customer.id}}"}' });
  const stored = await api("GET", `/v1/accounts/${account}/actions/a`);
  return { res, stored };
}

describe("saving an action whose URL names a private host literally (ALLOW_PRIVATE_TARGETS=false)", () => {
  it.each([
    "http://127.0.0.1/x",
    "http://10.0.0.1/",
    "http://2130706433/hook",
    "http://0x7f.1/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:8080/hook",
    "http://10.0.0.1:{{ customer.port }}/x",
    "https://user:hunter2@192.168.1.1/hook/{{ customer.id }}",
  ])("%s: 400 target_not_allowed, and nothing is saved", async (url) => {
    const { res, stored } = await save(url);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("target_not_allowed");
    expect(res.body.error.field).toBe("url");
    expect(res.body.error.message).toMatch(/private targets are disabled \(ALLOW_PRIVATE_TARGETS\)/);
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
    expect(stored.status).toBe(404);
  });
});

describe("saving an action whose host is a template or public (ALLOW_PRIVATE_TARGETS=false)", () => {
  it.each(["https://{{customer.host}}/x", "http://{{ customer.host }}:8080/hook", "https://example.com/{{ customer.id }}"])("%s: 201", async (url) => {
    const { res, stored } = await save(url);
    expect(res.status).toBe(201);
    expect(stored.status).toBe(200);
  });
});

describe("a private host that comes from the customer is still refused at use (ALLOW_PRIVATE_TARGETS=false)", () => {
  it.each([
    ["http://", "127.0.0.1:8080/hook"],
    ["http://", "2130706433/hook"],
    ["http://", "0x7f.1/hook"],
    ["http://", "[::ffff:127.0.0.1]/hook"],
    ["http://", "10.0.0.5/hook"],
    ["http://", "169.254.169.254/latest/meta-data/"],
    ["http://", "localhost/hook"],
    ["https://user:pass@", "192.168.1.1/hook"],
  ])("%s{{ customer.target }} with target %s: saved, then preview, test and trigger answer 400 and nothing is queued", async (prefix, target) => {
    const account = await makeAccount();
    await makeAction(account, { url: `${prefix}{{ customer.target }}` });
    for (const call of ["preview", "test", "trigger"]) {
      const res = await api("POST", `/v1/accounts/${account}/actions/a/${call}`, { customer: { id: "1", target } });
      expect(res.status, call).toBe(400);
      expect(res.body.error.code).toBe("target_not_allowed");
      expect(res.body.error.message).toMatch(/private targets are disabled/);
    }
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
  });
});
