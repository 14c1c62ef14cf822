import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import type { TrackingEventType } from "../pipelines/event-message";
import { accountForWriteKey, basicWriteKey } from "../pipelines/tracking-auth";
import { readTrackingBody } from "../pipelines/tracking-body";
import { enqueueEvents } from "../pipelines/tracking-enqueue";
import { eventsFromBody } from "../pipelines/tracking-events";
import { TRACKING_TYPES } from "../pipelines/tracking-schemas";

/**
 * The tracking API, compatible with Segment's HTTP Tracking API and
 * Customer.io's CDP API: `/v1/{track,identify,page,screen,group,alias}` and
 * `/v1/batch`. Authenticated by write key (a service key of the account), not
 * by the bearer middleware of the account routes.
 */
export const trackingRoutes = new Hono<AppEnv>();

for (const type of TRACKING_TYPES) {
  trackingRoutes.post(`/v1/${type}`, (c) => ingest(c, type));
}
trackingRoutes.post("/v1/batch", (c) => ingest(c, "batch"));

/**
 * Authenticates, validates every event, queues them all, then answers 200.
 * A Basic header is checked before the body is read, so a wrong key costs
 * no body; without one, the body's `writeKey` (Segment's analytics-node
 * 2.0–3.0 sends it only there) is the key.
 */
async function ingest(c: Context<AppEnv>, route: TrackingEventType | "batch") {
  const headerKey = basicWriteKey(c.req.header("authorization"));
  const accountByHeader = headerKey === undefined ? undefined : await accountForWriteKey(c.env.CONFIG, headerKey);
  const body = await readTrackingBody(c.req.raw);
  const account = accountByHeader ?? (await accountForWriteKey(c.env.CONFIG, typeof body.writeKey === "string" ? body.writeKey : undefined));

  const events = eventsFromBody(route, body);
  await enqueueEvents(c.env, account, events);
  return c.json({ success: true });
}
