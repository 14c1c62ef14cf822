import { deliveryMessages, type DeliveryRef, type QueueProbe } from "../delivery/message";
import type { DeliveryLog } from "./delivery-log";
import type { Recoverable } from "./recovery";
import type { LimiterSettings } from "./settings";

/**
 * The limiter's deliveries as recovery (recovery.ts) sees them: a delivery is
 * seen whenever a consumer acquires, waits for or settles it, and a lost one
 * goes back on DELIVERIES as a reference, like any accepted delivery.
 */
export function recoverableDeliveries(log: DeliveryLog, settings: LimiterSettings, queue: Queue): Recoverable<DeliveryRef> {
  const limiter = () => {
    if (!settings.name) throw new Error("the limiter does not know its name yet");
    return settings.name;
  };
  return {
    noun: "deliveries",
    orphaned: (before, limit, now) => log.orphaned(before, limit, now) as DeliveryRef[],
    oldestSighting: (now) => log.oldestSighting(now),
    async requeue(lost, now) {
      const messages = deliveryMessages(limiter(), lost);
      await queue.sendBatch(messages.map((body) => ({ body, contentType: "json" as const })));
      log.touch(lost.map(({ id }) => id), now);
    },
    async sendProbe(sentAt) {
      const probe: QueueProbe = { v: 1, limiter: limiter(), probe_sent_at: sentAt };
      await queue.send(probe, { contentType: "json" });
    },
  };
}
