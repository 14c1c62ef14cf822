import { z } from "zod";

/**
 * An account's `gist` setting, one of two modes:
 * - relay: accepted messages go on to Gist's queue API with the account's
 *   upstream organization id and service key (both secrets);
 * - serve: edgehook is the queue itself, and the Gist web SDK polls it; the
 *   page's `siteId` names the account, so `site_id` is required.
 * Fields of the other mode are refused rather than ignored, so a typo'd
 * mode cannot silently drop credentials.
 */
const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** A site id is part of a KV key and travels in the SDK's X-CIO-Site-Id header. */
export const SiteId = z
  .string({ error: "must be a string" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1–64 letters, digits, '_', '.' or '-', starting with a letter or digit")
  .brand<"gist-site">();
export type SiteId = z.infer<typeof SiteId>;

/** A page origin as browsers send it in `Origin`: scheme, host and port, nothing more. */
const Origin = z.string().refine((origin) => {
  try {
    return new URL(origin).origin === origin && /^https?:/.test(origin);
  } catch {
    return false;
  }
}, "must be an origin such as https://app.example.com (scheme, host and optional port, no path or trailing slash)");

/** How often the SDK polls when the setting leaves it out: Gist's own SDK would back off towards 10 minutes. */
export const DEFAULT_POLLING_INTERVAL_S = 60;
const MAX_ALLOWED_ORIGINS = 50;

const RELAY_FIELDS = ["base_url", "organization_id", "service_key"] as const;
const SERVE_FIELDS = ["site_id", "polling_interval_s", "allowed_origins"] as const;

export const GistInput = z
  .strictObject({
    mode: z.enum(["relay", "serve"], { error: 'must be "relay" or "serve"' }).default("relay"),
    base_url: HttpUrl.optional(),
    organization_id: z.string().min(1).optional(),
    service_key: z.string().min(1).optional(),
    site_id: SiteId.optional(),
    polling_interval_s: z.number().int().min(1, "must be 1–3600 seconds").max(3600, "must be 1–3600 seconds").optional(),
    allowed_origins: z.array(Origin).max(MAX_ALLOWED_ORIGINS, `must list at most ${MAX_ALLOWED_ORIGINS} origins`).optional(),
  })
  .superRefine((gist, ctx) => {
    const [required, foreign] = gist.mode === "relay" ? [["organization_id", "service_key"], SERVE_FIELDS] : [["site_id"], RELAY_FIELDS];
    for (const field of required) {
      if (gist[field as keyof typeof gist] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `is required in ${gist.mode} mode` });
    }
    for (const field of foreign) {
      if (gist[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `is not a ${gist.mode} mode setting` });
    }
  });
export type GistInput = z.infer<typeof GistInput>;

/** Serve-mode settings as stored (nothing secret in them). */
export const GistQueueSettings = z.object({
  site_id: z.string(),
  polling_interval_s: z.number().int(),
  allowed_origins: z.array(z.string()).optional(),
});
export type GistQueueSettings = z.infer<typeof GistQueueSettings>;

export function queueSettings(input: GistInput): GistQueueSettings {
  return {
    site_id: input.site_id!,
    polling_interval_s: input.polling_interval_s ?? DEFAULT_POLLING_INTERVAL_S,
    ...(input.allowed_origins ? { allowed_origins: input.allowed_origins } : {}),
  };
}
