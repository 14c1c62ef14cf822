import { Hono } from "hono";
import type { AppEnv } from "../env";

/** Unauthenticated facts about this deployment: health and egress addresses. */
export const metaRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ ok: true }))
  // Receivers allow-list these; they come from EGRESS_IPS because a Worker
  // cannot know its own egress addresses.
  .get("/v1/ip-addresses", (c) => {
    const ips = (c.env.EGRESS_IPS ?? "").split(",").map((ip) => ip.trim()).filter(Boolean);
    return c.json({ ip_addresses: ips });
  });
