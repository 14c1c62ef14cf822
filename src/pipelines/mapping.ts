import { AppError } from "../errors";
import type { Destination } from "../store/destinations";
import { renderTemplate } from "../templates/liquid";
import { OUTPUT_LIMITS } from "../templates/render-limits";
import type { TrackingEvent } from "./event-message";

/**
 * The body text one event contributes to a destination's request: its `body`
 * template rendered over `{ event }`, or the event itself as JSON when there
 * is no template. A render error is AppError("render_failed") naming `body`.
 *
 * A batching destination sends the mapped events as one JSON array, so each
 * must be JSON on its own; otherwise the array would be broken for every
 * event in it. That is a render_failed for this event alone.
 */
export function mapEvent(destination: Destination, event: TrackingEvent): string {
  if (destination.body === undefined) return JSON.stringify(event);
  const text = renderTemplate(destination.body, { event }, "body", OUTPUT_LIMITS.body);
  if (destination.batch && !isJson(text)) {
    throw new AppError("render_failed", "body: the destination batches, so each event must render to JSON (it becomes an element of the array sent); this one did not parse — use the json filter for values", { field: "body" });
  }
  return text;
}

/** A batch body: the JSON array of the mapped events in order, exactly as Customer.io documents it. */
export function batchBody(mapped: string[]): string {
  return `[${mapped.join(",")}]`;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
