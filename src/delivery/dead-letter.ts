import type { Bindings } from "../env";
import { limiterByName } from "../limiter/client";
import { DeliveryMessage } from "./message";
import { loadSenders } from "./senders";

/**
 * The dead-letter queue receives messages whose processing crashed repeatedly.
 * Each is recorded as failed with the reason, so nothing accepted disappears
 * without a trace.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const accounts = batch.messages.flatMap((msg) => {
    const parsed = DeliveryMessage.safeParse(msg.body);
    return parsed.success ? [parsed.data.account] : [];
  });
  // A dead letter is a final failure: its account's reporting target hears webhook_failed.
  const reporting = (await loadSenders(env, accounts)).reportingTargets();
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = DeliveryMessage.safeParse(msg.body);
      if (!parsed.success) {
        console.error("unreadable dead letter", msg.id, parsed.error.message);
        msg.ack();
        return;
      }
      try {
        const { limiter, delivery_id } = parsed.data;
        await limiterByName(env, limiter).markFailed(delivery_id, "dead-lettered: the delivery consumer crashed on it repeatedly", reporting);
        msg.ack();
      } catch (err) {
        console.error("could not record a dead letter; retrying", msg.id, err);
        msg.retry();
      }
    }),
  );
}
