import { z } from "zod";
import { AccountId } from "../store/ids";

/**
 * A tracking event as the tracking API accepted it: the Segment / Customer.io
 * CDP spec object (`type`, `messageId`, `timestamp`, `userId`/`anonymousId`,
 * `event`, `properties`, `traits`, `context`, …), with `messageId`,
 * `timestamp` and `receivedAt` always filled. Every other field is kept as sent.
 */
export const TrackingEvent = z.looseObject({
  type: z.enum(["track", "identify", "page", "screen", "group", "alias"]),
  messageId: z.string().min(1).max(99),
  timestamp: z.string(),
  receivedAt: z.string(),
  event: z.string().optional(),
});
export type TrackingEvent = z.infer<typeof TrackingEvent>;
export type TrackingEventType = TrackingEvent["type"];

/**
 * What travels on the EVENTS queue: accepted events of one account, a few per
 * message (a message is at most 128 KB). Matching, mapping and batching happen
 * in its consumer, in bulk, so ingest costs queue sends, not a Durable Object
 * call per event. Messages outlive deploys: versioned, validated on receipt.
 */
export const EventsMessage = z.object({
  v: z.literal(1),
  account: AccountId,
  events: z.array(TrackingEvent).min(1),
});
export type EventsMessage = z.infer<typeof EventsMessage>;
