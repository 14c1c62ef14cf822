import { z } from "zod";
import { sortableId } from "../lib/sortable-id";
import { AccountId, DeliveryId } from "../store/ids";

/**
 * What travels on the DELIVERIES queue: a reference, never the request. The
 * request, its attempts and its status live in the limiter's SQLite, so a
 * message stays tiny whatever the body size (a queue message is at most
 * 128 KB) and a redelivered message cannot resurrect stale state. Messages
 * outlive deploys, so they carry a version and the consumer validates them.
 */
export const DeliveryMessage = z.object({
  v: z.literal(1),
  /** The Durable Object name holding the delivery (account or shard). */
  limiter: z.string().min(1),
  account: AccountId,
  delivery_id: DeliveryId,
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

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
