import { z } from "zod";
import { GistBulk, GistMessage, GistMessages, MAX_BULK_MESSAGES } from "../gist/messages";
import { TRACKING_LIMITS } from "../pipelines/tracking-limits";
import { BatchEnvelope, BatchItems, singleCallSchema, TRACKING_TYPES } from "../pipelines/tracking-schemas";
import { KeyInput } from "../routes/accounts";
import { PreviewInput, TestInput } from "../routes/action-runs";
import { ListQuery } from "../routes/deliveries";
import { QueueId as AccountQueueId } from "../routes/gist-queue";
import { MessageId as SdkMessageId, QueueId as SdkQueueId } from "../routes/gist-sdk";
import { EventId, EventsQuery } from "../routes/sources";
import { TriggerInput } from "../routes/triggers";
import { AccountInput } from "../store/accounts";
import { ActionInput, AttributeName } from "../store/actions";
import { DestinationInput } from "../store/destinations";
import { AccountId, ActionId, CustomerId, DeliveryId, DestinationId, KeyId, SourceId } from "../store/ids";
import { SourceInput } from "../store/sources";
import * as R from "./responses";

/**
 * Who may call a route. admin: the admin token; account: the admin token or a
 * service key of the account in the path; writeKey: a service key as the HTTP
 * Basic user name (or `writeKey` in the body); gist: Gist's two headers;
 * signature: the sender's webhook signature (the source's secret); gistSdk:
 * the web page's site id and user token, as the Gist web SDK sends them (no
 * secret, as with Gist itself).
 */
export type Auth = "none" | "admin" | "account" | "writeKey" | "gist" | "gistSdk" | "signature";

/** A success answer: a JSON schema, no body (null), or another media type. */
export type Answer = z.ZodType | null | { mediaType: string; schema: z.ZodType };

export interface RouteDoc {
  method: "get" | "put" | "post" | "delete";
  /** OpenAPI style: `{param}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  /** Longer text (Markdown) where the summary is not enough. */
  description?: string;
  auth: Auth;
  /** Path parameters whose schema is not the one PATH_PARAMS gives their name. */
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  headers?: Record<string, z.ZodType>;
  /** The zod schema the route validates its JSON body with. */
  body?: z.ZodType;
  responses: Partial<Record<200 | 201 | 202 | 204, Answer>>;
  /** Error statuses beyond those the auth, body and parameters imply. */
  errors?: number[];
  /** Implied statuses this route never answers with. */
  omitErrors?: number[];
}

/** Path parameters by name, with the schema the route checks them with (pathParam). */
export const PATH_PARAMS: Record<string, z.ZodType> = {
  account: AccountId,
  action: ActionId,
  dest: DestinationId,
  src: SourceId,
  source: SourceId,
  customer: CustomerId,
  name: AttributeName,
  event: EventId,
  user: CustomerId,
};

const account = "/v1/accounts/{account}";
const OpenApiDocument = z.looseObject({ openapi: z.literal("3.1.0"), info: z.looseObject({}), paths: z.looseObject({}) });
/** /v1/batch as the route checks it: the envelope, then each item. */
const TrackingBatch = BatchEnvelope.extend({ batch: BatchItems.shape.batch });
/** A call posted to `/v1/{type}`: the route's own schema, but the path names the type, so the body's `type` is optional (and overwritten). */
function trackingCall(type: (typeof TRACKING_TYPES)[number]) {
  return (singleCallSchema(type).out as z.ZodObject).safeExtend({ type: z.literal(type).optional().describe("Optional: the path names the call type") });
}
/** Tracking answers an oversized body with 400 validation_failed, as Segment's API does, hence no 413. */
const TRACKING_NOTE =
  "The body may be gzip-compressed (`Content-Encoding: gzip`) and sent as `text/plain`, as analytics.js does. " +
  `At most ${TRACKING_LIMITS.requestBytes / 1024} KB, before and after decompression; a batch holds at most ${TRACKING_LIMITS.batchEvents} events. ` +
  "Every event is checked before any is queued: the request is kept whole or refused.";
/** Bulk as the route checks it: the count (GistBulk), then each message (GistMessages). */
const GistBulkMessages = GistBulk.extend({ messages: GistMessages.shape.messages.min(1).max(MAX_BULK_MESSAGES) });

/** Every route of the app. test/openapi/coverage.test.ts fails on a registered route missing here. */
export const ROUTES: RouteDoc[] = [
  { method: "get", path: "/healthz", operationId: "health", tag: "Meta", summary: "Health check", auth: "none", responses: { 200: R.Health } },
  { method: "get", path: "/v1/ip-addresses", operationId: "listIpAddresses", tag: "Meta", summary: "The egress IP addresses receivers can allow-list (EGRESS_IPS)", auth: "none", responses: { 200: R.IpAddresses } },
  { method: "get", path: "/openapi.json", operationId: "openApiDocument", tag: "Meta", summary: "This OpenAPI 3.1 document", auth: "none", responses: { 200: OpenApiDocument } },
  { method: "get", path: "/docs", operationId: "apiDocs", tag: "Meta", summary: "Interactive API reference (HTML)", auth: "none", responses: { 200: { mediaType: "text/html", schema: z.string() } } },

  {
    method: "put", path: account, operationId: "putAccount", tag: "Accounts", summary: "Create or update an account",
    description: "Absent fields keep their stored value; `null` clears one. Secrets are stored sealed and never shown. 409: `gist.site_id` already belongs to another account.",
    auth: "admin", body: AccountInput, responses: { 200: R.PublicAccount, 201: R.PublicAccount }, errors: [409],
  },
  { method: "get", path: account, operationId: "getAccount", tag: "Accounts", summary: "Read an account (secrets shown only as *_set)", auth: "account", responses: { 200: R.PublicAccount } },
  { method: "post", path: `${account}/keys`, operationId: "createKey", tag: "Accounts", summary: "Create a service key (shown once)", auth: "admin", body: KeyInput, responses: { 201: R.CreatedKey } },
  { method: "get", path: `${account}/keys`, operationId: "listKeys", tag: "Accounts", summary: "List service keys, without secrets", auth: "account", responses: { 200: R.KeyList } },
  { method: "delete", path: `${account}/keys/{id}`, operationId: "revokeKey", tag: "Accounts", summary: "Revoke a service key", auth: "account", params: { id: KeyId }, responses: { 204: null } },

  { method: "get", path: `${account}/actions`, operationId: "listActions", tag: "Actions", summary: "List webhook actions", auth: "account", responses: { 200: R.ActionList } },
  { method: "put", path: `${account}/actions/{action}`, operationId: "putAction", tag: "Actions", summary: "Create or replace an action (400 names the field and line of invalid Liquid)", auth: "account", body: ActionInput, responses: { 200: R.Action, 201: R.Action } },
  { method: "get", path: `${account}/actions/{action}`, operationId: "getAction", tag: "Actions", summary: "Read an action", auth: "account", responses: { 200: R.Action } },
  { method: "delete", path: `${account}/actions/{action}`, operationId: "deleteAction", tag: "Actions", summary: "Delete an action", auth: "account", responses: { 204: null } },
  { method: "post", path: `${account}/actions/{action}/preview`, operationId: "previewAction", tag: "Actions", summary: "Render the request; sends nothing", auth: "account", body: PreviewInput, responses: { 200: R.Preview } },
  { method: "post", path: `${account}/actions/{action}/test`, operationId: "testAction", tag: "Actions", summary: "Send once, now; stores nothing", auth: "account", body: TestInput, responses: { 200: R.TestSend } },
  {
    method: "post", path: `${account}/actions/{action}/trigger`, operationId: "triggerAction", tag: "Actions", summary: "Render, queue and deliver with retries",
    auth: "account", headers: { "Idempotency-Key": TriggerInput.shape.idempotency_key }, body: TriggerInput, responses: { 202: R.TriggerAccepted },
  },

  { method: "get", path: `${account}/deliveries`, operationId: "listDeliveries", tag: "Deliveries", summary: "The delivery log, newest first", auth: "account", query: ListQuery, responses: { 200: R.DeliveryList } },
  { method: "get", path: `${account}/deliveries/{id}`, operationId: "getDelivery", tag: "Deliveries", summary: "A delivery with its attempts", auth: "account", params: { id: DeliveryId }, responses: { 200: R.Delivery } },
  { method: "post", path: `${account}/deliveries/{id}/replay`, operationId: "replayDelivery", tag: "Deliveries", summary: "Send the stored request again, as a new delivery", auth: "account", params: { id: DeliveryId }, responses: { 202: R.Replayed } },

  { method: "get", path: `${account}/customers/{customer}/attributes`, operationId: "getAttributes", tag: "Customers", summary: "A customer's stored attributes", auth: "account", responses: { 200: R.CustomerAttributes } },
  { method: "delete", path: `${account}/customers/{customer}/attributes`, operationId: "clearAttributes", tag: "Customers", summary: "Clear all of a customer's attributes", auth: "account", responses: { 200: R.CustomerAttributes } },
  { method: "delete", path: `${account}/customers/{customer}/attributes/{name}`, operationId: "clearAttribute", tag: "Customers", summary: "Clear one attribute", auth: "account", responses: { 200: R.CustomerAttributes } },

  { method: "get", path: `${account}/destinations`, operationId: "listDestinations", tag: "Destinations", summary: "List Data Pipelines destinations", auth: "account", responses: { 200: R.DestinationList } },
  { method: "put", path: `${account}/destinations/{dest}`, operationId: "putDestination", tag: "Destinations", summary: "Create or replace a destination", auth: "account", body: DestinationInput, responses: { 200: R.PublicDestination, 201: R.PublicDestination } },
  { method: "get", path: `${account}/destinations/{dest}`, operationId: "getDestination", tag: "Destinations", summary: "Read a destination", auth: "account", responses: { 200: R.PublicDestination } },
  { method: "delete", path: `${account}/destinations/{dest}`, operationId: "deleteDestination", tag: "Destinations", summary: "Delete a destination", auth: "account", responses: { 204: null } },

  { method: "get", path: `${account}/sources`, operationId: "listSources", tag: "Sources", summary: "List inbound webhook sources", auth: "account", responses: { 200: R.SourceList } },
  { method: "put", path: `${account}/sources/{src}`, operationId: "putSource", tag: "Sources", summary: "Create or replace a source (a new one needs a secret)", auth: "account", body: SourceInput, responses: { 200: R.PublicSource, 201: R.PublicSource } },
  { method: "get", path: `${account}/sources/{src}`, operationId: "getSource", tag: "Sources", summary: "Read a source", auth: "account", responses: { 200: R.PublicSource } },
  { method: "delete", path: `${account}/sources/{src}`, operationId: "deleteSource", tag: "Sources", summary: "Delete a source", auth: "account", responses: { 204: null } },
  { method: "get", path: `${account}/sources/{src}/events`, operationId: "listInboundEvents", tag: "Sources", summary: "The inbound log, newest first", auth: "account", query: EventsQuery, responses: { 200: R.InboundEventList } },
  { method: "get", path: `${account}/sources/{src}/events/{event}`, operationId: "getInboundEvent", tag: "Sources", summary: "One inbound event", auth: "account", responses: { 200: R.InboundEventView } },
  { method: "post", path: `${account}/sources/{src}/events/{event}/replay`, operationId: "replayInboundEvent", tag: "Sources", summary: "Forward an event again, as a new delivery", auth: "account", responses: { 202: R.Replayed }, errors: [409] },
  {
    method: "post", path: "/v1/inbound/{account}/{source}", operationId: "receiveInbound", tag: "Sources", summary: "Receive a webhook: verify its signature, record, forward",
    description:
      "Public URL; the sender's signature is the only credential, checked by the source's `provider`: `customerio` (`X-CIO-Timestamp`, `X-CIO-Signature`), " +
      "`standard-webhooks` (`webhook-id`, `webhook-timestamp`, `webhook-signature`) or `x-signature` (`X-Signature`). 401 when it does not verify; a replay is recorded as a duplicate.",
    auth: "signature", body: z.unknown().describe("Any body, up to 1 MB, verified byte for byte"), responses: { 200: R.InboundReceived }, errors: [401, 404],
  },

  ...TRACKING_TYPES.map((type): RouteDoc => ({
    method: "post", path: `/v1/${type}`, operationId: `track_${type}`, tag: "Tracking", summary: `A ${type} call (Segment / Customer.io CDP)`,
    description: TRACKING_NOTE, auth: "writeKey", body: trackingCall(type), responses: { 200: R.TrackingAccepted }, omitErrors: [413],
  })),
  { method: "post", path: "/v1/batch", operationId: "trackBatch", tag: "Tracking", summary: "Several calls at once", description: TRACKING_NOTE, auth: "writeKey", body: TrackingBatch, responses: { 200: R.TrackingAccepted }, omitErrors: [413] },

  { method: "post", path: "/api/v1/messages", operationId: "gistMessage", tag: "Gist", summary: "Queue an in-app message (relayed to Gist)", auth: "gist", body: GistMessage, responses: { 202: R.GistQueued }, errors: [404, 409] },
  { method: "post", path: "/api/v1/messages/bulk", operationId: "gistBulk", tag: "Gist", summary: `Queue up to ${MAX_BULK_MESSAGES} messages`, auth: "gist", body: GistBulkMessages, responses: { 202: R.GistQueued }, errors: [404, 409] },
  { method: "post", path: "/api/v4/users", operationId: "gistUserQueue", tag: "Gist", summary: "Serve mode: the user's current messages, as the Gist web SDK polls them", auth: "gistSdk", responses: { 200: R.GistUserQueue } },
  { method: "post", path: "/api/v1/logs/queue/{queueId}", operationId: "gistLogQueueView", tag: "Gist", summary: "Serve mode: a queued message was shown (the user's copy is removed)", auth: "gistSdk", params: { queueId: SdkQueueId }, responses: { 200: R.Logged } },
  { method: "post", path: "/api/v1/logs/message/{messageId}", operationId: "gistLogMessageView", tag: "Gist", summary: "Serve mode: a message known only by its messageId was shown", auth: "gistSdk", params: { messageId: SdkMessageId }, responses: { 200: R.Logged } },
  { method: "get", path: `${account}/gist/users/{user}/messages`, operationId: "listGistMessages", tag: "Gist", summary: "Serve mode: a user's pending messages", auth: "account", responses: { 200: R.GistPending }, errors: [409] },
  { method: "delete", path: `${account}/gist/users/{user}/messages/{queueId}`, operationId: "deleteGistMessage", tag: "Gist", summary: "Serve mode: remove a user's message", auth: "account", params: { queueId: AccountQueueId }, responses: { 204: null }, errors: [409] },
  { method: "get", path: `${account}/gist/users/{user}/views`, operationId: "listGistViews", tag: "Gist", summary: "Serve mode: the views the SDK logged for a user, newest first", auth: "account", responses: { 200: R.GistViews }, errors: [409] },
];
