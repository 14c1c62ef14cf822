import type { TrackingEvent } from "../../src/pipelines/event-message";
import type { Destination } from "../../src/store/destinations";
import { DestinationId } from "../../src/store/ids";

/** A stored destination as the library functions get it; nothing is sent to its URL. */
export function makeDestination(overrides: Partial<Destination> = {}): Destination {
  return {
    id: DestinationId.parse("hook"),
    url: "https://hooks.example.com/in",
    method: "POST",
    trigger: {},
    headers: {},
    signature: "body",
    enabled: true,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** A tracking event as the tracking API accepted it. */
export function makeEvent(overrides: Partial<TrackingEvent> & Record<string, unknown> = {}): TrackingEvent {
  return {
    type: "track",
    event: "Signed Up",
    userId: "123",
    messageId: "m-1",
    timestamp: "2026-01-01T00:00:00.000Z",
    receivedAt: "2026-01-01T00:00:01.000Z",
    properties: { plan: "Startup", referred_by: "Friend" },
    ...overrides,
  } as TrackingEvent;
}
