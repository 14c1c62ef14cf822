import { z } from "zod";
import { fromBase64 } from "../lib/encoding";
import { kvKeys } from "./keys";

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
  shard: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1–64 letters, digits, '_', '.' or '-'").nullable().optional(),
  signing_secret: SigningSecret.nullable().optional(),
  reporting: z
    .strictObject({
      url: HttpUrl,
      secret: z.string().min(16, "must be at least 16 characters"),
      events: z.array(z.enum(["webhook_attempted", "webhook_sent", "webhook_failed"])).optional(),
    })
    .nullable()
    .optional(),
  gist: z
    .strictObject({
      base_url: HttpUrl.optional(),
      organization_id: z.string().min(1),
      service_key: z.string().min(1),
    })
    .nullable()
    .optional(),
});
export type AccountInput = z.infer<typeof AccountInput>;

export const Account = z.object({
  id: z.string(),
  name: z.string(),
  concurrency: z.number().int(),
  shard: z.string().optional(),
  signing_secret: z.string().optional(),
  reporting: z.object({ url: z.string(), secret: z.string(), events: z.array(z.string()).optional() }).optional(),
  gist: z.object({ base_url: z.string().optional(), organization_id: z.string(), service_key: z.string() }).optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Account = z.infer<typeof Account>;

/** Accounts that name the same shard share one limiter, and so one concurrency cap. */
export function limiterName(account: Account): string {
  return account.shard ? `shard:${account.shard}` : `account:${account.id}`;
}

export async function getAccount(kv: KVNamespace, id: string): Promise<Account | null> {
  return kv.get<Account>(kvKeys.account(id), "json");
}

/** Creates or updates; returns the stored account and whether it is new. */
export async function putAccount(kv: KVNamespace, id: string, input: AccountInput): Promise<{ account: Account; created: boolean }> {
  const existing = await getAccount(kv, id);
  const now = new Date().toISOString();
  const account: Account = {
    id,
    name: input.name ?? existing?.name ?? id,
    concurrency: input.concurrency ?? existing?.concurrency ?? DEFAULT_CONCURRENCY,
    shard: pick(input.shard, existing?.shard),
    signing_secret: pick(input.signing_secret, existing?.signing_secret),
    reporting: pick(input.reporting, existing?.reporting),
    gist: pick(input.gist, existing?.gist),
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await kv.put(kvKeys.account(id), JSON.stringify(account));
  return { account, created: !existing };
}

/** undefined keeps the stored value, null clears it. */
function pick<T>(next: T | null | undefined, stored: T | undefined): T | undefined {
  if (next === null) return undefined;
  return next ?? stored;
}

/** What the API shows: secrets are never returned, only whether they are set. */
export function publicAccount(account: Account) {
  const { signing_secret, reporting, gist, ...rest } = account;
  return {
    ...rest,
    shard: account.shard ?? null,
    signing_secret_set: Boolean(signing_secret),
    reporting: reporting ? { url: reporting.url, events: reporting.events ?? null, secret_set: true } : null,
    gist: gist ? { base_url: gist.base_url ?? null, organization_id: gist.organization_id, service_key_set: true } : null,
  };
}
