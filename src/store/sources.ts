import { z } from "zod";
import type { AccountId, SourceId } from "./ids";
import { kvKeys, listJson } from "./keys";
import type { SecretBox } from "./secret-box";

/** How an inbound source's requests are signed: the three schemes edgehook also sends. */
export const PROVIDERS = ["customerio", "standard-webhooks", "x-signature"] as const;
export type Provider = (typeof PROVIDERS)[number];

const Secret = z.string().min(16, "must be at least 16 characters").max(1000, "must be at most 1000 characters");
const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * The body of `PUT …/sources/{src}`. `secret` is what the sender signs with;
 * `previous_secret` is also accepted while the sender rotates (absent keeps
 * the stored one, null drops it). Accepted events go to `forward_url`, when
 * set, as deliveries signed with the account's Standard Webhooks secret.
 */
export const SourceInput = z.strictObject({
  provider: z.enum(PROVIDERS),
  secret: Secret.optional(),
  previous_secret: Secret.nullable().optional(),
  forward_url: HttpUrl.nullable().optional(),
  events: z.array(z.string().min(1).max(100)).min(1, "must list at least one event type, or be left out to take every type").max(200).optional(),
  tolerance_s: z.number().int().min(1, "must be 1–3600 seconds").max(3600, "must be 1–3600 seconds").default(300),
});
export type SourceInput = z.infer<typeof SourceInput>;

/** A source as stored: secrets sealed (secret-box.ts). */
export interface Source {
  id: SourceId;
  provider: Provider;
  secret: string;
  previous_secret?: string;
  forward_url?: string;
  events?: string[];
  tolerance_s: number;
  created_at: string;
  updated_at: string;
}

export async function getSource(kv: KVNamespace, account: AccountId, id: SourceId): Promise<Source | null> {
  return kv.get<Source>(kvKeys.source(account, id), "json");
}

export async function listSources(kv: KVNamespace, account: AccountId): Promise<Source[]> {
  const sources = await listJson<Source>(kv, kvKeys.sourcePrefix(account));
  return sources.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Creates or replaces; the secret is sealed before it reaches KV. A new
 * source needs a secret; an update without one keeps the stored secret.
 */
export async function putSource(kv: KVNamespace, account: AccountId, id: SourceId, input: SourceInput, box: SecretBox) {
  const existing = await getSource(kv, account, id);
  const secret = input.secret !== undefined ? await box.seal(input.secret) : existing ? await box.reseal(existing.secret) : null;
  if (secret === null) return { source: null, created: false };
  const previous =
    input.previous_secret === null ? undefined
    : input.previous_secret !== undefined ? await box.seal(input.previous_secret)
    : existing?.previous_secret !== undefined ? await box.reseal(existing.previous_secret)
    : undefined;
  const forwardUrl = input.forward_url === null ? undefined : (input.forward_url ?? existing?.forward_url);
  const now = new Date().toISOString();
  const source: Source = {
    id,
    provider: input.provider,
    secret,
    ...(previous !== undefined ? { previous_secret: previous } : {}),
    ...(forwardUrl !== undefined ? { forward_url: forwardUrl } : {}),
    ...(input.events ? { events: input.events } : {}),
    tolerance_s: input.tolerance_s,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await kv.put(kvKeys.source(account, id), JSON.stringify(source));
  return { source, created: !existing };
}

export async function deleteSource(kv: KVNamespace, account: AccountId, id: SourceId): Promise<boolean> {
  if (!(await getSource(kv, account, id))) return false;
  await kv.delete(kvKeys.source(account, id));
  return true;
}

/** The secrets a signature may be made with, newest first, in plain text. */
export async function openSourceSecrets(source: Source, box: SecretBox): Promise<string[]> {
  const sealed = [source.secret, ...(source.previous_secret !== undefined ? [source.previous_secret] : [])];
  return Promise.all(sealed.map((value) => box.open(value)));
}

/** What the API shows: never a secret, only whether each is set. */
export function publicSource(source: Source) {
  const { secret: _secret, previous_secret, ...rest } = source;
  return { ...rest, forward_url: source.forward_url ?? null, events: source.events ?? null, secret_set: true, previous_secret_set: previous_secret !== undefined };
}
