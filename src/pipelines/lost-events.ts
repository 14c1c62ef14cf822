import type { Recoverable } from "../limiter/recovery";
import type { LimiterSettings } from "../limiter/settings";
import { packSized, QUEUE_LIMITS } from "./event-chunks";
import type { EventsProbe } from "./event-message";
import type { InboxRow, InboxRows } from "./inbox-rows";

/**
 * The inbox's events messages as recovery (limiter/recovery.ts) sees them: a
 * message is seen when it is queued or a consumer hands it back, and a lost
 * one goes back on EVENTS exactly as it was first queued, so routing
 * deduplicates it by messageId.
 */
export function recoverableEvents(rows: InboxRows, settings: LimiterSettings, queue: Queue): Recoverable<InboxRow> {
  const inbox = () => {
    if (!settings.name) throw new Error("the inbox does not know its name yet");
    return settings.name;
  };
  return {
    noun: "events messages",
    orphaned: (before, limit) => rows.orphaned(before, limit),
    oldestSighting: () => rows.oldestSighting(),
    async requeue(lost, now) {
      const calls = packSized(lost, (row) => row.bytes + QUEUE_LIMITS.metadataBytes, {
        maxBytes: QUEUE_LIMITS.sendBatchBytes,
        maxItems: QUEUE_LIMITS.sendBatchMessages,
      });
      for (const call of calls) {
        await queue.sendBatch(call.map((row) => ({ body: row.body, contentType: "text" as const })));
        rows.touch(call.map((row) => row.id), now);
      }
    },
    async sendProbe(sentAt) {
      const probe: EventsProbe = { v: 1, inbox: inbox(), probe_sent_at: sentAt };
      await queue.send(probe, { contentType: "json" });
    },
  };
}
