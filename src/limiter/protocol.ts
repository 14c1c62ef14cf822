import type { Attempt, DeliveryJob, DeliveryKind, LoggedResponse } from "../delivery/model";
import { SEND_TIMEOUT_MS } from "../delivery/send";
import type { AccountId } from "../store/ids";
import type { RenderedRequest } from "../templates/render-request";
import { storedJob, type StoredJob } from "./delivery-log";

// What the trigger route and the queue consumer exchange with the AccountLimiter.

/** One delivery to accept: the job, and what makes it unique or where it came from. */
export interface AcceptRequest {
  job: DeliveryJob;
  /** The same key within 24 h (per account) yields the first delivery instead of a new one. */
  idempotencyKey?: string;
  replayOf?: string;
  /** Set when the request could never be built: the delivery is recorded as failed with this reason and not queued. */
  failure?: string;
}

/** An AcceptRequest with its job made ready to store: what the limiter's acceptPrepared takes. */
export interface PreparedAccept extends Omit<AcceptRequest, "job"> {
  job: StoredJob;
}

/** Serializes the job on the caller's side, so the limiter only checks and stores it. */
export function prepareAccept({ job, ...rest }: AcceptRequest): PreparedAccept {
  return { ...rest, job: storedJob(job) };
}

/**
 * The answer to accept. The known ways a delivery is not taken are values,
 * not exceptions, so the route can tell a request that can never fit (413)
 * from a platform that failed for now (503).
 */
export type AcceptOutcome =
  | { ok: true; deliveryId: string; duplicate: boolean }
  | { ok: false; reason: "too_large" | "queue_unavailable"; message: string };

/** What a consumer needs to send one delivery. */
export interface GrantedDelivery {
  id: string;
  account: string;
  /** Reporting webhooks are signed Customer.io's way; every other kind with Standard Webhooks. */
  kind: DeliveryKind;
  request: RenderedRequest;
  /** Whether a 2xx body is rendered into attributes (then the whole body is sent back). */
  setsAttributes: boolean;
  /** Attempts already made. */
  attempts: number;
}

/** Cloudflare lets one invocation keep 6 connections open; more would queue inside the runtime anyway. */
export const SENDS_IN_FLIGHT_PER_INVOCATION = 6;

/**
 * How long a lease on `granted` permits lasts: every send under it,
 * SENDS_IN_FLIGHT_PER_INVOCATION at a time, each up to its timeout, plus a
 * margin. Sized by what was granted, not by what was asked for, so the
 * deliveries of a consumer that died mid-send are free for recovery as soon
 * as its sends could have ended (35 s for up to 6), not after a lease sized
 * for a whole batch that mostly waited.
 */
export function leaseMsFor(granted: number): number {
  return Math.ceil(granted / SENDS_IN_FLIGHT_PER_INVOCATION) * (SEND_TIMEOUT_MS + 1_000) + 30_000;
}

export interface AcquireResult {
  leaseId: string | null;
  /** Permits granted: send these now. */
  granted: GrantedDelivery[];
  /** No permit free: try again shortly; this does not count as an attempt. */
  waiting: string[];
  /** Nothing to do for this message: finished, gone, in flight elsewhere, or a retry not yet due. */
  settled: string[];
}

export interface AttemptResult {
  id: string;
  attempt: Attempt;
  next: { status: "sent" } | { status: "failed"; error: string } | { status: "retrying"; error: string; at: number };
  response?: LoggedResponse;
  /** The whole response body: present exactly when the job has attribute templates to render against it. */
  fullBody?: string;
}

/** A verified inbound request, as the limiter records it. */
export interface ReceivedInbound {
  account: AccountId;
  source: string;
  type: string | null;
  /** The sender's own timestamp, when its scheme signs one (ms). */
  sentAt: number | null;
  /** What makes a replay recognisable (the signature); null when nothing does. */
  dedupeKey: string | null;
  dedupeWindowMs: number;
  /** The first 64 KB. */
  body: string;
  /** Verified, but of a type the source does not take: recorded, not forwarded. */
  filtered: boolean;
}

export type InboundOutcome =
  | { ok: true; eventId: string; duplicate: boolean; deliveryId: string | null }
  | { ok: false; reason: "too_large" | "queue_unavailable"; message: string };
