import { env as workerEnv } from "cloudflare:workers";
import { z } from "zod";
import type { Bindings } from "../env";
import { GistInput, GistQueueSettings, queueSettings } from "../gist/settings";
import { fromBase64 } from "../lib/encoding";
import { ShardId, type AccountId } from "./ids";
import { configCache } from "./config-cache";
import { kvKeys } from "./keys";
import { secretBox, type SecretBox } from "./secret-box";
import { nextSigningSecrets, previousSigningSecretExpiry } from "./signing-secrets";

export const DEFAULT_CONCURRENCY = 600;

/** Standard Webhooks secrets: `whsec_` + base64 of 24–64 random bytes, checked by decoding. */
const SigningSecret = z
  .string()
  .refine((secret) => {
    const bytes = secret.startsWith("whsec_") ? decodedLength(secret.slice(6)) : null;
    return bytes !== null && bytes >= 24 && bytes <= 64;
  }, "must be whsec_ followed by base64 of 24–64 bytes");

function decodedLength(base64: string): number | null {
  try {
    return fromBase64(base64).length;
  } catch {
    return null;
  }
}

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** The body of `PUT /v1/accounts/{account}`; absent fields keep their stored value, null clears. */
export const AccountInput = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  concurrency: z.number().int().min(1).max(10_000).optional(),
  shard: ShardId.nullable().optional(),
  signing_secret: SigningSecret.nullable().optional(),
  reporting: z
    .strictObject({
      url: HttpUrl,
      secret: z.string().min(16, "must be at least 16 characters"),
      events: z.array(z.enum(["webhook_attempted", "webhook_sent", "webhook_failed"])).optional(),
    })
    .nullable()
    .optional(),
  gist: GistInput.nullable().optional(),
});
export type AccountInput = z.infer<typeof AccountInput>;

/**
 * An account as stored in KV. Every secret in it is sealed (secret-box.ts):
 * `signing_secret`, `previous_signing_secret`, `reporting.secret`,
 * `gist.organization_id` and `gist.service_key`. Open them with the box only
 * where they are used, never to show them.
 */
export const Account = z.object({
  id: z.string(),
  name: z.string(),
  concurrency: z.number().int(),
  shard: z.string().optional(),
  signing_secret: z.string().optional(),
  /** When `signing_secret` replaced an earlier one. */
  signing_secret_rotated_at: z.string().optional(),
  /** The secret `signing_secret` replaced: deliveries carry its signature too for SIGNING_SECRET_OVERLAP_MS after the rotation. */
  previous_signing_secret: z.string().optional(),
  reporting: z.object({ url: z.string(), secret: z.string(), events: z.array(z.string()).optional() }).optional(),
  /** Relay mode: where and as whom messages go upstream. */
  gist: z.object({ mode: z.literal("relay").optional(), base_url: z.string().optional(), organization_id: z.string(), service_key: z.string() }).optional(),
  /** Serve mode: edgehook is the queue the Gist web SDK polls (src/gist/queue.do.ts). */
  gist_queue: GistQueueSettings.optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
/** The id is branded: an account read back from KV was saved under a checked id. */
export type Account = Omit<z.infer<typeof Account>, "id"> & { id: AccountId };

/** Accounts that name the same shard share one limiter, and so one concurrency cap. */
export function limiterName(account: Account): string {
  return account.shard ? `shard:${account.shard}` : `account:${account.id}`;
}

export async function getAccount(kv: KVNamespace, id: AccountId): Promise<Account | null> {
  return kv.get<Account>(kvKeys.account(id), "json");
}

/**
 * Creates or updates; returns the stored account and whether it is new.
 * Secrets are sealed before they reach KV, and kept ones are re-sealed when
 * they are legacy plain text or under an older ENCRYPTION_KEY entry.
 *
 * The route hands over only the KV namespace, so the box defaults to the
 * Worker's own ENCRYPTION_KEY (the importable env); tests pass their own.
 */
export async function putAccount(
  kv: KVNamespace,
  id: AccountId,
  input: AccountInput,
  box: SecretBox = secretBox((workerEnv as Partial<Bindings>).ENCRYPTION_KEY),
  now = new Date(),
): Promise<{ account: Account; created: boolean }> {
  const existing = await getAccount(kv, id);
  const at = now.toISOString();
  const account: Account = {
    id,
    name: input.name ?? existing?.name ?? id,
    concurrency: input.concurrency ?? existing?.concurrency ?? DEFAULT_CONCURRENCY,
    shard: pick(input.shard, existing?.shard),
    ...(await nextSigningSecrets(input.signing_secret, existing, box, now)),
    reporting: await mergeSealed(
      input.reporting,
      existing?.reporting,
      async (r) => ({ ...r, secret: await box.seal(r.secret) }),
      async (r) => ({ ...r, secret: await box.reseal(r.secret) }),
    ),
    gist: await mergeSealed(
      relaySettings(input.gist),
      existing?.gist,
      async (g) => ({ mode: "relay" as const, ...(g.base_url ? { base_url: g.base_url } : {}), organization_id: await box.seal(g.organization_id!), service_key: await box.seal(g.service_key!) }),
      async (g) => ({ ...g, organization_id: await box.reseal(g.organization_id), service_key: await box.reseal(g.service_key) }),
    ),
    gist_queue: input.gist === undefined ? existing?.gist_queue : input.gist?.mode === "serve" ? queueSettings(input.gist) : undefined,
    created_at: existing?.created_at ?? at,
    updated_at: at,
  };
  await kv.put(kvKeys.account(id), JSON.stringify(account));
  // Triggers in this isolate see the change at once (config-cache.ts).
  configCache.invalidate(kvKeys.account(id));
  return { account, created: !existing };
}

/** The relay half of a `gist` input: a serve-mode setting clears the relay credentials. */
function relaySettings(gist: GistInput | null | undefined): GistInput | null | undefined {
  if (gist === undefined || gist === null) return gist;
  return gist.mode === "relay" ? gist : null;
}

/** undefined keeps the stored value, null clears it. */
function pick<T>(next: T | null | undefined, stored: T | undefined): T | undefined {
  if (next === null) return undefined;
  return next ?? stored;
}

/** pick() for a value holding secrets: a new one is sealed, a kept one re-sealed if it needs it. */
async function mergeSealed<In, Stored>(
  next: In | null | undefined,
  stored: Stored | undefined,
  seal: (value: In) => Promise<Stored>,
  reseal: (value: Stored) => Promise<Stored>,
): Promise<Stored | undefined> {
  if (next === null) return undefined;
  if (next !== undefined) return seal(next);
  return stored === undefined ? undefined : reseal(stored);
}

/**
 * What the API shows: secrets are never returned, only whether they are set,
 * and when the signing secret last changed and until when the previous one
 * still signs. The Gist organization id is stored sealed, so it is not shown.
 */
export function publicAccount(account: Account, now = new Date()) {
  const { signing_secret, signing_secret_rotated_at, previous_signing_secret, reporting, gist, gist_queue, ...rest } = account;
  const overlapEnds = previousSigningSecretExpiry(account, now);
  return {
    ...rest,
    shard: account.shard ?? null,
    signing_secret_set: Boolean(signing_secret),
    signing_secret_rotated_at: signing_secret_rotated_at ?? null,
    previous_signing_secret_until: overlapEnds?.toISOString() ?? null,
    reporting: reporting ? { url: reporting.url, events: reporting.events ?? null, secret_set: true } : null,
    gist: gist
      ? { mode: "relay" as const, base_url: gist.base_url ?? null, organization_id_set: true, service_key_set: true }
      : gist_queue
        ? { mode: "serve" as const, site_id: gist_queue.site_id, polling_interval_s: gist_queue.polling_interval_s, allowed_origins: gist_queue.allowed_origins ?? null }
        : null,
  };
}
