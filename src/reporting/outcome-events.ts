import type { DeliveryJob, DeliveryKind } from "../delivery/model";
import type { AcceptRequest } from "../limiter/protocol";
import type { AccountId } from "../store/ids";

/** Customer.io's reporting metrics for webhooks (004_…txt), without the `webhook_` prefix. */
export type ReportingMetric = "attempted" | "sent" | "failed";

/** What an account asked to be told about, and where: its `reporting` setting without the secret. */
export interface ReportingTarget {
  url: string;
  /** `webhook_attempted` / `webhook_sent` / `webhook_failed`; absent means all three. */
  events?: string[];
}

/** One outcome of one delivery, as the limiter records it. */
export interface DeliveryOutcome {
  account: AccountId;
  deliveryId: string;
  kind: DeliveryKind;
  source: string;
  customerId: string | null;
  /** The target the delivery went to; the report names its host only. */
  url: string;
  metric: ReportingMetric;
  /** 1 for the first attempt; 0 when the delivery ended without one. */
  attempt: number;
  status?: number;
  error?: string;
}

/**
 * Reporting deliveries for a set of outcomes: one per outcome whose account
 * has a reporting target that wants its metric. A reporting delivery never
 * reports on itself. Each is keyed by delivery, attempt and metric, so an
 * outcome recorded twice is reported once.
 */
export function reportingDeliveries(outcomes: DeliveryOutcome[], targets: Record<string, ReportingTarget>, now: Date): AcceptRequest[] {
  const requests: AcceptRequest[] = [];
  for (const outcome of outcomes) {
    const target = targets[outcome.account];
    if (!target || outcome.kind === "reporting") continue;
    if (target.events && !target.events.includes(`webhook_${outcome.metric}`)) continue;
    const body = JSON.stringify(reportingEvent(outcome, now));
    const job: DeliveryJob = {
      v: 2,
      account: outcome.account,
      source: { kind: "reporting", id: outcome.deliveryId },
      customerId: null,
      request: { method: "POST", url: target.url, headers: { "Content-Type": "application/json" }, body },
      onSuccess: null,
    };
    requests.push({ job, idempotencyKey: `report:${outcome.deliveryId}:${outcome.attempt}:${outcome.metric}` });
  }
  return requests;
}

/** The body of a reporting webhook, in Customer.io's shape: `{event_id, object_type, metric, timestamp, data}`. */
export function reportingEvent(outcome: DeliveryOutcome, now: Date) {
  const source =
    outcome.kind === "action" ? { action_id: outcome.source }
    : outcome.kind === "destination" ? { destination_id: outcome.source }
    : { source_id: outcome.source };
  return {
    event_id: `${outcome.deliveryId}.${outcome.attempt}.${outcome.metric}`,
    object_type: "webhook",
    metric: outcome.metric,
    timestamp: Math.floor(now.getTime() / 1000),
    data: {
      delivery_id: outcome.deliveryId,
      ...source,
      customer_id: outcome.customerId,
      attempt: outcome.attempt,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      recipient: new URL(outcome.url).host,
    },
  };
}
