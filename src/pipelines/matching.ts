import type { Destination } from "../store/destinations";
import type { TrackingEvent } from "./event-message";

/**
 * Whether an event goes to a destination, as Customer.io's webhook trigger
 * decides it: the destination is enabled, the event's type is one of
 * `trigger.types` (when listed), and it is a track call whose `event` is one
 * of `trigger.events` (when listed). Both lists are AND-ed; neither matches
 * every event. Names compare exactly, case included.
 */
export function destinationMatches(destination: Destination, event: TrackingEvent): boolean {
  // Stored before `enabled` had a default? Absent reads as enabled.
  if (destination.enabled === false) return false;
  const { types, events } = destination.trigger ?? {};
  if (types && !types.includes(event.type)) return false;
  // Only track calls carry an event name; a stray `event` on another call type does not count.
  if (events && !(event.type === "track" && typeof event.event === "string" && events.includes(event.event))) return false;
  return true;
}
