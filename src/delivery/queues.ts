import type { Bindings } from "../env";
import { fnv1a } from "../lib/fnv1a";

/**
 * The delivery queues are sharded: `DELIVERIES` (edgehook-deliveries), then
 * `DELIVERIES_1`, `DELIVERIES_2` … as wrangler.toml binds them, numbered
 * without gaps. One queue's consumers keep at most 250 invocations × 6
 * connections in flight, so the number of queues is what takes a deployment
 * past that (docs/scale.md); adding one is a producer binding and a consumer
 * in wrangler.toml, and no code.
 *
 * Every message of a limiter goes on the same queue, picked by a hash of its
 * name: its accepts, hand-backs, recoveries and queue probes. A probe vouches
 * only for the queue it travelled (recovery.ts), and a consumer batch then
 * holds many deliveries of one limiter, which it settles in one call. Accounts
 * spread over the queues, so one account's backlog holds up only the
 * accounts that share its queue. Changing the number of queues moves
 * limiters to other queues; the probe on the new queue may then return
 * before messages still on the old one arrive, and those deliveries are
 * queued again: a copy, which the limiter does not send twice.
 */
export function deliveryQueues(env: Bindings): Queue[] {
  const queues: Queue[] = [env.DELIVERIES];
  const named = env as unknown as Record<string, Queue | undefined>;
  for (let shard = 1; named[`DELIVERIES_${shard}`]; shard++) queues.push(named[`DELIVERIES_${shard}`]!);
  return queues;
}

/** The queue that carries every message of `limiter`. */
export function deliveryQueueFor(env: Bindings, limiter: string): Queue {
  const queues = deliveryQueues(env);
  return queues[fnv1a(limiter) % queues.length]!;
}
