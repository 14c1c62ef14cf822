import type { Bindings } from "../env";
import { limiterName, type Account } from "../store/accounts";

/** The limiter Durable Object of an account (shared by every account of its shard). */
export function limiterFor(env: Bindings, account: Account) {
  const name = limiterName(account);
  return { name, stub: env.ACCOUNT_LIMITER.getByName(name) };
}

/** The limiter a queued message names (the one that holds its delivery). */
export function limiterByName(env: Bindings, name: string) {
  return env.ACCOUNT_LIMITER.getByName(name);
}
