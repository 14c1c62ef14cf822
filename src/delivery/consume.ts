import { allowPrivateTargets, type Bindings } from "../env";
import type { AcquireResult } from "../limiter/protocol";
import { limiterByName } from "../limiter/client";
import { concurrencyLimit, sleep } from "../lib/pool";
import { attemptDelivery } from "./attempt";
import { parseRetrySchedule } from "./backoff";
import { DeliveryMessage, QueueProbe } from "./message";
import { SEND_TIMEOUT_MS } from "./send";
import { loadSenders } from "./senders";

/** Cloudflare lets one invocation keep 6 connections open; more would queue inside the runtime anyway. */
const SENDS_IN_FLIGHT_PER_INVOCATION = 6;
/** How long one invocation keeps asking for permits before handing waiting messages back to the queue. */
const PERMIT_WAIT_BUDGET_MS = 15_000;
const PERMIT_POLL_MS = 100;
/** A message without a permit comes back after this long; it is not an attempt. */
const NO_PERMIT_DELAY_SECONDS = 1;

type Msg = Message<unknown>;
type Slot = ReturnType<typeof concurrencyLimit>;

/**
 * The DELIVERIES consumer. Each message is settled on its own and nothing is
 * thrown out of here (that would retry the whole batch).
 *
 * Retries are scheduled by re-enqueueing the reference with `delaySeconds`
 * and acking, not with `message.retry()`: the attempt count lives in the
 * delivery log, waiting for a permit never burns an attempt, and the queue's
 * own retry counter (→ dead-letter queue) is left to count crashes only.
 */
export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const byLimiter = new Map<string, Array<{ msg: Msg; body: DeliveryMessage }>>();
  const probes: Array<{ msg: Msg; body: QueueProbe }> = [];
  for (const msg of batch.messages) {
    const parsed = DeliveryMessage.safeParse(msg.body);
    const probe = parsed.success ? null : QueueProbe.safeParse(msg.body);
    if (probe?.success) {
      probes.push({ msg, body: probe.data });
      continue;
    }
    if (!parsed.success) {
      // Not ours or from an incompatible version: there is no delivery to record it against.
      console.error("dropping an unreadable delivery message", msg.id, parsed.error.message);
      msg.ack();
      continue;
    }
    const group = byLimiter.get(parsed.data.limiter) ?? [];
    group.push({ msg, body: parsed.data });
    byLimiter.set(parsed.data.limiter, group);
  }
  // One limit for the whole invocation, however many limiters its batch spans.
  const slot = concurrencyLimit(SENDS_IN_FLIGHT_PER_INVOCATION);
  await Promise.all([...byLimiter].map(([limiter, group]) => consumeGroup(env, slot, limiter, group)));
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

async function consumeGroup(env: Bindings, slot: Slot, limiter: string, group: Array<{ msg: Msg; body: DeliveryMessage }>): Promise<void> {
  const messages = new Map<string, { msg: Msg; body: DeliveryMessage }>();
  for (const entry of group) {
    // Two copies of one delivery in a batch: one is enough.
    if (messages.has(entry.body.delivery_id)) entry.msg.ack();
    else messages.set(entry.body.delivery_id, entry);
  }
  try {
    const stub = limiterByName(env, limiter);
    const senders = await loadSenders(env, group.map((entry) => entry.body.account));
    const schedule = parseRetrySchedule(env.RETRY_SCHEDULE);
    const started = Date.now();
    const reporting = senders.reportingTargets();
    const withinBudget = () => Date.now() - started <= PERMIT_WAIT_BUDGET_MS;
    let pending = [...messages.keys()];
    /** What the last settle acquired for the deliveries still waiting, when it could. */
    let acquired: AcquireResult | null = null;

    while (pending.length > 0) {
      acquired ??= await stub.acquire(pending, leaseMsFor(pending.length));
      const { leaseId, granted, waiting, settled } = acquired;
      acquired = null;
      for (const id of settled) take(messages, id).msg.ack();

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
        const next = waiting.length > 0 && withinBudget() ? { ids: waiting, leaseMs: leaseMsFor(waiting.length) } : undefined;
        acquired = await stub.settle(leaseId, attempts.map(({ result }) => result), reporting, next);
        for (const { result, retryInSeconds } of attempts) if (retryInSeconds === null) take(messages, result.id).msg.ack();
        const retries = attempts.filter((a) => a.retryInSeconds !== null);
        await handBack(env, retries.map((a) => ({ ...take(messages, a.result.id), delaySeconds: a.retryInSeconds! })));
      }

      pending = waiting;
      if (pending.length === 0 || acquired) continue;
      if (!withinBudget()) {
        await handBack(env, pending.map((id) => ({ ...take(messages, id), delaySeconds: NO_PERMIT_DELAY_SECONDS })));
        break;
      }
      if (granted.length === 0) await sleep(PERMIT_POLL_MS);
    }
  } catch (err) {
    // Whatever is not settled goes back to the queue; repeated crashes end in the dead-letter queue.
    console.error("delivery batch failed; returning messages to the queue", limiter, err);
    for (const { msg } of messages.values()) msg.retry({ delaySeconds: NO_PERMIT_DELAY_SECONDS });
  }
}

/** Long enough for every send of the lease at SENDS_IN_FLIGHT_PER_INVOCATION at a time, each up to its timeout, plus a margin. */
function leaseMsFor(deliveries: number): number {
  return Math.ceil(deliveries / SENDS_IN_FLIGHT_PER_INVOCATION) * (SEND_TIMEOUT_MS + 1_000) + 30_000;
}

function take(messages: Map<string, { msg: Msg; body: DeliveryMessage }>, id: string) {
  const entry = messages.get(id)!;
  messages.delete(id);
  return entry;
}

/**
 * Puts messages back on the queue to come again after `delaySeconds`: a fresh
 * copy, and the original acked, so the queue's retry counter is untouched. If
 * the queue refuses the copies, the originals are retried with the same delay
 * instead — a delivery must come back when it is due, or a copy arriving
 * early would be taken for a duplicate.
 */
async function handBack(env: Bindings, items: Array<{ msg: Msg; body: DeliveryMessage; delaySeconds: number }>): Promise<void> {
  if (items.length === 0) return;
  try {
    await env.DELIVERIES.sendBatch(items.map(({ body, delaySeconds }) => ({ body, delaySeconds, contentType: "json" as const })));
    for (const { msg } of items) msg.ack();
  } catch (err) {
    console.error("re-enqueue failed; retrying the original messages", String(err));
    for (const { msg, delaySeconds } of items) msg.retry({ delaySeconds });
  }
}
