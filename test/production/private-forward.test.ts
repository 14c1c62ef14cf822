import { describe, expect, it } from "vitest";
import { api, makeAccount } from "../helpers";

describe("inbound sources, as deployed (ALLOW_PRIVATE_TARGETS=false)", () => {
  it.each(["http://127.0.0.1:9000/app", "http://169.254.169.254/latest", "http://[::1]/x", "http://10.0.0.1/"])("a forward_url of %s is refused when saved, and nothing is stored", async (url) => {
    const account = await makeAccount();
    const res = await api("PUT", `/v1/accounts/${account}/sources/s`, { provider: "customerio", secret: "inbound-shared-secret-0123", forward_url: url });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("target_not_allowed");
    expect((await api("GET", `/v1/accounts/${account}/sources/s`)).status).toBe(404);
  });
});
