import type { DeliveryJob } from "../delivery/model";
import { allowPrivateTargets, type Bindings } from "../env";
import { limiterFor } from "../limiter/client";
import { prepareAccept, type AcceptRequest } from "../limiter/protocol";
import { getAccount } from "../store/accounts";
import { listDestinations, openSharedSecret, type Destination } from "../store/destinations";
import type { AccountId } from "../store/ids";
import { secretBox } from "../store/secret-box";
import { destinationRequest } from "./destination-request";
import type { EventInbox } from "./event-inbox.do";
import { EventsMessage, EventsProbe, type InboxRef, type TrackingEvent } from "./event-message";
import { mapEvent } from "./mapping";
import { destinationMatches } from "./matching";
import type { BufferedEvents } from "./batch-buffer.do";

type Msg = Message<unknown>;
type Carried = { msg: Msg; events: TrackingEvent[]; inbox?: InboxRef };

/**
 * The EVENTS consumer: matching, mapping and batching in bulk. Per account in
 * the batch it reads the destinations once, makes one limiter call for every
 * unbatched delivery and one buffer call per batching destination, so ingest
 * never costs a Durable Object call per event.
 *
 * A messageId is delivered once per destination within 24 h: unbatched
 * deliveries carry it in their idempotency key, and each batch buffer
 * remembers the ids it took. So a message that fails part-way is simply
 * retried whole, and what already went through is not sent twice.
 *
 * Each inbox whose messages the batch carried then hears, in one call, which
 * are routed (it forgets them) and which went back to the queue; only after
 * that are the batch's probes answered, so a probe never overtakes the
 * messages that came with it (limiter/recovery.ts).
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const byAccount = new Map<AccountId, Carried[]>();
  const probes: Array<{ msg: Msg; probe: EventsProbe }> = [];
  for (const msg of batch.messages) {
    const body = messageBody(msg);
    const parsed = EventsMessage.safeParse(body);
    if (!parsed.success) {
      const probe = EventsProbe.safeParse(body);
      if (probe.success) probes.push({ msg, probe: probe.data });
      else {
        console.error("dropping an unreadable events message", msg.id, parsed.error.message);
        msg.ack();
      }
      continue;
    }
    const group = byAccount.get(parsed.data.account) ?? [];
    group.push({ msg, events: parsed.data.events, inbox: parsed.data.inbox });
    byAccount.set(parsed.data.account, group);
  }
  const reports = new Map<string, { routed: string[]; retrying: string[] }>();
  const report = (group: Carried[], outcome: "routed" | "retrying") => {
    for (const { inbox } of group) {
      if (!inbox) continue;
      const entry = reports.get(inbox.name) ?? { routed: [], retrying: [] };
      entry[outcome].push(inbox.id);
      reports.set(inbox.name, entry);
    }
  };
  await Promise.all(
    [...byAccount].map(async ([account, group]) => {
      try {
        await routeEvents(env, account, group.flatMap((entry) => entry.events));
        for (const { msg } of group) msg.ack();
        report(group, "routed");
      } catch (err) {
        console.error("events batch failed; returning it to the queue", account, String(err));
        for (const { msg } of group) msg.retry({ delaySeconds: 5 });
        report(group, "retrying");
      }
    }),
  );
  await Promise.all([...reports].map(([name, { routed, retrying }]) => tellInbox(name, (inbox) => inbox.routed(routed, retrying))));
  await Promise.all(probes.map(({ msg, probe }) => tellInbox(probe.inbox, (inbox) => inbox.probeSeen(probe.probe_sent_at)).then(() => msg.ack())));

  /**
   * Best effort: an inbox that does not hear of a routed message re-queues it
   * once a probe proves it gone, and routing it again sends nothing twice; an
   * unanswered probe is followed by another.
   */
  async function tellInbox(name: string, call: (inbox: DurableObjectStub<EventInbox>) => Promise<void>): Promise<void> {
    try {
      await call(env.EVENT_INBOX.getByName(name));
    } catch (err) {
      console.error("could not reach an event inbox", name, String(err));
    }
  }
}

/**
 * A message's body as sent: the inbox queues events messages as JSON text
 * (serialized once, in the Worker); probes, and messages from before the
 * inbox, arrive as JSON values. Text that is not JSON reads as itself and is
 * dropped as unreadable.
 */
function messageBody(msg: Msg): unknown {
  if (typeof msg.body !== "string") return msg.body;
  try {
    return JSON.parse(msg.body);
  } catch {
    return msg.body;
  }
}

/** Sends each event to every enabled destination whose trigger matches it. Throws when anything must be tried again. */
async function routeEvents(env: Bindings, accountId: AccountId, events: TrackingEvent[]): Promise<void> {
  const [account, destinations] = await Promise.all([getAccount(env.CONFIG, accountId), listDestinations(env.CONFIG, accountId)]);
  // A deleted account has nowhere to deliver to.
  if (!account) return;
  const enabled = destinations.filter((destination) => destination.enabled);
  if (enabled.length === 0) return;
  const { name: limiter, stub } = limiterFor(env, account);
  const box = secretBox(env.ENCRYPTION_KEY);
  const allowPrivate = allowPrivateTargets(env);

  const direct: Array<Promise<AcceptRequest>> = [];
  const buffered = new Map<string, BufferedEvents>();
  for (const destination of enabled) {
    const secret = openSharedSecret(destination, box);
    for (const event of events.filter((candidate) => destinationMatches(destination, candidate))) {
      const mapping = mapOrFailure(accountId, destination, event);
      if ("failure" in mapping) direct.push(Promise.resolve(mapping.failure));
      else if (destination.batch) {
        const entry = buffered.get(destination.id) ?? { limiter, account: accountId, destination, entries: [] };
        entry.entries.push({ messageId: event.messageId, mapped: mapping.body });
        buffered.set(destination.id, entry);
      } else direct.push(singleEventDelivery(accountId, destination, event, mapping.body, secret, allowPrivate));
    }
  }

  const requests = await Promise.all(direct);
  const outcomes = requests.length > 0 ? await stub.acceptPrepared(limiter, requests.map(prepareAccept)) : [];
  const unqueued = outcomes.filter((outcome) => !outcome.ok && outcome.reason === "queue_unavailable");
  await Promise.all([...buffered].map(([id, events]) => env.BATCH_BUFFER.getByName(`${accountId}/${id}`).add(events)));
  if (unqueued.length > 0) throw new Error(`${unqueued.length} deliveries could not be queued`);
}

/**
 * An event's mapped body, or — when the destination's template cannot map it
 * — a failed delivery saying why: an accepted event is delivered or recorded
 * as failed, never silently dropped.
 */
function mapOrFailure(account: AccountId, destination: Destination, event: TrackingEvent): { body: string } | { failure: AcceptRequest } {
  try {
    return { body: mapEvent(destination, event) };
  } catch (err) {
    return { failure: failedDelivery(account, destination, event, `could not map the event: ${(err as Error).message}`) };
  }
}

/** One event → one delivery, keyed by destination and messageId so a repeat within 24 h is the same delivery. */
async function singleEventDelivery(
  account: AccountId,
  destination: Destination,
  event: TrackingEvent,
  body: string,
  secret: Promise<string | undefined>,
  allowPrivate: boolean,
): Promise<AcceptRequest> {
  try {
    const request = await destinationRequest(destination, body, body, await secret, { allowPrivate });
    const job: DeliveryJob = { v: 2, account, source: { kind: "destination", id: destination.id }, customerId: null, request, onSuccess: null };
    return { job, idempotencyKey: eventKey(destination, event) };
  } catch (err) {
    return failedDelivery(account, destination, event, `could not build the request: ${(err as Error).message}`);
  }
}

function failedDelivery(account: AccountId, destination: Destination, event: TrackingEvent, failure: string): AcceptRequest {
  const request = { method: destination.method, url: destination.url, headers: {}, body: null };
  const job: DeliveryJob = { v: 2, account, source: { kind: "destination", id: destination.id }, customerId: null, request, onSuccess: null };
  return { job, idempotencyKey: eventKey(destination, event), failure };
}

const eventKey = (destination: Destination, event: TrackingEvent) => `event:${destination.id}:${event.messageId}`;
