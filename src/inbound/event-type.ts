import type { Provider } from "../store/sources";

/**
 * The type of an inbound event, for the log and the `events` filter:
 * Customer.io reporting webhooks carry `object_type` and `metric`
 * (`email` + `sent` → `email_sent`, as the 004 seed lists them); Standard
 * Webhooks payloads carry `type`; a Data Pipelines request is one event
 * (its `type`, or its `event` name for track calls) or an array (`batch`).
 */
export function inboundEventType(provider: Provider, body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (Array.isArray(parsed)) return "batch";
  if (!parsed || typeof parsed !== "object") return null;
  const fields = parsed as Record<string, unknown>;
  if (provider === "customerio" && typeof fields.object_type === "string" && typeof fields.metric === "string") {
    return `${fields.object_type}_${fields.metric}`;
  }
  if (provider === "x-signature" && fields.type === "track" && typeof fields.event === "string") return fields.event;
  return typeof fields.type === "string" ? fields.type : null;
}
