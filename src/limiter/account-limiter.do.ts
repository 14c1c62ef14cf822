import { DurableObject } from "cloudflare:workers";
import { newId } from "../auth/secrets";
import { Alarm } from "../lib/alarm";
import { deliveryMessages, inSendBatches, newDeliveryId, type DeliveryRef } from "../delivery/message";
import { deliveryQueueFor } from "../delivery/queues";
import type { DeliveryJob, DeliveryView } from "../delivery/model";
import { byteLength, withinBytes } from "../lib/encoding";
import { sortableId } from "../lib/sortable-id";
import type { AccountId, CustomerId, DeliveryId } from "../store/ids";
import { kvKeys } from "../store/keys";
import { AttributeStore, ATTRIBUTE_SCHEMA, type Attributes } from "./attribute-store";
import { DELIVERY_SCHEMA, DeliveryLog, MAX_STORED_JOB_BYTES, migrateDeliveryLog, type DeliveryFilter, type JobEntry, type NewDelivery } from "./delivery-log";
import { INBOUND_SCHEMA, InboundLog, type InboundEvent, type InboundFilter } from "./inbound-log";
import { LIVE_PATH, notifyLive, openLiveSocket } from "./live-feed";
import { PERMIT_SCHEMA, Permits } from "./permits";
import { recoverableDeliveries } from "./lost-deliveries";
import { overdueAt, Recovery } from "./recovery";
import { reportingDeliveries, type DeliveryOutcome, type ReportingTarget } from "../reporting/outcome-events";
import { leaseMsFor, prepareAccept, type AcceptOutcome, type AcceptRequest, type AcquireResult, type AttemptResult, type GrantedDelivery, type InboundOutcome, type PreparedAccept, type ReceivedInbound } from "./protocol";
import { LimiterSettings, SETTINGS_SCHEMA } from "./settings";

/** The alarm prunes the logs at least this often. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** When a call could not re-queue every lost delivery (it is bounded), the alarm goes on this soon. */
const MORE_LOST_AFTER_MS = 1_000;
/** A queue message may arrive this much before its retry is due and still count as that retry. */
const EARLY_SLACK_MS = 2_000;

type AttributeUpdate = { account: AccountId; customerId: CustomerId; values: Attributes };

/** The first delivery's outcome, as a repeat of its idempotency key sees it. */
async function asDuplicate(first: AcceptOutcome | Promise<AcceptOutcome>): Promise<AcceptOutcome> {
  const outcome = await first;
  return outcome.ok ? { ...outcome, duplicate: true } : outcome;
}

const QUEUE_UNAVAILABLE: AcceptOutcome = { ok: false, reason: "queue_unavailable", message: "The delivery could not be queued; nothing was accepted. Try again." };

/**
 * One per account, or per shard when accounts share one: the strongly
 * consistent place for that account's concurrency permits, delivery log and
 * attribute writes. Consumers talk to it once per batch, not per message.
 */
export class AccountLimiter extends DurableObject<Env> {
  private readonly log: DeliveryLog;
  private readonly permits: Permits;
  private readonly attributes: AttributeStore;
  private readonly settings: LimiterSettings;
  private readonly inbound: InboundLog;
  private readonly recovery: Recovery<DeliveryRef>;
  /** Accepts whose queue send is in flight, by idempotency key: a duplicate waits for the outcome. */
  private readonly accepting = new Map<string, Promise<AcceptOutcome>>();
  private readonly alarmClock: Alarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    migrateDeliveryLog(sql);
    sql.exec(DELIVERY_SCHEMA + PERMIT_SCHEMA + ATTRIBUTE_SCHEMA + SETTINGS_SCHEMA + INBOUND_SCHEMA);
    this.log = new DeliveryLog(sql);
    this.permits = new Permits(sql);
    this.attributes = new AttributeStore(sql);
    this.settings = new LimiterSettings(sql);
    this.inbound = new InboundLog(sql);
    this.recovery = new Recovery(recoverableDeliveries(this.log, this.settings, env), this.settings);
    this.alarmClock = new Alarm(ctx.storage);
  }

  /** The cap every account of this limiter shares: the concurrency most recently saved on any of them. */
  /** The one HTTP entry: a dashboard's live socket (live-feed.ts); everything else is RPC. */
  override async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === LIVE_PATH) return openLiveSocket(this.ctx, request);
    return new Response("not found", { status: 404 });
  }

  override async webSocketClose(socket: WebSocket): Promise<void> {
    try {
      socket.close(1000, "closed");
    } catch {
      // Already closed.
    }
  }

  async setConcurrency(limiter: string, concurrency: number): Promise<void> {
    this.settings.name = limiter;
    this.settings.concurrency = concurrency;
  }

  /** One delivery: see acceptMany. */
  async accept(limiter: string, job: DeliveryJob, options: { idempotencyKey?: string; replayOf?: string } = {}): Promise<AcceptOutcome> {
    const [outcome] = await this.acceptMany(limiter, [{ job, ...options }]);
    return outcome!;
  }

  /** Deliveries whose jobs the limiter prepares itself: see acceptPrepared. */
  async acceptMany(limiter: string, requests: AcceptRequest[]): Promise<AcceptOutcome[]> {
    return this.acceptPrepared(limiter, requests.map(prepareAccept));
  }

  /**
   * Records deliveries and puts their references on the queue, in one call
   * however many there are (the events consumer accepts a whole batch at
   * once); each answers ok only once it is queued, so a 202 always means kept.
   * The callers in the Worker serialize the jobs (prepareAccept), so this
   * serial point only checks and stores them. Idempotency checks and inserts
   * run without an await between them, and a duplicate that arrives while the
   * first is being queued waits for it.
   */
  async acceptPrepared(limiter: string, requests: PreparedAccept[]): Promise<AcceptOutcome[]> {
    const now = Date.now();
    const outcomes: Array<AcceptOutcome | Promise<AcceptOutcome>> = [];
    const fresh: Array<{ index: number; id: DeliveryId; key: string | null }> = [];
    /** Keys first used in this call, by the index of the request that used them; later ones share its outcome. */
    const claimed = new Map<string, number>();
    const repeats: Array<{ index: number; first: number }> = [];
    /** Rows are written together after the loop: one statement per group, not one per delivery. */
    const rows: NewDelivery[] = [];
    const failures: Array<{ id: DeliveryId; failure: string }> = [];
    this.settings.name = limiter;
    for (const [index, { job, idempotencyKey, replayOf, failure }] of requests.entries()) {
      const key = idempotencyKey ? `${job.account}\n${idempotencyKey}` : null;
      if (key !== null && claimed.has(key)) {
        repeats.push({ index, first: claimed.get(key)! });
        continue;
      }
      const earlier = key === null ? undefined : this.duplicateOf(key, job.account, idempotencyKey!, now);
      if (earlier) {
        outcomes[index] = earlier;
        continue;
      }
      if (!withinBytes(job.json, MAX_STORED_JOB_BYTES)) {
        const message = `The delivery would store ${byteLength(job.json)} bytes (the rendered request plus the template inputs its attribute updates need); the limit is ${MAX_STORED_JOB_BYTES}`;
        outcomes[index] = { ok: false, reason: "too_large", message };
        continue;
      }
      const id = newDeliveryId(now);
      rows.push({ id, job, idempotencyKey, replayOf });
      if (key) claimed.set(key, index);
      if (failure !== undefined) {
        failures.push({ id, failure });
        outcomes[index] = { ok: true, deliveryId: id, duplicate: false };
        continue;
      }
      fresh.push({ index, id, key });
    }
    this.log.insertMany(rows, now);
    for (const { id, failure } of failures) this.log.fail(id, failure, now);

    const queued = this.enqueue(limiter, fresh.map(({ index, id }) => ({ id, account: requests[index]!.job.account })));
    for (const { index, id, key } of fresh) {
      const outcome = queued.then((failed): AcceptOutcome => failed.has(id) ? QUEUE_UNAVAILABLE : { ok: true, deliveryId: id, duplicate: false });
      outcomes[index] = outcome;
      if (key) this.accepting.set(key, outcome);
    }
    for (const { index, first } of repeats) outcomes[index] = asDuplicate(outcomes[first]!);
    try {
      await queued;
    } finally {
      for (const { key } of fresh) if (key) this.accepting.delete(key);
    }
    // Armed whenever deliveries are pending: the alarm is what notices a lost message (recovery.ts).
    if (fresh.length > 0) await this.alarmClock.ensure(overdueAt(now));
    notifyLive(this.ctx, requests.map(({ job }) => job.account));
    return Promise.all(outcomes);
  }

  /** The outcome a repeated idempotency key gets: the first delivery's, whether still being queued or stored. */
  private duplicateOf(key: string, account: AccountId, idempotencyKey: string, now: number): Promise<AcceptOutcome> | AcceptOutcome | undefined {
    const pending = this.accepting.get(key);
    if (pending) return asDuplicate(pending);
    const existing = this.log.findByIdempotencyKey(account, idempotencyKey, now);
    return existing ? { ok: true, deliveryId: existing, duplicate: true } : undefined;
  }

  /**
   * A new delivery of the stored request of `id`, exactly as it was rendered
   * then: the action may have changed or been deleted since. Null when the
   * account has no such delivery.
   */
  async replay(limiter: string, account: AccountId, id: DeliveryId): Promise<AcceptOutcome | null> {
    const original = this.log.job(id);
    if (!original || original.job.account !== account) return null;
    return this.accept(limiter, original.job, { replayOf: id });
  }

  /** Takes permits for a batch of deliveries, up to the shared concurrency cap, under one lease (by default as long as leaseMsFor the number granted). */
  async acquire(ids: string[], leaseMs?: number): Promise<AcquireResult> {
    const now = Date.now();
    const result: AcquireResult = { leaseId: null, granted: [], waiting: [], settled: [] };
    const pending: GrantedDelivery[] = [];
    const entries = this.log.jobs(ids);
    for (const id of ids) {
      const entry = entries.get(id);
      if (!entry || this.nothingToDo(entry, now)) result.settled.push(id);
      else pending.push({
        id,
        account: entry.job.account,
        kind: entry.job.source.kind,
        request: entry.job.request,
        setsAttributes: entry.job.onSuccess !== null,
        attempts: entry.attemptCount,
      });
    }
    if (pending.length === 0) return result;

    const leaseId = newId("lease");
    // Without a length asked for, the lease fits what is granted (leaseMsFor).
    const leaseEnd = (permits: number) => now + (leaseMs ?? leaseMsFor(permits));
    const granted = this.permits.take(leaseId, pending.length, this.settings.concurrency, leaseEnd, now);
    result.granted = pending.slice(0, granted);
    result.waiting = pending.slice(granted).map(({ id }) => id);
    if (result.granted.length > 0) this.log.markSending(result.granted.map(({ id }) => id), leaseId, now);
    if (result.waiting.length > 0) this.log.touch(result.waiting, now);
    if (granted > 0) {
      result.leaseId = leaseId;
      notifyLive(this.ctx, result.granted.map(({ account }) => account));
      await this.alarmClock.ensure(leaseEnd(granted));
    }
    return result;
  }

  /**
   * Queues deliver at least once, so a message can be a copy: of a delivery
   * that is finished, being sent under another consumer's live lease, or
   * already rescheduled for later (whose own message will come).
   */
  private nothingToDo(entry: JobEntry, now: number): boolean {
    if (entry.status === "sent" || entry.status === "failed") return true;
    if (entry.status === "sending" && entry.leaseId && this.permits.isLive(entry.leaseId, now)) return true;
    return entry.status === "retrying" && entry.nextAttemptAt !== null && entry.nextAttemptAt > now + EARLY_SLACK_MS;
  }

  /**
   * Records the attempts of a batch and returns its permits. On a 2xx the
   * action's attribute templates render here, one delivery at a time, so
   * concurrent increments for one customer all count. With `next`, the
   * batch's deliveries still waiting for a permit are acquired in the same
   * call, with the permits just returned: one round trip instead of two.
   */
  async settle(
    leaseId: string | null,
    results: AttemptResult[],
    reporting: Record<string, ReportingTarget> = {},
    next?: { ids: string[]; leaseMs?: number },
  ): Promise<AcquireResult | null> {
    const now = Date.now();
    // Outcomes feed reporting webhooks only; without a reporting target in the batch there is nothing to read them for.
    const reports = Object.keys(reporting).length > 0;
    const written = new Map<string, AttributeUpdate>();
    const records = results.map((result) => {
      let error = result.next.status === "sent" ? undefined : result.next.error;
      // fullBody comes only with jobs that set attributes; only then is the stored job read.
      const job = result.next.status === "sent" && result.fullBody !== undefined ? this.log.job(result.id)?.job : undefined;
      if (job?.onSuccess && job.customerId && result.response) {
        try {
          const values = this.attributes.applyResponse(job.account, job.customerId, job.onSuccess, result.response, result.fullBody ?? result.response.body, now);
          written.set(`${job.account}\n${job.customerId}`, { account: job.account, customerId: job.customerId, values });
        } catch (err) {
          error = `sent, but the attribute update failed: ${(err as Error).message}`;
        }
      }
      const nextAttemptAt = result.next.status === "retrying" ? result.next.at : undefined;
      return { id: result.id, attempt: result.attempt, status: result.next.status, response: result.response, error, nextAttemptAt };
    });
    this.log.recordAttempts(records, now);
    const outcomes: DeliveryOutcome[] = [];
    if (reports) {
      for (const { id, status, error, attempt } of records) {
        const outcome = this.log.outcome(id, status === "retrying" ? "attempted" : status, { status: attempt.status, error: error ?? attempt.error });
        if (outcome) outcomes.push(outcome);
      }
    }
    if (leaseId) this.permits.release(leaseId);
    if (results.length > 0) notifyLive(this.ctx);
    // Acquired before the awaits below, so no other consumer's call can take the returned permits in between.
    const acquired = next && next.ids.length > 0 ? this.acquire(next.ids, next.leaseMs) : null;
    await Promise.all([this.writeThrough([...written.values()]), this.report(outcomes, reporting, now)]);
    return acquired;
  }

  /**
   * Reporting webhooks for the outcomes just recorded, created here in bulk
   * (one acceptMany), by the code that records them. If they cannot be queued
   * now, their rows stay and the orphan sweep queues them later; the outcome
   * itself is already recorded either way.
   */
  private async report(outcomes: DeliveryOutcome[], targets: Record<string, ReportingTarget>, now: number): Promise<void> {
    const requests = reportingDeliveries(outcomes, targets, new Date(now));
    if (requests.length === 0 || !this.settings.name) return;
    const results = await this.acceptMany(this.settings.name, requests);
    const lost = results.filter((result) => !result.ok).length;
    if (lost > 0) console.error(`${lost} reporting webhooks could not be queued`);
  }

  /**
   * KV is the edge read replica, one write per customer per batch. The copy in
   * SQLite is already committed, so a failed KV write (KV allows about one
   * write per second per key) must not undo the batch; the next write catches up.
   */
  private async writeThrough(updates: AttributeUpdate[]): Promise<void> {
    const writes = updates.map(({ account, customerId, values }) => {
      const key = kvKeys.attributes(account, customerId);
      return Object.keys(values).length === 0 ? this.env.ATTRIBUTES.delete(key) : this.env.ATTRIBUTES.put(key, JSON.stringify(values));
    });
    for (const outcome of await Promise.allSettled(writes)) {
      if (outcome.status === "rejected") console.error("attribute write-through to KV failed", String(outcome.reason));
    }
  }

  /** Ends a delivery that can no longer be attempted (dead-lettered). */
  async markFailed(id: string, reason: string, reporting: Record<string, ReportingTarget> = {}): Promise<void> {
    const now = Date.now();
    // A delivery that already finished (a copy of its message was dead-lettered) keeps its outcome, and nobody hears of a failure.
    if (!this.log.fail(id, reason, now)) return;
    notifyLive(this.ctx);
    const outcome = this.log.outcome(id, "failed", { error: reason });
    if (outcome) await this.report([outcome], reporting, now);
  }

  async getDelivery(account: string, id: string): Promise<DeliveryView | null> {
    return this.log.get(account, id);
  }

  async listDeliveries(account: string, filter: DeliveryFilter): Promise<DeliveryView[]> {
    return this.log.list(account, filter);
  }

  async getAttributes(account: AccountId, customerId: CustomerId): Promise<Attributes> {
    return this.attributes.get(account, customerId);
  }

  /** Clears one stored attribute, or all of a customer's when `name` is absent; returns what is left. */
  async clearAttributes(account: AccountId, customerId: CustomerId, name?: string): Promise<Attributes> {
    const values = this.attributes.clear(account, customerId, name, Date.now());
    await this.writeThrough([{ account, customerId, values }]);
    return values;
  }

  /**
   * Records a verified inbound event and, when it is to be forwarded, accepts
   * the forward in the same call. The same dedupe key (a signature) within
   * its window is recorded as a duplicate and forwards nothing. If the
   * forward cannot be queued, nothing is recorded and the sender is told to
   * try again.
   */
  async receiveInbound(limiter: string, event: ReceivedInbound, forward: AcceptRequest | null): Promise<InboundOutcome> {
    const now = Date.now();
    const id = sortableId("in", now);
    const first = event.dedupeKey ? this.inbound.firstWith(event.account, event.source, event.dedupeKey, now - event.dedupeWindowMs) : null;
    const status = first ? "duplicate" : event.filtered ? "filtered" : "accepted";
    this.inbound.insert({ id, account: event.account, source: event.source, status, type: event.type, receivedAt: now, sentAt: event.sentAt, dedupeKey: event.dedupeKey, body: event.body, reason: first ? `a replay of ${first}` : null });
    await this.alarmClock.ensure(now + SWEEP_EVERY_MS);
    if (status !== "accepted" || !forward) return { ok: true, eventId: id, duplicate: status === "duplicate", deliveryId: null };
    const [outcome] = await this.acceptMany(limiter, [forward]);
    if (!outcome!.ok) {
      this.inbound.delete(id);
      return outcome!;
    }
    this.inbound.setDelivery(id, outcome!.deliveryId);
    return { ok: true, eventId: id, duplicate: false, deliveryId: outcome!.deliveryId };
  }

  /** Records a request that failed verification: why, and nothing of its body. */
  async refuseInbound(account: AccountId, source: string, reason: string): Promise<void> {
    const now = Date.now();
    this.inbound.insert({ id: sortableId("in", now), account, source, status: "refused", type: null, receivedAt: now, sentAt: null, dedupeKey: null, body: null, reason });
    await this.alarmClock.ensure(now + SWEEP_EVERY_MS);
  }

  async getInbound(account: AccountId, source: string, id: string): Promise<InboundEvent | null> {
    return this.inbound.get(account, source, id);
  }

  async listInbound(account: AccountId, source: string, filter: InboundFilter): Promise<InboundEvent[]> {
    return this.inbound.list(account, source, filter);
  }

  /**
   * Expires abandoned leases, prunes the logs, and looks for deliveries whose
   * queue message was lost (recovery.ts). Re-arms while there is work: for the
   * next lease expiry, the next delivery that could become overdue, or the
   * hourly prune. Alarms are kept in the object's storage, so they outlive a
   * restart of the runtime.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.permits.dropExpired(now);
    this.log.prune(now);
    this.inbound.prune(now);
    // A limiter that never learned its name has never accepted anything.
    const more = this.settings.name ? await this.recovery.check(now) : false;
    await this.alarmClock.rearm([
      this.permits.nextExpiry(),
      this.recovery.nextCheck(now),
      more ? now + MORE_LOST_AFTER_MS : null,
      this.log.isEmpty() ? null : now + SWEEP_EVERY_MS,
    ]);
  }

  /**
   * A queue probe this limiter sent at `sentAt` has reached a consumer: the
   * deliveries it proves lost are queued again now, not at the next alarm.
   */
  async probeSeen(sentAt: number): Promise<void> {
    if (!this.settings.name) return;
    const now = Date.now();
    if (await this.recovery.probeReturned(sentAt, now)) await this.alarmClock.ensure(now + MORE_LOST_AFTER_MS);
  }

  /**
   * Queues references to new deliveries, together: one message per 100
   * deliveries, 20 messages per sendBatch (delivery/message.ts). Resolves to the ids that could not be queued: their rows
   * are removed, so not queued means not accepted and nothing is left behind.
   */
  private async enqueue(limiter: string, deliveries: DeliveryRef[]): Promise<Set<DeliveryId>> {
    const failed = new Set<DeliveryId>();
    for (const chunk of inSendBatches(deliveryMessages(limiter, deliveries))) {
      const ids = chunk.flatMap((message) => message.deliveries.map(({ id }) => id));
      if (failed.size > 0) {
        for (const id of ids) failed.add(id);
        continue;
      }
      try {
        await deliveryQueueFor(this.env, limiter).sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
      } catch (err) {
        console.error("queue send failed; these deliveries were not accepted", String(err));
        for (const id of ids) failed.add(id);
      }
    }
    for (const id of failed) this.log.delete(id);
    return failed;
  }
}
