import { DurableObject } from "cloudflare:workers";
import type { Attempt, DeliveryJob, DeliveryView, LoggedResponse } from "../delivery/model";
import { newDeliveryId, type DeliveryMessage } from "../delivery/message";
import { newId } from "../auth/secrets";
import { kvKeys } from "../store/keys";
import type { RenderedRequest } from "../templates/render-request";
import { renderAttributes } from "../templates/render-attributes";
import { responseScope } from "../templates/scope";
import { AttributeStore, ATTRIBUTE_SCHEMA, type Attributes } from "./attribute-store";
import { DELIVERY_SCHEMA, DeliveryLog, type DeliveryFilter } from "./delivery-log";
import { PERMIT_SCHEMA, Permits } from "./permits";

const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface AcquireResult {
  leaseId: string | null;
  /** Permits granted: send these now. */
  granted: GrantedDelivery[];
  /** No permit free: try again shortly; this does not count as an attempt. */
  waiting: string[];
  /** Already sent or failed (a duplicate queue message), or no longer in the log: nothing to do. */
  settled: string[];
}

/** What a consumer needs to send one delivery. */
export interface GrantedDelivery {
  id: string;
  account: string;
  request: RenderedRequest;
  /** Whether a 2xx body is rendered into attributes (then the whole body is sent back). */
  setsAttributes: boolean;
  /** Attempts already made. */
  attempts: number;
}

export interface AttemptResult {
  id: string;
  attempt: Attempt;
  next: { status: "sent" } | { status: "failed"; error: string } | { status: "retrying"; error: string; at: number };
  response?: LoggedResponse;
  /** The whole response body, when the job has attribute templates to render against it. */
  fullBody?: string;
}

/**
 * One per account, or per shard when accounts share one: the strongly
 * consistent place for that account's concurrency permits, delivery log and
 * attribute writes. Consumers talk to it once per batch, not per message.
 */
export class AccountLimiter extends DurableObject<Env> {
  private readonly log: DeliveryLog;
  private readonly permits: Permits;
  private readonly attributes: AttributeStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(DELIVERY_SCHEMA + PERMIT_SCHEMA + ATTRIBUTE_SCHEMA);
    this.log = new DeliveryLog(sql);
    this.permits = new Permits(sql);
    this.attributes = new AttributeStore(sql);
  }

  /**
   * Records a delivery and puts its reference on the queue. The idempotency
   * check and the insert run without an await between them, so two triggers
   * with one key cannot both get through.
   */
  async accept(
    limiter: string,
    job: DeliveryJob,
    options: { idempotencyKey?: string; replayOf?: string } = {},
  ): Promise<{ deliveryId: string; duplicate: boolean }> {
    const now = Date.now();
    if (options.idempotencyKey) {
      const existing = this.log.findByIdempotencyKey(job.account, options.idempotencyKey, now);
      if (existing) return { deliveryId: existing, duplicate: true };
    }
    const id = newDeliveryId(now);
    this.log.insert(id, job, now, options);
    const message: DeliveryMessage = { v: 1, limiter, account: job.account, delivery_id: id };
    try {
      await this.env.DELIVERIES.send(message, { contentType: "json" });
    } catch (err) {
      // Not queued means not accepted: the caller gets an error, not a 202.
      this.log.delete(id);
      throw err;
    }
    await this.ensureAlarm(now + PRUNE_EVERY_MS);
    return { deliveryId: id, duplicate: false };
  }

  /** A new delivery of the same request as `id`. */
  async replay(limiter: string, account: string, id: string): Promise<{ deliveryId: string } | null> {
    const original = this.log.job(id);
    if (!original || original.job.account !== account) return null;
    const { deliveryId } = await this.accept(limiter, original.job, { replayOf: id });
    return { deliveryId };
  }

  /** Takes permits for a batch of deliveries, up to the account's concurrency. */
  async acquire(ids: string[], cap: number, leaseMs: number): Promise<AcquireResult> {
    const now = Date.now();
    const result: AcquireResult = { leaseId: null, granted: [], waiting: [], settled: [] };
    const pending: GrantedDelivery[] = [];
    for (const id of ids) {
      const entry = this.log.job(id);
      if (!entry || entry.status === "sent" || entry.status === "failed") result.settled.push(id);
      else pending.push({
        id,
        account: entry.job.account,
        request: entry.job.request,
        setsAttributes: Object.keys(entry.job.attributes).length > 0,
        attempts: entry.attempts.length,
      });
    }
    if (pending.length === 0) return result;

    const leaseId = newId("lease");
    const granted = this.permits.take(leaseId, pending.length, cap, now + leaseMs, now);
    if (granted > 0) {
      result.leaseId = leaseId;
      result.granted = pending.slice(0, granted);
      for (const { id } of result.granted) this.log.markSending(id, now);
      await this.ensureAlarm(now + leaseMs);
    }
    result.waiting = pending.slice(granted).map(({ id }) => id);
    return result;
  }

  /**
   * Records the attempts of a batch and returns its permits. On a 2xx the
   * action's attribute templates render here, against the attributes as they
   * are now, so concurrent increments for one customer all count.
   */
  async settle(leaseId: string | null, results: AttemptResult[]): Promise<void> {
    const now = Date.now();
    const written = new Map<string, { account: string; customerId: string; values: Attributes }>();
    for (const result of results) {
      const entry = this.log.job(result.id);
      if (!entry) continue;
      let error = result.next.status === "sent" ? undefined : result.next.error;
      if (result.next.status === "sent" && Object.keys(entry.job.attributes).length > 0 && result.response) {
        try {
          const values = this.renderAttributeUpdate(entry.job, result.response, result.fullBody ?? result.response.body);
          const merged = this.attributes.merge(entry.job.account, entry.job.customerId, values, now);
          written.set(`${entry.job.account}\n${entry.job.customerId}`, { account: entry.job.account, customerId: entry.job.customerId, values: merged });
        } catch (err) {
          error = `sent, but the attribute update failed: ${(err as Error).message}`;
        }
      }
      this.log.recordAttempt(result.id, result.attempt, {
        status: result.next.status,
        response: result.response,
        error,
        nextAttemptAt: result.next.status === "retrying" ? result.next.at : undefined,
      }, now);
    }
    if (leaseId) this.permits.release(leaseId);
    // KV is the edge read replica; one write per customer per batch.
    await Promise.all(
      [...written.values()].map(({ account, customerId, values }) =>
        this.env.ATTRIBUTES.put(kvKeys.attributes(account, customerId), JSON.stringify(values)),
      ),
    );
  }

  /** Ends a delivery that can no longer be attempted (dead-lettered). */
  async markFailed(id: string, reason: string): Promise<boolean> {
    return this.log.fail(id, reason, Date.now());
  }

  async getDelivery(account: string, id: string): Promise<DeliveryView | null> {
    return this.log.get(account, id);
  }

  async listDeliveries(account: string, filter: DeliveryFilter): Promise<DeliveryView[]> {
    return this.log.list(account, filter);
  }

  async getAttributes(account: string, customerId: string): Promise<Attributes> {
    return this.attributes.get(account, customerId);
  }

  /** Expires abandoned leases and prunes the log; re-arms while there is work. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.permits.dropExpired(now);
    this.log.prune(now);
    const nextLease = this.permits.nextExpiry();
    this.alarmAt = null;
    if (nextLease !== null || !this.log.isEmpty()) {
      this.alarmAt = Math.min(nextLease ?? Infinity, now + PRUNE_EVERY_MS);
      await this.ctx.storage.setAlarm(this.alarmAt);
    }
  }

  private renderAttributeUpdate(job: DeliveryJob, response: LoggedResponse, body: string): Attributes {
    const current = this.attributes.get(job.account, job.customerId);
    const customer = { ...job.scope.customer, ...current };
    return renderAttributes(job.attributes, { ...job.scope, customer, response: responseScope(response.status, response.headers, body) });
  }

  /** The alarm time as this instance last saw it; saves a storage read on every accept. */
  private alarmAt: number | null | undefined;

  private async ensureAlarm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === null || this.alarmAt > at || this.alarmAt < Date.now()) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    }
  }
}
