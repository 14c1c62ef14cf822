/**
 * Every KV key edgehook reads or writes is built here, so the layout is
 * visible in one place and routes never concatenate keys themselves.
 *
 * CONFIG:     acct:{account}                       account config
 *             acct:{account}:key:{keyId}           service key metadata (hash, never the key)
 *             acct:{account}:action:{actionId}     webhook action
 *             keyhash:{sha256(key)}                lookup from a presented key to its account
 * ATTRIBUTES: {account}:{customerId}               customer attributes (read replica)
 */
export const kvKeys = {
  account: (account: string) => `acct:${account}`,
  serviceKey: (account: string, keyId: string) => `acct:${account}:key:${keyId}`,
  serviceKeyPrefix: (account: string) => `acct:${account}:key:`,
  keyHash: (hash: string) => `keyhash:${hash}`,
  action: (account: string, actionId: string) => `acct:${account}:action:${actionId}`,
  actionPrefix: (account: string) => `acct:${account}:action:`,
  attributes: (account: string, customerId: string) => `${account}:${customerId}`,
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
