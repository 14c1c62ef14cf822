import type { Bindings } from "../env";
import { AppError } from "../errors";
import type { AccountId } from "../store/ids";
import { sortableId } from "../lib/sortable-id";
import { chunkEvents } from "./event-chunks";
import { inboxName, type InboxMessage } from "./event-inbox.do";
import type { SizedEvent } from "./tracking-events";

const UNAVAILABLE = "The events could not be queued; retry the request (events queued by an earlier attempt are deduplicated by messageId).";

/**
 * Hands one request's events to one of the account's inboxes, which keeps
 * them until they are routed and puts them on the EVENTS queue; returns once
 * they are both kept and queued: that is what the tracking API's 200
 * promises. Each message is serialized here, once, with its inbox reference:
 * the inbox stores and queues the very string, so the account's inbox
 * neither clones an object graph nor stringifies it twice. A failure is a 503 and the client retries the whole request;
 * events already queued by the failed attempt arrive twice, which routing
 * absorbs by deduplicating on (destination, messageId). Events without a
 * messageId got a fresh one here, so those cannot be deduplicated; every
 * analytics library sends its own.
 */
export async function enqueueEvents(env: Bindings, account: AccountId, events: readonly SizedEvent[]): Promise<void> {
  let queued: boolean;
  try {
    const name = inboxName(account);
    const now = Date.now();
    const calls: InboxMessage[][] = chunkEvents(account, events).map((call) =>
      call.map((message) => {
        const id = sortableId("evm", now);
        return { id, body: JSON.stringify({ ...message, inbox: { name, id } }) };
      }),
    );
    queued = await env.EVENT_INBOX.getByName(name).accept(name, calls);
  } catch (err) {
    console.error("the event inbox did not answer", String(err));
    queued = false;
  }
  if (!queued) throw new AppError("unavailable", UNAVAILABLE);
}
