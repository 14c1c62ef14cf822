import { allowPrivateTargets, type Bindings } from "../env";
import { SENDS_IN_FLIGHT_PER_INVOCATION, type AcquireResult } from "../limiter/protocol";
import { limiterByName } from "../limiter/client";
import { concurrencyLimit, sleep } from "../lib/pool";
import { attemptDelivery } from "./attempt";
import { parseRetrySchedule } from "./backoff";
import type { AccountId, DeliveryId } from "../store/ids";
import { deliveryMessages, inSendBatches, QueueProbe, readDeliveryMessage, type DeliveryRef } from "./message";
import { deliveryQueueFor } from "./queues";
import { loadSenders } from "./senders";

/** How long one invocation keeps asking for permits before handing waiting messages back to the queue. */
const PERMIT_WAIT_BUDGET_MS = 15_000;
const PERMIT_POLL_MS = 100;
/** A message without a permit comes back after this long; it is not an attempt. */
const NO_PERMIT_DELAY_SECONDS = 1;

type Msg = Message<unknown>;
type Slot = ReturnType<typeof concurrencyLimit>;

/**
 * A queue message and how many of its deliveries this invocation has not yet
 * finished with: it is acked when that reaches 0, unless it was handed back
 * to the queue whole.
 */
interface Carrier {
  msg: Msg;
  open: number;
  retried: boolean;
}

/** A delivery of the batch, with every message that carries it (copies of a message can meet in one batch). */
interface Carried {
  account: AccountId;
  carriers: Carrier[];
}

/**
 * The DELIVERIES consumer. Each delivery is settled on its own, and a message
 * is acked once every delivery it carries is; nothing is thrown out of here
 * (that would retry the whole batch).
 *
 * Retries are scheduled by re-enqueueing the reference with `delaySeconds`,
 * not with `message.retry()`: the attempt count lives in the delivery log,
 * waiting for a permit never burns an attempt, and the queue's own retry
 * counter (→ dead-letter queue) is left to count crashes only.
 */
export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const byLimiter = new Map<string, Map<DeliveryId, Carried>>();
  const probes: Array<{ msg: Msg; body: QueueProbe }> = [];
  for (const msg of batch.messages) {
    const read = readDeliveryMessage(msg.body);
    const probe = read.ok ? null : QueueProbe.safeParse(msg.body);
    if (probe?.success) {
      probes.push({ msg, body: probe.data });
      continue;
    }
    if (!read.ok) {
      // Not ours or from an incompatible version: there is no delivery to record it against.
      console.error("dropping an unreadable delivery message", msg.id, read.error);
      msg.ack();
      continue;
    }
    const deliveries = byLimiter.get(read.message.limiter) ?? new Map<DeliveryId, Carried>();
    byLimiter.set(read.message.limiter, deliveries);
    const carrier: Carrier = { msg, open: 0, retried: false };
    for (const { account, id } of read.message.deliveries) {
      const carried = deliveries.get(id) ?? { account, carriers: [] };
      deliveries.set(id, carried);
      if (carried.carriers.includes(carrier)) continue;
      carried.carriers.push(carrier);
      carrier.open++;
    }
  }
  // One limit for the whole invocation, however many limiters its batch spans.
  const slot = concurrencyLimit(SENDS_IN_FLIGHT_PER_INVOCATION);
  await Promise.all([...byLimiter].map(([limiter, deliveries]) => consumeGroup(env, slot, limiter, deliveries)));
  // Only now: the deliveries that came with a probe have been acquired (seen), so its answer cannot pass them.
  await Promise.all(probes.map((probe) => answerProbe(env, probe)));
}

/**
 * Tells the limiter its probe made it through the queue (limiter/recovery.ts).
 * Acked either way: a probe that cannot be answered is simply not heard, and
 * the limiter sends another.
 */
async function answerProbe(env: Bindings, { msg, body }: { msg: Msg; body: QueueProbe }): Promise<void> {
  try {
    await limiterByName(env, body.limiter).probeSeen(body.probe_sent_at);
  } catch (err) {
    console.error("could not answer a queue probe", body.limiter, err);
  }
  msg.ack();
}

/** The deliveries of one limiter in this batch: acquire permits, send, settle, until each is done or handed back. */
async function consumeGroup(env: Bindings, slot: Slot, limiter: string, deliveries: Map<DeliveryId, Carried>): Promise<void> {
  /** This invocation is done with a delivery: its messages are acked once it was their last. */
  const finish = (id: string) => {
    for (const carrier of deliveries.get(id as DeliveryId)?.carriers ?? []) {
      if (--carrier.open === 0 && !carrier.retried) carrier.msg.ack();
    }
    deliveries.delete(id as DeliveryId);
  };
  try {
    const stub = limiterByName(env, limiter);
    const senders = await loadSenders(env, [...deliveries.values()].map((carried) => carried.account));
    const schedule = parseRetrySchedule(env.RETRY_SCHEDULE);
    const started = Date.now();
    const reporting = senders.reportingTargets();
    const withinBudget = () => Date.now() - started <= PERMIT_WAIT_BUDGET_MS;
    let pending: string[] = [...deliveries.keys()];
    /** What the last settle acquired for the deliveries still waiting, when it could. */
    let acquired: AcquireResult | null = null;

    while (pending.length > 0) {
      acquired ??= await stub.acquire(pending);
      const { leaseId, granted, waiting, settled } = acquired;
      acquired = null;
      for (const id of settled) finish(id);

      if (granted.length > 0) {
        const attempts = await Promise.all(
          granted.map((delivery) =>
            slot(() =>
              attemptDelivery({
                delivery,
                signer: senders.signerFor(delivery),
                allowPrivate: allowPrivateTargets(env),
                schedule,
              }),
            ),
          ),
        );
        const next = waiting.length > 0 && withinBudget() ? { ids: waiting } : undefined;
        acquired = await stub.settle(leaseId, attempts.map(({ result }) => result), reporting, next);
        const retries = attempts.filter((a) => a.retryInSeconds !== null).map((a) => ({ id: a.result.id, delaySeconds: a.retryInSeconds! }));
        for (const { result, retryInSeconds } of attempts) if (retryInSeconds === null) finish(result.id);
        await handBack(env, limiter, deliveries, retries, finish);
      }

      pending = waiting;
      if (pending.length === 0 || acquired) continue;
      if (!withinBudget()) {
        await handBack(env, limiter, deliveries, pending.map((id) => ({ id, delaySeconds: NO_PERMIT_DELAY_SECONDS })), finish);
        break;
      }
      if (granted.length === 0) await sleep(PERMIT_POLL_MS);
    }
  } catch (err) {
    // Whatever is not settled goes back to the queue; repeated crashes end in the dead-letter queue.
    console.error("delivery batch failed; returning messages to the queue", limiter, err);
    for (const carried of deliveries.values()) for (const carrier of carried.carriers) retryWhole(carrier, NO_PERMIT_DELAY_SECONDS);
  }
}

/** The message comes back whole after `delaySeconds` (deliveries in it that are done by then are skipped as settled). */
function retryWhole(carrier: Carrier, delaySeconds: number): void {
  if (carrier.retried || carrier.open === 0) return;
  carrier.retried = true;
  carrier.msg.retry({ delaySeconds });
}

/**
 * Puts deliveries back on their limiter's queue (queues.ts) to come again after their delay: fresh
 * messages (one per delay), and the deliveries finished here, so the queue's
 * retry counter is untouched. If the queue refuses them, the messages that
 * carried them come back whole after the longest of their delays instead — a
 * delivery must not come back before it is due, or it would be taken for a
 * copy.
 */
async function handBack(
  env: Bindings,
  limiter: string,
  deliveries: Map<DeliveryId, Carried>,
  items: Array<{ id: string; delaySeconds: number }>,
  finish: (id: string) => void,
): Promise<void> {
  if (items.length === 0) return;
  const byDelay = new Map<number, DeliveryRef[]>();
  for (const { id, delaySeconds } of items) {
    const refs = byDelay.get(delaySeconds) ?? [];
    refs.push({ account: deliveries.get(id as DeliveryId)!.account, id: id as DeliveryId });
    byDelay.set(delaySeconds, refs);
  }
  const sends = [...byDelay].flatMap(([delaySeconds, refs]) => deliveryMessages(limiter, refs).map((body) => ({ body, delaySeconds, contentType: "json" as const })));
  try {
    for (const run of inSendBatches(sends)) await deliveryQueueFor(env, limiter).sendBatch(run);
    for (const { id } of items) finish(id);
  } catch (err) {
    console.error("re-enqueue failed; retrying the messages that carried these deliveries", String(err));
    const longest = new Map<Carrier, number>();
    for (const { id, delaySeconds } of items) {
      for (const carrier of deliveries.get(id as DeliveryId)!.carriers) longest.set(carrier, Math.max(longest.get(carrier) ?? 0, delaySeconds));
    }
    for (const [carrier, delaySeconds] of longest) retryWhole(carrier, delaySeconds);
  }
}
