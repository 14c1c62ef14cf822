import { describe, expect, it } from "vitest";
import { chunkEvents, INBOX_REF_BYTES, packSized, QUEUE_LIMITS } from "../../src/pipelines/event-chunks";
import type { TrackingEvent } from "../../src/pipelines/event-message";
import type { SizedEvent } from "../../src/pipelines/tracking-events";
import { AccountId } from "../../src/store/ids";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;
const identity = (n: number) => n;

describe("packSized", () => {
  it("fills a group up to exactly the budget, and starts the next one byte past it", () => {
    expect(packSized([4, 6], identity, { maxBytes: 10 })).toEqual([[4, 6]]);
    expect(packSized([4, 7], identity, { maxBytes: 10 })).toEqual([[4], [7]]);
  });

  it("counts the envelope once per group and a separator between items", () => {
    // 2 + 3 + 1 + 4 = 10 fits; a third item of 0 needs a separator: 11.
    expect(packSized([3, 4], identity, { maxBytes: 10, baseBytes: 2, separatorBytes: 1 })).toEqual([[3, 4]]);
    expect(packSized([3, 4, 0], identity, { maxBytes: 10, baseBytes: 2, separatorBytes: 1 })).toEqual([[3, 4], [0]]);
  });

  it("caps the number of items per group", () => {
    const groups = packSized(Array.from({ length: 201 }, () => 1), identity, { maxBytes: 1_000_000, maxItems: 100 });
    expect(groups.map((g) => g.length)).toEqual([100, 100, 1]);
  });

  it("keeps the order, and returns nothing for nothing", () => {
    expect(packSized([1, 2, 3, 4, 5], identity, { maxBytes: 5 }).flat()).toEqual([1, 2, 3, 4, 5]);
    expect(packSized([], identity, { maxBytes: 5 })).toEqual([]);
  });

  it("refuses an item that could not fit even alone", () => {
    expect(() => packSized([9], identity, { maxBytes: 10, baseBytes: 2 })).toThrow(RangeError);
  });
});

describe("chunkEvents", () => {
  const account = AccountId.parse("acct-chunks");
  /** An event whose JSON is exactly `size` bytes. */
  function eventOf(size: number, i = 0): SizedEvent {
    const base: TrackingEvent = { type: "track", event: "e", messageId: `m-${i}`, timestamp: "t", receivedAt: "t", pad: "" };
    const event = { ...base, pad: "x".repeat(size - bytes(base)) };
    expect(bytes(event)).toBe(size);
    return { event, bytes: size };
  }
  /** A message as the inbox queues it: with the longest `inbox` reference InboxRef allows. */
  const messageBytes = (m: object) => bytes({ ...m, inbox: { name: "n".repeat(120), id: "i".repeat(40) } });

  it("puts small events into one message in one sendBatch call", () => {
    const events = Array.from({ length: 3 }, (_, i) => eventOf(100, i));
    const calls = chunkEvents(account, events);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([{ v: 1, account, events: events.map((e) => e.event) }]);
  });

  it("fills a message to exactly its limit less the inbox reference's room, measured as the JSON that is sent", () => {
    const envelope = bytes({ v: 1, account, events: [] });
    // Four events and three commas fill the message to the byte.
    const room = QUEUE_LIMITS.messageBytes - INBOX_REF_BYTES - envelope - 3;
    const each = Math.floor(room / 4);
    const sizes = [each, each, each, room - 3 * each];
    const exact = chunkEvents(account, sizes.map((size, i) => eventOf(size, i)));
    expect(exact.flat()).toHaveLength(1);
    expect(bytes(exact[0]![0])).toBe(QUEUE_LIMITS.messageBytes - INBOX_REF_BYTES);
    // The longest reference the inbox can add still fits.
    expect(messageBytes(exact[0]![0]!)).toBeLessThanOrEqual(QUEUE_LIMITS.messageBytes);

    const over = chunkEvents(account, sizes.map((size, i) => eventOf(i === 3 ? size + 1 : size, i)));
    expect(over.flat().map((m) => m.events.length)).toEqual([3, 1]);
  });

  it("keeps every message and every sendBatch call within the Queues limits, and loses no event", () => {
    const events = Array.from({ length: 1_200 }, (_, i) => eventOf(300 + ((i * 7919) % 30_000), i));
    const calls = chunkEvents(account, events);
    for (const call of calls) {
      expect(call.length).toBeLessThanOrEqual(QUEUE_LIMITS.sendBatchMessages);
      const callBytes = call.reduce((sum, m) => sum + messageBytes(m) + QUEUE_LIMITS.metadataBytes, 0);
      expect(callBytes).toBeLessThanOrEqual(QUEUE_LIMITS.sendBatchBytes);
      for (const message of call) expect(messageBytes(message)).toBeLessThanOrEqual(QUEUE_LIMITS.messageBytes);
    }
    expect(calls.flat().flatMap((m) => m.events.map((e) => e.messageId))).toEqual(events.map((e) => e.event.messageId));
    // Two full messages share one call: the budget is set so they can.
    expect(2 * (QUEUE_LIMITS.messageBytes + QUEUE_LIMITS.metadataBytes)).toBeLessThanOrEqual(QUEUE_LIMITS.sendBatchBytes);
  });

  it("makes no call for no events", () => {
    expect(chunkEvents(account, [])).toEqual([]);
  });
});
