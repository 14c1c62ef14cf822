import { AppError } from "../errors";
import { parseWith } from "../http/json-body";
import { byteLength } from "../lib/encoding";
import type { TrackingEvent, TrackingEventType } from "./event-message";
import { TRACKING_LIMITS } from "./tracking-limits";
import { BatchEnvelope, BatchItems, singleCallSchema, type TrackingCall } from "./tracking-schemas";

/** An event ready to queue, with its size as JSON (what the queue message limits count). */
export interface SizedEvent {
  event: TrackingEvent;
  bytes: number;
}

/** Batch-level fields every item of a `/v1/batch` inherits. */
interface Inherited {
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
}

/**
 * Turns a request body into the events to queue, or throws the first reason
 * it cannot: every event is validated, completed and measured before any is
 * queued, so a request is kept whole or not at all. `route` is the call type
 * from the path, or "batch".
 */
export function eventsFromBody(route: TrackingEventType | "batch", body: Record<string, unknown>, now = new Date()): SizedEvent[] {
  const receivedAt = now.toISOString();
  if (route !== "batch") {
    const call = parseWith(singleCallSchema(route), body, "body");
    return [sized(complete(call, {}, receivedAt), "body")];
  }

  const envelope = parseWith(BatchEnvelope, body, "body");
  if (envelope.batch.length > TRACKING_LIMITS.batchEvents) {
    throw new AppError("validation_failed", `batch: ${envelope.batch.length} events; the limit is ${TRACKING_LIMITS.batchEvents} per request`);
  }
  const { batch } = parseWith(BatchItems, { batch: envelope.batch }, "body");
  const inherited = { context: envelope.context, integrations: envelope.integrations };
  const events = batch.map((call, index) => sized(complete(call, inherited, receivedAt), `batch.${index}`));
  const total = events.reduce((sum, { bytes }) => sum + bytes, 0);
  if (total > TRACKING_LIMITS.queuedBytes) {
    throw new AppError("validation_failed", `batch: ${total} bytes of events once batch context is merged in; the limit is ${TRACKING_LIMITS.queuedBytes} per request`);
  }
  return events;
}

/**
 * The event as it is queued: batch-level `context` and `integrations` merged
 * under the item's own (the item's keys win, one level deep), `messageId`,
 * `timestamp` and `receivedAt` filled when absent, and `writeKey` dropped —
 * it is a credential, never event data.
 */
function complete(call: TrackingCall, inherited: Inherited, receivedAt: string): TrackingEvent {
  const { writeKey: _credential, ...fields } = call as TrackingCall & { writeKey?: unknown };
  const event: TrackingEvent = {
    ...fields,
    messageId: call.messageId ?? crypto.randomUUID(),
    timestamp: call.timestamp ?? receivedAt,
    receivedAt: call.receivedAt ?? receivedAt,
  };
  const context = merged(inherited.context, call.context);
  if (context) event.context = context;
  const integrations = merged(inherited.integrations, call.integrations);
  if (integrations) event.integrations = integrations;
  return event;
}

function merged(inherited: Record<string, unknown> | undefined, own: Record<string, unknown> | undefined) {
  if (!inherited) return own;
  return { ...inherited, ...own };
}

/** Measures an event as the JSON that will be queued, and refuses one over the per-event limit. */
function sized(event: TrackingEvent, where: string): SizedEvent {
  const bytes = byteLength(JSON.stringify(event));
  if (bytes > TRACKING_LIMITS.eventBytes) {
    throw new AppError("validation_failed", `${where}: the event is ${bytes} bytes as JSON; the limit is ${TRACKING_LIMITS.eventBytes} (32 KB) per event`);
  }
  return { event, bytes };
}
