import { z } from "zod";
import type { DeliveryView } from "../delivery/model";
import { STATUS_BY_CODE } from "../errors";
import type { SdkMessage as QueuedSdkMessage } from "../gist/queue-model";
import type { InboundEvent } from "../limiter/inbound-log";
import type { publicAccount } from "../store/accounts";
import { ActionInput, type Action as StoredAction } from "../store/actions";
import { DestinationInput, type publicDestination } from "../store/destinations";
import { HttpMethod } from "../store/schemas";
import type { createServiceKey, listServiceKeys } from "../store/service-keys";
import { PROVIDERS, type publicSource } from "../store/sources";
import type { RenderedRequest } from "../templates/render-request";

/**
 * What the routes answer, for the OpenAPI document. Request bodies are the
 * routes' own zod schemas; answers are built from plain objects and
 * interfaces, so they are described here, and `documents` below makes the
 * compiler hold each description to the type the route really returns.
 */

type ErrorCode = keyof typeof STATUS_BY_CODE;

/** `{"error": {"code", "message"}}`, the one error shape (src/errors.ts); a validation error lists its issues. */
export const ErrorBody = z.object({
  error: z.looseObject({
    code: z.enum(Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe("validation_failed: each bad field (at most 10)"),
  }),
});

const Timestamp = z.string().describe("ISO-8601, UTC");
const Attributes = z.record(z.string(), z.union([z.string(), z.number()]));

export const Health = z.object({ ok: z.literal(true) });
export const IpAddresses = z.object({ ip_addresses: z.array(z.string()) });

export const PublicAccount = z.object({
  id: z.string(),
  name: z.string(),
  concurrency: z.number().int(),
  shard: z.string().nullable(),
  signing_secret_set: z.boolean(),
  signing_secret_rotated_at: Timestamp.nullable(),
  previous_signing_secret_until: Timestamp.nullable().describe("Until then, deliveries are signed with the previous secret too"),
  reporting: z.object({ url: z.string(), events: z.array(z.string()).nullable(), secret_set: z.boolean() }).nullable(),
  gist: z
    .union([
      z.object({ mode: z.literal("relay"), base_url: z.string().nullable(), organization_id_set: z.boolean(), service_key_set: z.boolean() }),
      z.object({ mode: z.literal("serve"), site_id: z.string(), polling_interval_s: z.number().int(), allowed_origins: z.array(z.string()).nullable() }),
    ])
    .nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const KeyFields = { id: z.string(), name: z.string(), prefix: z.string().describe("The key's first 8 characters"), created_at: Timestamp };
export const CreatedKey = z.object({ ...KeyFields, key: z.string().describe("The service key: shown this once, stored hashed") });
export const KeyList = z.object({ keys: z.array(z.object(KeyFields)) });

export const Action = ActionInput.extend({ id: z.string(), created_at: Timestamp, updated_at: Timestamp });
export const ActionList = z.object({ actions: z.array(Action) });

const Request = z.object({ method: HttpMethod, url: z.string(), headers: z.record(z.string(), z.string()), body: z.string().nullable() });
const Warnings = z.array(z.string()).describe("Template warnings, e.g. a value that makes the JSON body invalid");

export const Preview = z.object({
  request: Request,
  attributes: Attributes.optional().describe("Rendered when the body gives a sample `response`"),
  warnings: Warnings,
});
export const TestSend = z.object({
  request: Request,
  response: z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.string() }).nullable(),
  error: z.string().optional().describe("Why no response came (timeout, network error)"),
  duration_ms: z.number(),
  attributes: Attributes.describe("What a real delivery would set: empty unless the answer is a 2xx"),
  warnings: Warnings,
});
export const TriggerAccepted = z.object({ delivery_id: z.string(), duplicate: z.boolean(), warnings: Warnings });

const Attempt = z.object({ at: Timestamp, status: z.number().int().optional(), error: z.string().optional(), duration_ms: z.number() });
export const Delivery = z.object({
  id: z.string(),
  account: z.string(),
  kind: z.enum(["action", "destination", "reporting", "forward", "gist"]),
  source: z.string().describe("The id of the action, destination or source it came from"),
  customer_id: z.string().nullable(),
  status: z.enum(["queued", "sending", "retrying", "sent", "failed"]),
  created_at: Timestamp,
  updated_at: Timestamp,
  next_attempt_at: Timestamp.nullable(),
  attempts: z.array(Attempt),
  request: Request.describe("As sent, with secrets redacted"),
  response: z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.string().describe("The first 64 KB") }).nullable(),
  error: z.string().nullable(),
  replay_of: z.string().nullable(),
});
export const DeliveryList = z.object({ deliveries: z.array(Delivery), next_cursor: z.string().nullable() });
export const Replayed = z.object({ delivery_id: z.string(), replay_of: z.string() });
export const CustomerAttributes = z.object({ attributes: Attributes });

export const PublicDestination = DestinationInput.omit({ shared_secret: true, batch: true }).extend({
  id: z.string(),
  batch: DestinationInput.shape.batch.unwrap(),
  shared_secret_set: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const DestinationList = z.object({ destinations: z.array(PublicDestination) });

export const PublicSource = z.object({
  id: z.string(),
  provider: z.enum(PROVIDERS),
  forward_url: z.string().nullable(),
  events: z.array(z.string()).nullable(),
  tolerance_s: z.number().int(),
  secret_set: z.boolean(),
  previous_secret_set: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const SourceList = z.object({ sources: z.array(PublicSource) });

export const InboundEventView = z.object({
  id: z.string(),
  source: z.string(),
  status: z.enum(["accepted", "filtered", "duplicate", "refused"]),
  type: z.string().nullable(),
  received_at: Timestamp,
  sent_at: Timestamp.nullable(),
  body: z.string().nullable(),
  reason: z.string().nullable(),
  delivery_id: z.string().nullable(),
});
export const InboundEventList = z.object({ events: z.array(InboundEventView), next_cursor: z.string().nullable() });
export const InboundReceived = z.object({ received: z.literal(true), event_id: z.string(), duplicate: z.boolean(), forwarded: z.boolean(), type: z.string().nullable() });

export const TrackingAccepted = z.object({ success: z.literal(true) });
export const GistQueued = z.union([
  z.object({ queued: z.number().int(), delivery_ids: z.array(z.string().nullable()).describe("Relay mode: the deliveries to Gist") }),
  z.object({ queued: z.number().int(), queue_ids: z.array(z.string()).describe("Serve mode: the messages' ids in the queue") }),
]);

/** A message as the Gist web SDK reads it (serve mode). */
export const SdkMessage = z.object({
  queueId: z.string(),
  messageId: z.string(),
  priority: z.number().int(),
  userToken: z.string().optional(),
  scheduledFor: Timestamp.optional(),
  expiry: Timestamp,
  properties: z.record(z.string(), z.unknown()).optional(),
});
export const GistUserQueue = z.object({ inAppMessages: z.array(SdkMessage), inboxMessages: z.array(z.unknown()) });
export const GistPending = z.object({ messages: z.array(SdkMessage) });
export const GistViews = z.object({ views: z.array(z.object({ queueId: z.string().nullable(), messageId: z.string(), viewedAt: Timestamp })) });
export const Logged = z.object({}).describe("Recorded");

/**
 * True when every value of `Actual` (what a route returns) fits the described
 * schema and both have the same top-level fields: a field added to a route's
 * answer, or renamed, fails the typecheck until its description follows.
 */
type Documents<Schema extends z.ZodType, Actual> = [Actual] extends [z.output<Schema>]
  ? [keyof Actual] extends [keyof z.output<Schema>]
    ? [keyof z.output<Schema>] extends [keyof Actual]
      ? true
      : false
    : false
  : false;

export const documents: [
  Documents<typeof PublicAccount, ReturnType<typeof publicAccount>>,
  Documents<typeof CreatedKey, Awaited<ReturnType<typeof createServiceKey>>>,
  Documents<typeof KeyList.shape.keys.element, Awaited<ReturnType<typeof listServiceKeys>>[number]>,
  Documents<typeof Action, StoredAction>,
  Documents<typeof Request, RenderedRequest>,
  Documents<typeof Delivery, DeliveryView>,
  Documents<typeof PublicDestination, ReturnType<typeof publicDestination>>,
  Documents<typeof PublicSource, ReturnType<typeof publicSource>>,
  Documents<typeof InboundEventView, InboundEvent>,
  Documents<typeof SdkMessage, QueuedSdkMessage>,
] = [true, true, true, true, true, true, true, true, true, true];
