/**
 * The tracking API's limits, in one place. The first three are Segment's
 * documented limits, so a client written against Segment never meets a
 * tighter one here; KB is 1024 bytes, the generous reading.
 *
 * Every limit is answered with a 400, the request size too (not 413):
 * `@customerio/cdp-analytics-node` retries anything but a 400, and a request
 * that is too large can never succeed.
 */
export const TRACKING_LIMITS = {
  /** One event, as the JSON that is queued (after batch context is merged in and fields are filled). */
  eventBytes: 32 * 1024,
  /** One request body: both the bytes on the wire and, for gzip, the bytes they decompress to. */
  requestBytes: 500 * 1024,
  /** Events in one `/v1/batch` request. */
  batchEvents: 2_500,
  /**
   * All events of one request, as queued. Merging a batch-level `context` into
   * every item multiplies it, so without this bound 500 KB in could be many MB
   * of queue messages out. Leaves room for a batch context of about 600 bytes
   * on 2,500 small events.
   */
  queuedBytes: 2_000_000,
  /** Objects and arrays nested deeper than this are refused before parsing (as in src/http/json-body.ts). */
  jsonDepth: 64,
  /** Segment: `messageId` must be under 100 characters. */
  messageIdChars: 99,
} as const;
