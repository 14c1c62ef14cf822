import { describe, expect, it } from "vitest";
import { api, makeAccount, makeAction } from "../helpers";

// This project runs with ALLOW_PRIVATE_TARGETS=false, as a deployment does.

describe("private targets refused (ALLOW_PRIVATE_TARGETS=false)", () => {
  it.each([
    "http://127.0.0.1:8080/hook",
    "http://2130706433/hook",
    "http://0x7f.1/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://10.0.0.5/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost/hook",
    "https://user:pass@192.168.1.1/hook",
  ])("%s: preview, test and trigger all answer 400 and nothing is queued", async (url) => {
    const account = await makeAccount();
    await makeAction(account, { url });
    for (const call of ["preview", "test", "trigger"]) {
      const res = await api("POST", `/v1/accounts/${account}/actions/a/${call}`, { customer: { id: "1" } });
      expect(res.status, call).toBe(400);
      expect(res.body.error.code).toBe("target_not_allowed");
      expect(res.body.error.message).toMatch(/private targets are disabled/);
    }
    expect((await api("GET", `/v1/accounts/${account}/deliveries`)).body.deliveries).toEqual([]);
  });

  it("refuses a URL that only becomes private once rendered", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: "http://{{ customer.host }}/hook" });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "1", host: "127.0.0.1" } });
    expect(res.status).toBe(400);
  });

  it("still accepts a public target", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: "https://example.com/hook" });
    const res = await api("POST", `/v1/accounts/${account}/actions/a/preview`, { customer: { id: "1" } });
    expect(res.status).toBe(200);
  });
});
