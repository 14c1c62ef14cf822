import { z } from "zod";
import { ActionInput } from "./actions";
import type { AccountId, DestinationId } from "./ids";
import { kvKeys, listJson } from "./keys";
import type { SecretBox } from "./secret-box";

/** The Segment / Customer.io CDP call types a trigger can name. */
export const EVENT_TYPES = ["identify", "track", "page", "screen", "group", "alias"] as const;

/** A destination always sends a body (the event or a batch), so GET is not offered, as in Customer.io. */
const DestinationMethod = z.preprocess(
  (value) => (typeof value === "string" ? value.toUpperCase() : value),
  z.enum(["POST", "PUT", "PATCH", "DELETE"], { error: "must be POST, PUT, PATCH or DELETE (a destination always sends a body, so GET is not offered)" }),
);

const EventName = z.string().min(1, "must not be empty").max(200, "must be at most 200 characters");

/** Which events go to the destination: both lists are optional and AND-ed; neither means every event. */
const Trigger = z
  .strictObject({
    types: z.array(z.enum(EVENT_TYPES)).min(1, "must list at least one type, or be left out to match every type").optional(),
    events: z.array(EventName).min(1, "must list at least one event name, or be left out to match every event").max(1000).optional(),
  })
  .refine((trigger) => !(trigger.events && trigger.types && !trigger.types.includes("track")), {
    // Event names belong to track calls only, so this trigger could never match.
    message: "events names track events, but types leaves out track, so nothing would ever match",
    path: ["events"],
  });

/** Customer.io batches up to 1000 events; the window bounds how long the first one waits. */
const Batch = z.strictObject({
  size: z.number().int().min(1, "must be 1–1000").max(1000, "must be 1–1000"),
  window_ms: z.number().int().min(1_000, "must be 1,000–300,000").max(300_000, "must be 1,000–300,000"),
});

/**
 * The body of `PUT …/destinations/{dest}`. Templates are checked by
 * validateDestination before saving. `url`, `headers` and `body` take the
 * same schemas as an action's, so both have the same limits and header rules.
 * `shared_secret`: a string seals a new secret, null clears it, absent keeps
 * the stored one (the API never shows it, so a read-modify-write keeps it).
 */
export const DestinationInput = z.strictObject({
  url: ActionInput.shape.url,
  method: DestinationMethod.default("POST"),
  trigger: Trigger.default({}),
  headers: ActionInput.shape.headers,
  body: ActionInput.shape.body,
  shared_secret: z.string().min(16, "must be at least 16 characters").max(1000, "must be at most 1000 characters").nullable().optional(),
  signature: z.enum(["body", "first_event"]).default("body"),
  batch: Batch.nullable().optional(),
  enabled: z.boolean().default(true),
});
export type DestinationInput = z.infer<typeof DestinationInput>;

/** A destination as stored in KV: `shared_secret`, when set, is sealed (secret-box.ts); open it only to sign. */
export type Destination = Omit<DestinationInput, "shared_secret" | "batch"> & {
  id: DestinationId;
  shared_secret?: string;
  batch?: z.infer<typeof Batch>;
  created_at: string;
  updated_at: string;
};

export async function getDestination(kv: KVNamespace, account: AccountId, id: DestinationId): Promise<Destination | null> {
  return kv.get<Destination>(kvKeys.destination(account, id), "json");
}

/** Every destination of the account, by id. */
export async function listDestinations(kv: KVNamespace, account: AccountId): Promise<Destination[]> {
  const destinations = await listJson<Destination>(kv, kvKeys.destinationPrefix(account));
  return destinations.sort((a, b) => a.id.localeCompare(b.id));
}

/** Creates or replaces; returns the stored destination and whether it is new. The secret is sealed before it reaches KV. */
export async function putDestination(
  kv: KVNamespace,
  account: AccountId,
  id: DestinationId,
  input: DestinationInput,
  box: SecretBox,
): Promise<{ destination: Destination; created: boolean }> {
  const existing = await getDestination(kv, account, id);
  const now = new Date().toISOString();
  const { shared_secret, batch, ...fields } = input;
  const sealed = await nextSecret(shared_secret, existing?.shared_secret, box);
  const destination: Destination = {
    ...fields,
    ...(batch ? { batch } : {}),
    ...(sealed !== undefined ? { shared_secret: sealed } : {}),
    id,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await kv.put(kvKeys.destination(account, id), JSON.stringify(destination));
  return { destination, created: !existing };
}

/** null clears, a string is sealed, absent keeps the stored secret (re-sealed under the current key if it needs it). */
async function nextSecret(next: string | null | undefined, stored: string | undefined, box: SecretBox): Promise<string | undefined> {
  if (next === null) return undefined;
  if (next !== undefined) return box.seal(next);
  return stored === undefined ? undefined : box.reseal(stored);
}

export async function deleteDestination(kv: KVNamespace, account: AccountId, id: DestinationId): Promise<boolean> {
  if (!(await getDestination(kv, account, id))) return false;
  await kv.delete(kvKeys.destination(account, id));
  return true;
}

/** The shared secret in plain text, for signing; undefined when none is set. */
export async function openSharedSecret(destination: Destination, box: SecretBox): Promise<string | undefined> {
  return destination.shared_secret === undefined ? undefined : box.open(destination.shared_secret);
}

/** What the API shows: the secret never, only whether one is set; no batching as `batch: null`. */
export function publicDestination(destination: Destination) {
  const { shared_secret, batch, ...rest } = destination;
  return { ...rest, batch: batch ?? null, shared_secret_set: shared_secret !== undefined };
}
