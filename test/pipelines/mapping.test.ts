import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { batchBody, mapEvent } from "../../src/pipelines/mapping";
import { makeDestination, makeEvent } from "./destination-fixtures";

const BATCH = { size: 10, window_ms: 1_000 };

describe("mapEvent", () => {
  it("sends the event itself as JSON when there is no body template", () => {
    const event = makeEvent({ context: { library: { name: "analytics-node", version: "6.2.0" } } });
    const mapped = mapEvent(makeDestination(), event);
    expect(mapped).toBe(JSON.stringify(event));
    expect(JSON.parse(mapped)).toEqual(event);
  });

  it("renders the body template over `event`", () => {
    const destination = makeDestination({ body: '{"user": {{ event.userId | json }}, "plan": "{{ event.properties.plan }}", "name": "{{ event.event | upcase }}"}' });
    expect(mapEvent(destination, makeEvent())).toBe('{"user": "123", "plan": "Startup", "name": "SIGNED UP"}');
  });

  it("sees only `event`: customer is not in scope", () => {
    const destination = makeDestination({ body: "[{{ customer.id }}|{{ event.messageId }}]" });
    expect(mapEvent(destination, makeEvent())).toBe("[|m-1]");
  });

  it("sends a non-JSON body as written when the destination does not batch", () => {
    const destination = makeDestination({ body: "user={{ event.userId }}&event={{ event.event | url_encode }}" });
    expect(mapEvent(destination, makeEvent())).toBe("user=123&event=Signed+Up");
  });

  it("keeps a batching destination's JSON element as rendered, whitespace included", () => {
    const destination = makeDestination({ batch: BATCH, body: '{ "id": {{ event.messageId | json }} }\n' });
    expect(mapEvent(destination, makeEvent())).toBe('{ "id": "m-1" }\n');
  });
});

describe("mapEvent: errors", () => {
  it("a render error is render_failed naming body", () => {
    const destination = makeDestination({ body: '{{ event.userId | divided_by: 0 }}' });
    const error = catchError(() => mapEvent(destination, makeEvent()));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "render_failed", details: { field: "body" } });
    expect(error.message.startsWith("body:")).toBe(true);
  });

  it("a batching destination whose event renders to non-JSON is render_failed naming body", () => {
    const destination = makeDestination({ batch: BATCH, body: '{"plan": {{ event.properties.plan }}}' });
    const error = catchError(() => mapEvent(destination, makeEvent()));
    expect(error).toMatchObject({ code: "render_failed", status: 400, details: { field: "body" } });
    expect(error.message).toContain("JSON");
  });
});

describe("batchBody", () => {
  it("is the JSON array of the mapped events in order, exactly as the seed shows it", () => {
    const events = [
      makeEvent({ userId: "123", properties: { plan: "Startup", referred_by: "Friend" } }),
      makeEvent({ userId: "456", properties: { plan: "Free", referred_by: "Ad" } }),
    ];
    const destination = makeDestination({ batch: BATCH, body: '{"type": "{{ event.type }}", "userId": "{{ event.userId }}", "event": "{{ event.event }}", "properties": {{ event.properties | json }}}' });
    const body = batchBody(events.map((event) => mapEvent(destination, event)));
    expect(JSON.parse(body)).toEqual([
      { type: "track", userId: "123", event: "Signed Up", properties: { plan: "Startup", referred_by: "Friend" } },
      { type: "track", userId: "456", event: "Signed Up", properties: { plan: "Free", referred_by: "Ad" } },
    ]);
  });

  it("joins the texts byte for byte", () => {
    expect(batchBody(['{"a":1}', ' {"b": 2}\n'])).toBe('[{"a":1}, {"b": 2}\n]');
    expect(batchBody(['{"a":1}'])).toBe('[{"a":1}]');
  });
});

function catchError(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    return err as AppError;
  }
  throw new Error("expected an error");
}
