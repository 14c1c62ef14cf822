import type { AccountId, ActionId, CustomerId, DestinationId, SourceId } from "../store/ids";
import type { RenderedRequest } from "../templates/render-request";
import type { RenderScope } from "../templates/scope";

export type DeliveryStatus = "queued" | "sending" | "retrying" | "sent" | "failed";

export interface Attempt {
  at: string;
  status?: number;
  error?: string;
  duration_ms: number;
}

export interface LoggedResponse {
  status: number;
  headers: Record<string, string>;
  /** The first 64 KB. */
  body: string;
}

/**
 * Where a delivery came from. Every kind of outbound request is a source of
 * deliveries; the queue, consumer, retry policy, limiter, log and replay
 * serve them all, so a new kind adds a source, not a pipeline.
 */
export type DeliverySource =
  | { kind: "action"; id: ActionId }
  | { kind: "destination"; id: DestinationId }
  /** A reporting webhook about another delivery, whose id it carries. */
  | { kind: "reporting"; id: string }
  /** An inbound event forwarded to the application. */
  | { kind: "forward"; id: SourceId }
  /** In-app messages relayed to Gist. */
  | { kind: "gist"; id: "relay" };
export type DeliveryKind = DeliverySource["kind"];

/** An action's attribute templates and the inputs they render against, after a 2xx. */
export interface AttributeUpdate {
  templates: Record<string, string>;
  scope: Omit<RenderScope, "response">;
}

/** What a delivery needs after rendering: the exact request, where it came from, and what a 2xx leads to. */
export interface DeliveryJob {
  v: 2;
  account: AccountId;
  source: DeliverySource;
  /** The customer it concerns, when there is one (an action's trigger); the log filters on it. */
  customerId: CustomerId | null;
  request: RenderedRequest;
  /** Attribute updates after a 2xx, for actions that set attributes; null for everything else. */
  onSuccess: AttributeUpdate | null;
}

/** The job as the first release stored it (actions only). */
interface DeliveryJobV1 {
  account: AccountId;
  action: ActionId;
  customerId: CustomerId;
  request: RenderedRequest;
  attributes: Record<string, string>;
  scope: Omit<RenderScope, "response">;
}

/** Jobs outlive deploys in the delivery log: reads one stored by this version or the one before. */
export function readJob(json: string): DeliveryJob {
  const stored = JSON.parse(json) as DeliveryJob | DeliveryJobV1;
  if ("v" in stored && stored.v === 2) return stored;
  const old = stored as DeliveryJobV1;
  const setsAttributes = Object.keys(old.attributes ?? {}).length > 0;
  return {
    v: 2,
    account: old.account,
    source: { kind: "action", id: old.action },
    customerId: old.customerId,
    request: old.request,
    onSuccess: setsAttributes ? { templates: old.attributes, scope: old.scope } : null,
  };
}

/** A delivery as the API shows it: the request with its secrets redacted. */
export interface DeliveryView {
  id: string;
  account: string;
  kind: DeliveryKind;
  /** The id of the action or destination it came from. */
  source: string;
  customer_id: string | null;
  status: DeliveryStatus;
  created_at: string;
  updated_at: string;
  next_attempt_at: string | null;
  attempts: Attempt[];
  request: RenderedRequest;
  response: LoggedResponse | null;
  error: string | null;
  replay_of: string | null;
}
