import { z } from "zod";

/** Gist's bulk endpoint takes at most this many messages in one request. */
export const MAX_BULK_MESSAGES = 10_000;
/** A message queued without `expiry` expires this long after queuing, as Gist documents. */
const DEFAULT_EXPIRY_MS = 365 * 24 * 60 * 60 * 1000;

const IsoUtc = z.iso.datetime({ error: "must be an ISO-8601 UTC date-time, e.g. 2026-11-23T10:00:00Z" });

/** A route rule is a regular expression the SDK tests the page against: refuse one that cannot compile. */
const RouteRule = z.string().refine((rule) => {
  try {
    new RegExp(rule);
    return true;
  } catch {
    return false;
  }
}, "must be a valid regular expression");

const GistProperties = z.looseObject({
  elementId: z.string().min(1).optional(),
  position: z.enum(["center", "top", "bottom"]).optional(),
  routeRuleWeb: RouteRule.optional(),
  routeRuleApple: RouteRule.optional(),
  routeRuleAndroid: RouteRule.optional(),
  persistent: z.boolean().optional(),
  broadcast: z
    .strictObject({
      frequency: z.strictObject({
        count: z.number().int().min(0),
        delay: z.number().int().min(0),
        ignoreDismiss: z.boolean().optional(),
      }),
    })
    .optional(),
});

/**
 * One message, in Gist's own request shape (`POST /api/v1/messages`), so a
 * Customer.io webhook aimed at Gist works unchanged with only the host
 * changed. Fields Gist may add later pass through untouched.
 */
export const GistMessage = z
  .looseObject({
    messageId: z.string({ error: "is required" }).min(1, "is required"),
    userToken: z.string().min(1).optional(),
    priority: z.number().int().min(1, "must be 1 (highest) to 10").max(10, "must be 1 (highest) to 10").default(1),
    scheduledFor: IsoUtc.optional(),
    expiry: IsoUtc.optional(),
    properties: z.looseObject({ gist: GistProperties.optional() }).optional(),
  })
  .superRefine((message, ctx) => {
    if (!message.userToken && !message.properties?.gist?.broadcast) {
      ctx.addIssue({ code: "custom", path: ["userToken"], message: "is required unless properties.gist.broadcast is set" });
    }
    if (message.expiry && Date.parse(message.expiry) <= Date.parse(message.scheduledFor ?? new Date().toISOString())) {
      ctx.addIssue({ code: "custom", path: ["expiry"], message: message.scheduledFor ? "must be later than scheduledFor" : "must be in the future" });
    }
  });
export type GistMessage = z.infer<typeof GistMessage>;

export const GistBulk = z.strictObject({
  messages: z.array(z.unknown()).min(1, "must hold at least one message").max(MAX_BULK_MESSAGES, `must hold at most ${MAX_BULK_MESSAGES} messages`),
});

/** The messages of a bulk request whose count is already checked, so an error's path names the index. */
export const GistMessages = z.strictObject({ messages: z.array(GistMessage) });

/** The message as relayed: `expiry` filled (a year after queuing) when absent, as Gist itself would. */
export function withDefaults(message: GistMessage, now: Date): GistMessage {
  return message.expiry ? message : { ...message, expiry: new Date(now.getTime() + DEFAULT_EXPIRY_MS).toISOString() };
}
