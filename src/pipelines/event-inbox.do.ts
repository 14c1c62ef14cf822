import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { Alarm } from "../lib/alarm";
import { overdueAt, Recovery } from "../limiter/recovery";
import { LimiterSettings, SETTINGS_SCHEMA } from "../limiter/settings";
import type { AccountId } from "../store/ids";
import { INBOX_SCHEMA, InboxRows, type InboxRow } from "./inbox-rows";
import { recoverableEvents } from "./lost-events";

/**
 * Accepted events are kept this long at most. It is shorter than the 24 h in
 * which routing deduplicates a messageId, so a re-queued message never sends
 * anything twice; a message that could not be routed for that long (its
 * account's destinations unreadable all day) is logged and dropped.
 */
export const INBOX_KEEP_MS = 23 * 60 * 60 * 1000;
/** When one call could not re-queue every lost message (it is bounded), the alarm goes on this soon. */
const MORE_LOST_AFTER_MS = 1_000;
/**
 * Inboxes per account. A tracking request picks one at random, so one
 * account's ingest is not bound by one Durable Object's ~1,000 requests/s;
 * each inbox recovers its own messages.
 */
export const INBOXES_PER_ACCOUNT = 4;

/** An events message as the inbox keeps and queues it: its id (the `inbox.id` inside) and its JSON, inbox reference included. */
export interface InboxMessage {
  id: string;
  body: string;
}

/** The inbox a tracking request of `account` uses: one of INBOXES_PER_ACCOUNT, at random. */
export function inboxName(account: AccountId, random = Math.random()): string {
  return `events:${account}:${Math.floor(random * INBOXES_PER_ACCOUNT)}`;
}

/**
 * Where accepted tracking events wait until the events consumer has routed
 * them. The EVENTS queue alone would do in production, where a send that
 * resolved is durable; under `wrangler dev` the queue lives in the process's
 * memory, and a crash would lose events already answered 200. Here each
 * message is a row in SQLite until the consumer reports it routed, and the
 * same queue probe that finds the limiter's lost deliveries finds lost
 * events messages and queues them again (limiter/recovery.ts). In
 * production that also covers a message dropped after its dead-letter
 * retries ran out.
 */
export class EventInbox extends DurableObject<Bindings> {
  private readonly rows: InboxRows;
  private readonly settings: LimiterSettings;
  private readonly recovery: Recovery<InboxRow>;
  private readonly alarmClock: Alarm;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.storage.sql.exec(INBOX_SCHEMA + SETTINGS_SCHEMA);
    this.rows = new InboxRows(ctx.storage.sql);
    this.settings = new LimiterSettings(ctx.storage.sql);
    this.recovery = new Recovery(recoverableEvents(this.rows, this.settings, env.EVENTS), this.settings);
    this.alarmClock = new Alarm(ctx.storage);
  }

  /**
   * Keeps one request's events messages, then queues them, one sendBatch per
   * call as planned by chunkEvents: true once every one is both stored and
   * queued, which is what the tracking API's 200 promises. If the queue
   * refuses a call, that call's rows and the later ones are removed (they
   * were never queued) and the request is refused; messages queued before it
   * stay and are routed, and the client's retry is deduplicated by messageId.
   */
  async accept(name: string, calls: InboxMessage[][]): Promise<boolean> {
    const now = Date.now();
    this.settings.name = name;
    this.rows.insert(calls.flat(), now);
    // The moment these rows could first be overdue.
    await this.alarmClock.ensure(overdueAt(now));
    for (const [index, call] of calls.entries()) {
      try {
        await this.env.EVENTS.sendBatch(call.map(({ body }) => ({ body, contentType: "text" as const })));
      } catch (err) {
        console.error(`events sendBatch ${index + 1} of ${calls.length} failed`, String(err));
        this.rows.delete(calls.slice(index).flat().map((message) => message.id));
        return false;
      }
    }
    return true;
  }

  /**
   * The events consumer's report on a batch: `routed` messages are done;
   * `retrying` ones went back to the queue and are still looked after, so
   * recovery does not count them lost while they wait out their delay.
   */
  async routed(routed: string[], retrying: string[]): Promise<void> {
    this.rows.delete(routed);
    this.rows.touch(retrying, Date.now());
  }

  /** This inbox's probe reached a consumer: the messages it proves lost are queued again now. */
  async probeSeen(sentAt: number): Promise<void> {
    if (!this.settings.name) return;
    const now = Date.now();
    if (await this.recovery.probeReturned(sentAt, now)) await this.alarmClock.ensure(now + MORE_LOST_AFTER_MS);
  }

  /**
   * Drops what is too old to re-send safely, then looks for lost messages.
   * Re-armed only while rows remain, so an inbox whose events were all
   * routed does not wake.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const expired = this.rows.expire(now - INBOX_KEEP_MS);
    if (expired > 0) console.error(`dropped ${expired} events messages not routed within 23 h`);
    const more = this.settings.name ? await this.recovery.check(now) : false;
    await this.alarmClock.rearm([this.recovery.nextCheck(now), more ? now + MORE_LOST_AFTER_MS : null]);
  }
}
