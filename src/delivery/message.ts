import { z } from "zod";

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
  account: z.string().min(1),
  delivery_id: z.string().min(1),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

/** Delivery ids sort by creation time, so the log pages newest-first by id alone. */
export function newDeliveryId(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  let suffix = "";
  for (const byte of random) suffix += (byte % 36).toString(36);
  return `dlv_${now.toString(36).padStart(9, "0")}${suffix}`;
}
