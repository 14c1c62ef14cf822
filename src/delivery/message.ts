import { z } from "zod";
import { sortableId } from "../lib/sortable-id";
import { AccountId, DeliveryId } from "../store/ids";

/**
 * What travels on the DELIVERIES queue: references, never requests. The
 * request, its attempts and its status live in the limiter's SQLite, so a
 * message stays small whatever the body size (a queue message is at most
 * 128 KB) and a redelivered message cannot resurrect stale state.
 *
 * One message carries up to MAX_DELIVERIES_PER_MESSAGE deliveries of one
 * limiter: the triggers accepted together (group commit) travel together, so
 * a queue's 5,000 messages/s are not a ceiling on deliveries/s, and the local
 * queue does a message's work once per group. Messages outlive deploys, so
 * they carry a version; the consumer still reads version 1 (one delivery).
 */
export const MAX_DELIVERIES_PER_MESSAGE = 100;

const DeliveryRef = z.object({ account: AccountId, id: DeliveryId });
export type DeliveryRef = z.infer<typeof DeliveryRef>;

export const DeliveryMessage = z.object({
  v: z.literal(2),
  /** The Durable Object name holding the deliveries (account or shard). */
  limiter: z.string().min(1),
  deliveries: z.array(DeliveryRef).min(1).max(MAX_DELIVERIES_PER_MESSAGE),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

/** The first release's message: one delivery. */
const DeliveryMessageV1 = z.object({
  v: z.literal(1),
  limiter: z.string().min(1),
  account: AccountId,
  delivery_id: DeliveryId,
});

/** A queued body as a DeliveryMessage, whichever version sent it; the zod error when it is neither. */
export function readDeliveryMessage(body: unknown): { ok: true; message: DeliveryMessage } | { ok: false; error: string } {
  const current = DeliveryMessage.safeParse(body);
  if (current.success) return { ok: true, message: current.data };
  const first = DeliveryMessageV1.safeParse(body);
  if (first.success) {
    const { limiter, account, delivery_id } = first.data;
    return { ok: true, message: { v: 2, limiter, deliveries: [{ account, id: delivery_id }] } };
  }
  return { ok: false, error: current.error.message };
}

/** The messages that carry these deliveries of one limiter, at most MAX_DELIVERIES_PER_MESSAGE each. */
export function deliveryMessages(limiter: string, deliveries: readonly DeliveryRef[]): DeliveryMessage[] {
  const messages: DeliveryMessage[] = [];
  for (let start = 0; start < deliveries.length; start += MAX_DELIVERIES_PER_MESSAGE) {
    messages.push({ v: 2, limiter, deliveries: deliveries.slice(start, start + MAX_DELIVERIES_PER_MESSAGE) });
  }
  return messages;
}

/**
 * Queues take at most 100 messages and 256 KB per sendBatch. A message of
 * 100 references is at most ~11 KB (64-byte account ids), so 20 of them stay
 * well under the bytes.
 */
export const MAX_MESSAGES_PER_SEND = 20;

/** Items in sendBatch-sized runs (MAX_MESSAGES_PER_SEND). */
export function inSendBatches<T>(items: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_MESSAGES_PER_SEND) runs.push(items.slice(start, start + MAX_MESSAGES_PER_SEND));
  return runs;
}

/** Delivery ids sort by creation time (lib/sortable-id.ts). */
export function newDeliveryId(now = Date.now()): DeliveryId {
  return sortableId("dlv", now) as DeliveryId;
}

/**
 * A limiter's queue probe (src/limiter/recovery.ts): it travels the same queue
 * as the deliveries, and its coming back at all is the news. A consumer that
 * predates probes fails to read it as a DeliveryMessage and drops it, which
 * only costs that limiter another probe.
 */
export const QueueProbe = z.object({
  v: z.literal(1),
  limiter: z.string().min(1),
  /** When the limiter sent it (ms): every message visible well before this has reached a consumer once this one has. */
  probe_sent_at: z.number().int().nonnegative(),
});
export type QueueProbe = z.infer<typeof QueueProbe>;
