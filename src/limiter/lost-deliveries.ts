import type { Bindings } from "../env";
import { deliveryQueueFor } from "../delivery/queues";
import { deliveryMessages, type DeliveryRef, type QueueProbe } from "../delivery/message";
import type { DeliveryLog } from "./delivery-log";
import type { Recoverable } from "./recovery";
import type { LimiterSettings } from "./settings";

/**
 * The limiter's deliveries as recovery (recovery.ts) sees them: a delivery is
 * seen whenever a consumer acquires, waits for or settles it, and a lost one
 * goes back on the limiter's delivery queue as a reference, like any
 * accepted delivery, and its probes travel that queue too (delivery/queues.ts).
 */
export function recoverableDeliveries(log: DeliveryLog, settings: LimiterSettings, env: Bindings): Recoverable<DeliveryRef> {
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
      await deliveryQueueFor(env, limiter()).sendBatch(messages.map((body) => ({ body, contentType: "json" as const })));
      log.touch(lost.map(({ id }) => id), now);
    },
    async sendProbe(sentAt) {
      const probe: QueueProbe = { v: 1, limiter: limiter(), probe_sent_at: sentAt };
      await deliveryQueueFor(env, probe.limiter).send(probe, { contentType: "json" });
    },
  };
}
