import { byteLength } from "../lib/encoding";
import type { AccountId } from "../store/ids";
import type { EventsMessage } from "./event-message";
import type { SizedEvent } from "./tracking-events";

/**
 * Cloudflare Queues limits, with margins (the docs count 1 KB as 1000 bytes,
 * and each message carries up to ~100 bytes of metadata that counts too).
 * Bodies are sent with `contentType: "json"`, so a body's size is its UTF-8
 * JSON, which is what we measure. (The default v8 serialisation would store a
 * string holding one non-Latin-1 character as UTF-16, up to twice that.)
 */
export const QUEUE_LIMITS = {
  /** One message: 128 KB with metadata. Below half the sendBatch budget, so two full messages share a call. */
  messageBytes: 120_000,
  /** One sendBatch call: 256 KB in total, metadata included. */
  sendBatchBytes: 250_000,
  /** One sendBatch call: 100 messages. */
  sendBatchMessages: 100,
  /** What each message is counted as on top of its body in a sendBatch (~100 bytes documented; doubled). */
  metadataBytes: 200,
} as const;

/**
 * Room left in every message for the `inbox` reference the event inbox adds
 * before queuing it: `,"inbox":{"name":…,"id":…}` with a name of at most 120
 * characters and an id of at most 40 (InboxRef) is under 200 bytes.
 */
export const INBOX_REF_BYTES = 200;

/** How packSized measures a group: a fixed part, each item, and what separates two items. */
export interface SizeBudget {
  maxBytes: number;
  maxItems?: number;
  /** Bytes every group costs even when it holds one item (an envelope). */
  baseBytes?: number;
  /** Bytes between two consecutive items (a comma in a JSON array). */
  separatorBytes?: number;
}

/**
 * Splits items, in order, into consecutive groups that each stay within the
 * budget, filling each group before starting the next. An item that could not
 * fit even alone is an error: sending it would fail anyway, and the caller's
 * own limits are meant to make that impossible.
 */
export function packSized<T>(items: readonly T[], sizeOf: (item: T) => number, budget: SizeBudget): T[][] {
  const { maxBytes, maxItems = Infinity, baseBytes = 0, separatorBytes = 0 } = budget;
  const groups: T[][] = [];
  let group: T[] = [];
  let used = baseBytes;
  for (const item of items) {
    const size = sizeOf(item);
    if (baseBytes + size > maxBytes) throw new RangeError(`an item of ${size} bytes cannot fit in a group of ${maxBytes}`);
    const full = group.length >= maxItems || used + separatorBytes + size > maxBytes;
    if (group.length > 0 && full) {
      groups.push(group);
      group = [];
      used = baseBytes;
    }
    used += group.length === 0 ? size : separatorBytes + size;
    group.push(item);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** An events message and its size as JSON, so the sendBatch budget needs no second stringify. */
interface SizedMessage {
  body: EventsMessage;
  bytes: number;
}

/**
 * Plans how one request's events go onto the queue: events packed, in order,
 * into `EventsMessage`s of at most `messageBytes` each, and those into
 * sendBatch calls within the call's message and byte limits. Pure, so the
 * boundaries are unit-tested; the caller sends each inner array with one
 * sendBatch.
 */
export function chunkEvents(account: AccountId, events: readonly SizedEvent[]): EventsMessage[][] {
  const envelope = byteLength(JSON.stringify({ v: 1, account, events: [] })) + INBOX_REF_BYTES;
  const messages: SizedMessage[] = packSized(events, (e) => e.bytes, {
    maxBytes: QUEUE_LIMITS.messageBytes,
    baseBytes: envelope,
    separatorBytes: 1,
  }).map((group) => ({
    body: { v: 1, account, events: group.map((e) => e.event) },
    bytes: envelope + group.reduce((sum, e) => sum + e.bytes, 0) + group.length - 1,
  }));
  return packSized(messages, (m) => m.bytes + QUEUE_LIMITS.metadataBytes, {
    maxBytes: QUEUE_LIMITS.sendBatchBytes,
    maxItems: QUEUE_LIMITS.sendBatchMessages,
  }).map((call) => call.map((m) => m.body));
}
