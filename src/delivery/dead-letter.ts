import type { Bindings } from "../env";
import { limiterByName } from "../limiter/client";
import { deliveryMessages, inSendBatches, readDeliveryMessage } from "./message";
import { deliveryQueueFor } from "./queues";
import { loadSenders } from "./senders";

/**
 * The dead-letter queue receives messages whose processing crashed repeatedly.
 * A message of one delivery is recorded as failed with the reason, so nothing
 * accepted disappears without a trace. A message of several goes back to the
 * limiter's delivery queue split into one message per delivery: one delivery that crashes
 * the consumer must not fail the others accepted alongside it, and each copy
 * gets the queue's retries of its own before it lands here alone.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const accounts = batch.messages.flatMap((msg) => {
    const read = readDeliveryMessage(msg.body);
    return read.ok ? read.message.deliveries.map((ref) => ref.account) : [];
  });
  // A dead letter is a final failure: its account's reporting target hears webhook_failed.
  const reporting = (await loadSenders(env, accounts)).reportingTargets();
  await Promise.all(
    batch.messages.map(async (msg) => {
      const read = readDeliveryMessage(msg.body);
      if (!read.ok) {
        console.error("unreadable dead letter", msg.id, read.error);
        msg.ack();
        return;
      }
      const { limiter, deliveries } = read.message;
      try {
        if (deliveries.length > 1) {
          const singles = deliveries.flatMap((ref) => deliveryMessages(limiter, [ref]));
          for (const run of inSendBatches(singles)) await deliveryQueueFor(env, limiter).sendBatch(run.map((body) => ({ body, contentType: "json" as const })));
        } else {
          await limiterByName(env, limiter).markFailed(deliveries[0]!.id, "dead-lettered: the delivery consumer crashed on it repeatedly", reporting);
        }
        msg.ack();
      } catch (err) {
        console.error("could not record a dead letter; retrying", msg.id, err);
        msg.retry();
      }
    }),
  );
}
