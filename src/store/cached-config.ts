import type { Account } from "./accounts";
import type { Action } from "./actions";
import { configCache, KV_CACHE_TTL_S } from "./config-cache";
import type { AccountId, ActionId, KeyId } from "./ids";
import { kvKeys } from "./keys";

/** Who a service key belongs to, as `keyhash:{sha256}` stores it. */
export interface KeyOwner {
  account: AccountId;
  id: KeyId;
}

/**
 * Config reads for the hot paths (auth, trigger), through the isolate's
 * cache (config-cache.ts has the staleness bound). Values are frozen: one
 * object serves many requests, so none of them may change it.
 */
function cachedJson<T>(kv: KVNamespace, key: string): Promise<T | null> {
  return configCache.get(key, async () => {
    const value = await kv.get<T>(key, { type: "json", cacheTtl: KV_CACHE_TTL_S });
    return value === null ? null : deepFreeze(value);
  });
}

export function cachedAccount(kv: KVNamespace, id: AccountId): Promise<Account | null> {
  return cachedJson<Account>(kv, kvKeys.account(id));
}

export function cachedAction(kv: KVNamespace, account: AccountId, id: ActionId): Promise<Action | null> {
  return cachedJson<Action>(kv, kvKeys.action(account, id));
}

/** By the SHA-256 hex of the presented key: the key itself is never a cache key. */
export function cachedKeyOwner(kv: KVNamespace, hash: string): Promise<KeyOwner | null> {
  return cachedJson<KeyOwner>(kv, kvKeys.keyHash(hash));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
