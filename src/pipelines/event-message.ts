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

/** Where a queued events message is kept until it is routed: the inbox's Durable Object name and the row's id (event-inbox.do.ts). */
export const InboxRef = z.object({
  name: z.string().min(1).max(120),
  id: z.string().min(1).max(40),
});
export type InboxRef = z.infer<typeof InboxRef>;

/**
 * What travels on the EVENTS queue, as JSON text: accepted events of one
 * account, a few per message (a message is at most 128 KB). Matching, mapping and batching happen
 * in its consumer, in bulk, so ingest costs one inbox call per request and
 * queue sends, not a Durable Object call per event. Messages outlive
 * deploys: versioned, validated on receipt; those queued before the inbox
 * existed carry no `inbox`.
 */
export const EventsMessage = z.object({
  v: z.literal(1),
  account: AccountId,
  events: z.array(TrackingEvent).min(1),
  inbox: InboxRef.optional(),
});
export type EventsMessage = z.infer<typeof EventsMessage>;

/**
 * An inbox's queue probe (limiter/recovery.ts) on the EVENTS queue: its
 * coming back at all is the news. A consumer that predates probes fails to
 * read it as an EventsMessage and drops it, which only costs another probe.
 */
export const EventsProbe = z.object({
  v: z.literal(1),
  inbox: z.string().min(1).max(120),
  probe_sent_at: z.number().int().nonnegative(),
});
export type EventsProbe = z.infer<typeof EventsProbe>;
