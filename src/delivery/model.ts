import type { AccountId, ActionId, CustomerId } from "../store/ids";
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

/** What a delivery needs after rendering: the request, and how to turn its answer into attributes. */
export interface DeliveryJob {
  account: AccountId;
  action: ActionId;
  customerId: CustomerId;
  request: RenderedRequest;
  /** Attribute templates, rendered against the response after a 2xx. */
  attributes: Record<string, string>;
  /** The template inputs, kept to render attributes after the response. */
  scope: Omit<RenderScope, "response">;
}

/** A delivery as the API shows it: the request with its secrets redacted. */
export interface DeliveryView {
  id: string;
  account: string;
  action: string;
  customer_id: string;
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
