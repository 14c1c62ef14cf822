import { newId, newServiceKey, sha256Hex } from "../auth/secrets";
import { cachedKeyOwner, type KeyOwner } from "./cached-config";
import { configCache } from "./config-cache";
import { KeyId, type AccountId } from "./ids";
import { kvKeys, listJson } from "./keys";

/** What we keep about a key: its SHA-256, never the key itself. */
interface StoredKey {
  id: KeyId;
  account: AccountId;
  name: string;
  hash: string;
  prefix: string;
  created_at: string;
}

type PublicKey = Omit<StoredKey, "hash" | "account">;

/** Creates a key and returns it in the clear — the only time anyone sees it. */
export async function createServiceKey(kv: KVNamespace, account: AccountId, name: string) {
  const key = newServiceKey();
  const stored: StoredKey = {
    id: KeyId.parse(newId("key")),
    account,
    name,
    hash: await sha256Hex(key),
    prefix: key.slice(0, 8),
    created_at: new Date().toISOString(),
  };
  await Promise.all([
    kv.put(kvKeys.serviceKey(account, stored.id), JSON.stringify(stored)),
    kv.put(kvKeys.keyHash(stored.hash), JSON.stringify({ account, id: stored.id })),
  ]);
  return { ...toPublic(stored), key };
}

export async function listServiceKeys(kv: KVNamespace, account: AccountId): Promise<PublicKey[]> {
  const keys = await listJson<StoredKey>(kv, kvKeys.serviceKeyPrefix(account));
  return keys.map(toPublic).sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/** Revokes a key; false when the account has no such key. */
export async function revokeServiceKey(kv: KVNamespace, account: AccountId, id: KeyId): Promise<boolean> {
  const stored = await kv.get<StoredKey>(kvKeys.serviceKey(account, id), "json");
  if (!stored) return false;
  // The hash entry goes first: it is what authenticates. This isolate's cache
  // forgets it at once; other isolates within the cache's bound (config-cache.ts).
  await kv.delete(kvKeys.keyHash(stored.hash));
  configCache.invalidate(kvKeys.keyHash(stored.hash));
  await kv.delete(kvKeys.serviceKey(account, id));
  return true;
}

/**
 * Finds the account a presented key belongs to. The lookup is by the key's
 * SHA-256, so no stored secret is compared byte by byte with the input; it
 * goes through the isolate's config cache, so a revoked key stops working
 * within that cache's bound (at once in the isolate that revoked it).
 */
export async function findServiceKey(kv: KVNamespace, presented: string): Promise<KeyOwner | null> {
  if (!isServiceKeyShaped(presented)) return null;
  return findServiceKeyByHash(kv, await sha256Hex(presented));
}

/** findServiceKey for a caller that has already hashed the presented key (SHA-256 hex). */
export function findServiceKeyByHash(kv: KVNamespace, hash: string): Promise<KeyOwner | null> {
  return cachedKeyOwner(kv, hash);
}

/** Every key newServiceKey makes starts so; anything else is not looked up. */
export function isServiceKeyShaped(presented: string): boolean {
  return presented.startsWith("ehk_");
}

function toPublic({ id, name, prefix, created_at }: StoredKey): PublicKey {
  return { id, name, prefix, created_at };
}
