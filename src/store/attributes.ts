import type { AccountId, CustomerId } from "./ids";
import { kvKeys } from "./keys";

/**
 * A customer's attributes as the edge sees them (the KV read replica the
 * limiter writes through), for rendering: trigger, preview and test send all
 * put the caller's own customer fields over these, so preview shows what a
 * trigger would send.
 */
export async function storedAttributes(kv: KVNamespace, account: AccountId, customerId: CustomerId): Promise<Record<string, unknown>> {
  return (await kv.get<Record<string, unknown>>(kvKeys.attributes(account, customerId), "json")) ?? {};
}
