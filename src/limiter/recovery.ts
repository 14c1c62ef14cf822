import { deliveryMessages, type QueueProbe } from "../delivery/message";
import type { AccountId, DeliveryId } from "../store/ids";
import type { DeliveryLog } from "./delivery-log";
import type { LimiterSettings } from "./settings";

/**
 * A delivery nobody has seen for this long past the moment its message was
 * due is overdue: its message may be lost, or may wait in a backlog. Long
 * enough that a message on its way in a healthy queue is never a suspect.
 */
export const OVERDUE_AFTER_MS = 90_000;
/** While something is overdue and a probe is still out (in a backlog, or lost with its queue), another goes out this often. */
export const PROBE_EVERY_MS = 30_000;
/**
 * How far before a returned probe's send time a message must have been due
 * for its absence to count as loss: covers a consumer that has received a
 * message but not yet acquired it, and Queues delivering not quite in order.
 */
export const PROBE_MARGIN_MS = 30_000;
/** Queues take at most 100 messages per sendBatch; one call re-queues at most this many batches. */
const REQUEUE_BATCH = 100;
const REQUEUE_BATCHES_PER_CALL = 5;

/**
 * Finds deliveries whose queue message was lost (a local runtime killed with
 * its in-memory queue, a message dropped after the dead-letter consumer
 * failed) and queues them again, without ever re-queuing one that merely
 * waits behind a long backlog.
 *
 * Overdue alone cannot tell lost from waiting, so the limiter asks the queue:
 * it sends a probe, a tiny message on the same queue, stamped with its send
 * time T. The consumer answers it (probeReturned) only after acquiring
 * whatever came with it. Once a probe is back, the queue has handed out
 * everything that was visible before T, and a consumer that receives a
 * delivery's message touches its row at once. So a delivery unfinished, not
 * under a live lease, and not seen since before T − PROBE_MARGIN_MS had no
 * message left: it is re-queued. In a backlog the probe waits behind it and
 * nothing is re-queued until the backlog has flowed past, by which time the
 * waiting deliveries have been seen. Queues is not strictly FIFO; a message
 * overtaken by more than the margin costs a duplicate send (receivers dedupe
 * on webhook-id), never a loss.
 */
export class Recovery {
  constructor(
    private readonly log: DeliveryLog,
    private readonly settings: LimiterSettings,
    private readonly queue: Queue,
  ) {}

  /**
   * The alarm's share: re-queue what an earlier probe proved lost, then send
   * a probe if anything is still overdue. True when lost deliveries remain
   * beyond this call's bound (call again soon).
   */
  async check(limiter: string, now: number): Promise<boolean> {
    let more: boolean;
    try {
      more = await this.requeueLost(limiter, now);
    } catch (err) {
      // The queue refused: the alarm comes back soon and tries again (the returned probe still counts).
      console.error("could not re-queue lost deliveries", String(err));
      more = true;
    }
    const overdue = this.log.orphaned(now - OVERDUE_AFTER_MS, 1, now).length > 0;
    if (overdue && !this.probeOut(now)) await this.sendProbe(limiter, now);
    return more;
  }

  /** A probe came back through the queue: everything visible before it was sent has been handed out. */
  async probeReturned(limiter: string, sentAt: number, now: number): Promise<boolean> {
    // Only ever moves forward, and never past now (a probe comes from this limiter; this guards a clock step).
    const flowedAt = Math.min(now, Math.max(sentAt, this.settings.queueFlowedAt ?? 0));
    this.settings.queueFlowedAt = flowedAt;
    return this.requeueLost(limiter, now);
  }

  /** A probe was sent recently and has not come back yet. */
  private probeOut(now: number): boolean {
    const sentAt = this.settings.probeSentAt;
    if (sentAt === null || sentAt > now || now - sentAt >= PROBE_EVERY_MS) return false;
    return (this.settings.queueFlowedAt ?? -1) < sentAt;
  }

  /** When the alarm should next look, for the deliveries' sake: null when nothing unfinished can become overdue. */
  nextCheck(now: number): number | null {
    const oldest = this.log.oldestSighting(now);
    if (oldest === null) return null;
    const overdueAt = oldest + OVERDUE_AFTER_MS;
    return overdueAt > now ? overdueAt : now + PROBE_EVERY_MS;
  }

  /** Re-queues, oldest first, the deliveries the latest returned probe proves lost. */
  private async requeueLost(limiter: string, now: number): Promise<boolean> {
    const flowedAt = this.settings.queueFlowedAt;
    if (flowedAt === null) return false;
    for (let round = 0; round < REQUEUE_BATCHES_PER_CALL; round++) {
      const lost = this.log.orphaned(flowedAt - PROBE_MARGIN_MS, REQUEUE_BATCH, now);
      if (lost.length === 0) return false;
      const messages = deliveryMessages(limiter, lost.map(({ id, account }) => ({ account: account as AccountId, id: id as DeliveryId })));
      await this.queue.sendBatch(messages.map((body) => ({ body, contentType: "json" as const })));
      // Seen now: not lost again unless this copy goes missing too (then a later probe finds it).
      for (const { id } of lost) this.log.touch(id, now);
      console.warn(`re-queued ${lost.length} deliveries whose queue message was lost`);
      if (lost.length < REQUEUE_BATCH) return false;
    }
    return true;
  }

  private async sendProbe(limiter: string, now: number): Promise<void> {
    const probe: QueueProbe = { v: 1, limiter, probe_sent_at: now };
    try {
      await this.queue.send(probe, { contentType: "json" });
      this.settings.probeSentAt = now;
    } catch (err) {
      // The next alarm tries again.
      console.error("could not send a queue probe", String(err));
    }
  }
}
