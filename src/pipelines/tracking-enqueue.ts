import { AppError } from "../errors";
import type { AccountId } from "../store/ids";
import { chunkEvents } from "./event-chunks";
import type { SizedEvent } from "./tracking-events";

/**
 * Puts one request's events on the EVENTS queue and returns once all of them
 * are durably there: that is what the tracking API's 200 promises.
 *
 * The calls go one after another, so a failure stops the rest. If one fails
 * after earlier ones went out, the request is answered 503 anyway: the client
 * retries the whole request, and the events that were already queued arrive
 * twice, which the events consumer absorbs by deduplicating on
 * (account, messageId). Events without a messageId got a fresh one here, so
 * those cannot be deduplicated; every analytics library sends its own.
 */
export async function enqueueEvents(queue: Queue, account: AccountId, events: readonly SizedEvent[]): Promise<void> {
  const calls = chunkEvents(account, events);
  for (const [index, messages] of calls.entries()) {
    try {
      await queue.sendBatch(messages.map((body) => ({ body, contentType: "json" as const })));
    } catch (err) {
      console.error(`events sendBatch ${index + 1} of ${calls.length} failed`, String(err));
      throw new AppError("unavailable", "The events could not be queued; retry the request (events queued by an earlier attempt are deduplicated by messageId).");
    }
  }
}
