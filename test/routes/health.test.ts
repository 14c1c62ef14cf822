import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("unauthenticated routes", () => {
  it("GET /healthz answers 200", async () => {
    const res = await exports.default.fetch("http://edgehook.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("GET /v1/ip-addresses lists EGRESS_IPS, trimmed", async () => {
    // vitest.config.ts sets EGRESS_IPS to "203.0.113.10, 203.0.113.11".
    const res = await exports.default.fetch("http://edgehook.test/v1/ip-addresses");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ip_addresses: ["203.0.113.10", "203.0.113.11"] });
  });

  it("answers unknown routes with a 404 in the error shape", async () => {
    const res = await exports.default.fetch("http://edgehook.test/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found", message: "No route for GET /nope" } });
  });
});
