import type { SiteId } from "../gist/settings";
import type { AccountId, ActionId, CustomerId, DestinationId, KeyId, SourceId } from "./ids";

/**
 * Every KV key edgehook reads or writes is built here, so the layout is
 * visible in one place and routes never concatenate keys themselves. The
 * parts are branded ids (ids.ts): only a value checked by its schema fits, and
 * no checked id contains ":", so one key space cannot reach into another.
 *
 * CONFIG:     acct:{account}                       account config
 *             acct:{account}:key:{keyId}           service key metadata (hash, never the key)
 *             acct:{account}:action:{actionId}     webhook action
 *             acct:{account}:destination:{destId}  Data Pipelines destination (shared secret sealed)
 *             acct:{account}:source:{sourceId}     inbound webhook source (secrets sealed)
 *             keyhash:{sha256(key)}                lookup from a presented key to its account
 *             gistsite:{siteId}                    lookup from a Gist site id (serve mode) to its account
 * ATTRIBUTES: {account}:{customerId}               customer attributes (read replica); the account
 *                                                  has no ":", so the first ":" ends it
 *
 * The longest key is 64 + 1 + 256 bytes (a customer id), well under KV's 512.
 */
export const kvKeys = {
  account: (account: AccountId) => `acct:${account}`,
  serviceKey: (account: AccountId, keyId: KeyId) => `acct:${account}:key:${keyId}`,
  serviceKeyPrefix: (account: AccountId) => `acct:${account}:key:`,
  keyHash: (hash: string) => `keyhash:${hash}`,
  gistSite: (site: SiteId) => `gistsite:${site}`,
  action: (account: AccountId, actionId: ActionId) => `acct:${account}:action:${actionId}`,
  actionPrefix: (account: AccountId) => `acct:${account}:action:`,
  destination: (account: AccountId, destinationId: DestinationId) => `acct:${account}:destination:${destinationId}`,
  destinationPrefix: (account: AccountId) => `acct:${account}:destination:`,
  source: (account: AccountId, sourceId: SourceId) => `acct:${account}:source:${sourceId}`,
  sourcePrefix: (account: AccountId) => `acct:${account}:source:`,
  attributes: (account: AccountId, customerId: CustomerId) => `${account}:${customerId}`,
};

/** Reads every value under a prefix (KV lists in pages of 1000). */
export async function listJson<T>(kv: KVNamespace, prefix: string): Promise<T[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix, cursor });
    names.push(...page.keys.map((key) => key.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const values = await Promise.all(names.map((name) => kv.get<T>(name, "json")));
  return values.filter((value): value is Awaited<T> => value !== null) as T[];
}
