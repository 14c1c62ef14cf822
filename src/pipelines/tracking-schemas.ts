import { z } from "zod";
import { CustomerId } from "../store/ids";
import type { TrackingEventType } from "./event-message";
import { TRACKING_LIMITS } from "./tracking-limits";

/**
 * What a tracking call must carry, per the Segment / Customer.io CDP spec.
 * Only the fields edgehook relies on are checked; every other field is kept
 * as sent (the objects are loose).
 */

/** A field that must be a non-empty string when present; "required" when it is missing. */
const text = z.string({ error: (issue) => (issue.input === undefined ? "required" : "must be a string") }).min(1, "must not be empty");

/** `properties`, `traits`, `context`, `integrations`: JSON objects, not arrays or scalars. */
const JsonObject = z.looseObject({}, { error: "must be an object" });

/**
 * userId, anonymousId, groupId, previousId: ids from the sender's own
 * systems, bounded like customer ids (a string or a number, kept as text, at
 * most 256 bytes, no control characters). null is taken as absent, as
 * analytics.js sends `userId: null` for anonymous visitors.
 */
const ExternalId = CustomerId.nullish();
/** groupId of a group call, previousId of an alias: "required" when missing, then the id rule. */
const RequiredId = z.custom<unknown>((value) => value !== undefined && value !== null, { error: "required" }).pipe(CustomerId);

const MessageId = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(TRACKING_LIMITS.messageIdChars, `must be under ${TRACKING_LIMITS.messageIdChars + 1} characters`);

const Timestamp = z
  .string({ error: "must be an ISO-8601 date string" })
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO-8601 date string");

/** Fields every call may carry. */
const common = {
  userId: ExternalId,
  anonymousId: ExternalId,
  messageId: MessageId.optional(),
  timestamp: Timestamp.optional(),
  receivedAt: Timestamp.optional(),
  context: JsonObject.optional(),
  integrations: JsonObject.optional(),
};

/** Fields by call type, beyond the common ones. */
const fieldsByType = {
  track: { event: text, properties: JsonObject.optional() },
  identify: { traits: JsonObject.optional() },
  page: { name: z.string({ error: "must be a string" }).optional(), category: z.string({ error: "must be a string" }).optional(), properties: JsonObject.optional() },
  screen: { name: z.string({ error: "must be a string" }).optional(), category: z.string({ error: "must be a string" }).optional(), properties: JsonObject.optional() },
  group: { groupId: RequiredId, traits: JsonObject.optional() },
  alias: { previousId: RequiredId },
} satisfies Record<TrackingEventType, z.ZodRawShape>;

/** Every call names who it is about: the known user, the anonymous visitor, or both. */
function whoRequired(call: { userId?: unknown; anonymousId?: unknown }, ctx: z.RefinementCtx) {
  if (call.userId == null && call.anonymousId == null) {
    ctx.addIssue({ code: "custom", path: ["userId"], message: "required when there is no anonymousId" });
  }
}

function callSchema<T extends TrackingEventType>(type: T) {
  return z.looseObject({ ...common, ...fieldsByType[type], type: z.literal(type) }).superRefine(whoRequired);
}

const schemas = {
  track: callSchema("track"),
  identify: callSchema("identify"),
  page: callSchema("page"),
  screen: callSchema("screen"),
  group: callSchema("group"),
  alias: callSchema("alias"),
};

/** A validated call, before edgehook fills in what the sender left out. */
export type TrackingCall = z.infer<(typeof schemas)[TrackingEventType]>;

/** The call types, in the order the API lists them. */
export const TRACKING_TYPES = Object.keys(schemas) as TrackingEventType[];

/** A call posted to `/v1/{type}`: its type comes from the path, so the body's own `type` is overwritten first. */
export function singleCallSchema(type: TrackingEventType) {
  return z.preprocess((body) => ({ ...(body as object), type }), schemas[type]);
}

/** One item of a batch: its own `type` says which call it is. */
const BatchItem = z.discriminatedUnion("type", Object.values(schemas) as [typeof schemas.track, ...Array<(typeof schemas)[TrackingEventType]>], {
  // Reported at the item when it is no object, at its `type` otherwise.
  error: ({ input }) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return "must be an event object";
    return (input as { type?: unknown }).type === undefined ? "required" : `must be one of ${TRACKING_TYPES.join(", ")}`;
  },
});

/**
 * `/v1/batch` before its items are looked at: the array, and the `context`
 * and `integrations` that every item inherits. The items are checked
 * separately, after the count, so an oversized batch is refused cheaply.
 */
export const BatchEnvelope = z.looseObject({
  batch: z.array(z.unknown(), { error: (issue) => (issue.input === undefined ? "required" : "must be an array of events") }),
  context: JsonObject.optional(),
  integrations: JsonObject.optional(),
});

/** The items of a batch, wrapped so an error's path reads `batch.3.userId`. */
export const BatchItems = z.object({ batch: z.array(BatchItem) });
