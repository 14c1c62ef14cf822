/**
 * A delivery nobody has seen for this long past the moment its message was
 * due is overdue: its message may be lost, or may wait in a backlog. Long
 * enough that a message on its way in a healthy queue is never a suspect.
 */
export const OVERDUE_AFTER_MS = 90_000;
/**
 * The first moment an item last seen at `seenAt` counts as overdue: orphaned()
 * lists what was seen strictly before its bound, so an alarm set for exactly
 * seenAt + OVERDUE_AFTER_MS and firing on time would find nothing, and the
 * probe would wait for the next look.
 */
export function overdueAt(seenAt: number): number {
  return seenAt + OVERDUE_AFTER_MS + 1;
}
/** While something is overdue and a probe is still out (in a backlog, or lost with its queue), another goes out this often. */
export const PROBE_EVERY_MS = 30_000;
/**
 * How far before a returned probe's send time a message must have been due
 * for its absence to count as loss: covers a consumer that has received a
 * message but not yet acquired it, and Queues delivering not quite in order.
 */
export const PROBE_MARGIN_MS = 30_000;
/** How many lost items one re-queue round takes; one call makes at most REQUEUE_ROUNDS_PER_CALL rounds. */
const REQUEUE_BATCH = 100;
const REQUEUE_ROUNDS_PER_CALL = 5;

/**
 * What recovery needs from a store whose items each travel a queue as a
 * message: the limiter's deliveries (on DELIVERIES) and the event inbox's
 * accepted events (on EVENTS).
 */
export interface Recoverable<T> {
  /** What log lines call the items. */
  readonly noun: string;
  /** Unfinished items nobody has seen since `before`, nor is due to, oldest first: candidates, which a returned probe proves lost. */
  orphaned(before: number, limit: number, now: number): T[];
  /** The earliest last sighting among what orphaned() could list later, or null when nothing is unfinished. */
  oldestSighting(now: number): number | null;
  /** Puts these on the queue again, and notes them seen at `now`: not lost again unless this copy goes missing too. */
  requeue(items: T[], now: number): Promise<void>;
  /** Sends a probe stamped `sentAt` on the same queue as the items. */
  sendProbe(sentAt: number): Promise<void>;
}

/** Where recovery keeps its two timestamps (the owner's settings table, so they outlive a restart). */
export interface ProbeState {
  probeSentAt: number | null;
  queueFlowedAt: number | null;
}

/**
 * Finds items whose queue message was lost (a local runtime killed with its
 * in-memory queue, a message dropped after the dead-letter consumer failed)
 * and queues them again, without ever re-queuing one that merely waits
 * behind a long backlog.
 *
 * Overdue alone cannot tell lost from waiting, so the owner asks the queue:
 * it sends a probe, a tiny message on the same queue, stamped with its send
 * time T. The consumer answers it (probeReturned) only after it has dealt
 * with whatever came with it. Once a probe is back, the queue has handed out
 * everything that was visible before T, and a consumer that receives an
 * item's message touches (or finishes) it at once. So an item unfinished and
 * not seen since before T − PROBE_MARGIN_MS had no message left: it is
 * re-queued. In a backlog the probe waits behind it and nothing is re-queued
 * until the backlog has flowed past, by which time the waiting items have
 * been seen. Queues is not strictly FIFO; a message overtaken by more than
 * the margin costs a duplicate (receivers dedupe on webhook-id; events on
 * messageId), never a loss.
 */
export class Recovery<T> {
  constructor(
    private readonly store: Recoverable<T>,
    private readonly state: ProbeState,
  ) {}

  /**
   * The alarm's share: re-queue what an earlier probe proved lost, then send
   * a probe if anything is still overdue. True when lost items remain
   * beyond this call's bound (call again soon).
   */
  async check(now: number): Promise<boolean> {
    let more: boolean;
    try {
      more = await this.requeueLost(now);
    } catch (err) {
      // The queue refused: the alarm comes back soon and tries again (the returned probe still counts).
      console.error(`could not re-queue lost ${this.store.noun}`, String(err));
      more = true;
    }
    const overdue = this.store.orphaned(now - OVERDUE_AFTER_MS, 1, now).length > 0;
    if (overdue && !this.probeOut(now)) await this.sendProbe(now);
    return more;
  }

  /** A probe came back through the queue: everything visible before it was sent has been handed out. */
  async probeReturned(sentAt: number, now: number): Promise<boolean> {
    // Only ever moves forward, and never past now (a probe comes from this owner; this guards a clock step).
    const flowedAt = Math.min(now, Math.max(sentAt, this.state.queueFlowedAt ?? 0));
    this.state.queueFlowedAt = flowedAt;
    return this.requeueLost(now);
  }

  /** A probe was sent recently and has not come back yet. */
  private probeOut(now: number): boolean {
    const sentAt = this.state.probeSentAt;
    if (sentAt === null || sentAt > now || now - sentAt >= PROBE_EVERY_MS) return false;
    return (this.state.queueFlowedAt ?? -1) < sentAt;
  }

  /** When the alarm should next look, for the items' sake: null when nothing unfinished can become overdue. */
  nextCheck(now: number): number | null {
    const oldest = this.store.oldestSighting(now);
    if (oldest === null) return null;
    const at = overdueAt(oldest);
    return at > now ? at : now + PROBE_EVERY_MS;
  }

  /** Re-queues, oldest first, the items the latest returned probe proves lost. */
  private async requeueLost(now: number): Promise<boolean> {
    const flowedAt = this.state.queueFlowedAt;
    if (flowedAt === null) return false;
    for (let round = 0; round < REQUEUE_ROUNDS_PER_CALL; round++) {
      const lost = this.store.orphaned(flowedAt - PROBE_MARGIN_MS, REQUEUE_BATCH, now);
      if (lost.length === 0) return false;
      await this.store.requeue(lost, now);
      console.warn(`re-queued ${lost.length} ${this.store.noun} whose queue message was lost`);
      if (lost.length < REQUEUE_BATCH) return false;
    }
    return true;
  }

  private async sendProbe(now: number): Promise<void> {
    try {
      await this.store.sendProbe(now);
      this.state.probeSentAt = now;
    } catch (err) {
      // The next alarm tries again.
      console.error("could not send a queue probe", String(err));
    }
  }
}
