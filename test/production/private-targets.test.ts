import { describe, expect, it } from "vitest";
import { api, makeAccount, makeAction } from "../helpers";

// This project runs with ALLOW_PRIVATE_TARGETS=false, as a deployment does.

describe("private targets refused (ALLOW_PRIVATE_TARGETS=false)", () => {
  // Literal private hosts are refused when saved, and templated ones at use,
  // for every spelling: save-private-targets.test.ts.

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
