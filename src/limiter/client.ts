import type { Bindings } from "../env";
import { AppError } from "../errors";
import { limiterName, type Account } from "../store/accounts";
import type { AcceptOutcome } from "./protocol";

/** The limiter Durable Object of an account (shared by every account of its shard). */
export function limiterFor(env: Bindings, account: Account) {
  const name = limiterName(account);
  return { name, stub: env.ACCOUNT_LIMITER.getByName(name) };
}

/** The limiter a queued message names (the one that holds its delivery). */
export function limiterByName(env: Bindings, name: string) {
  return env.ACCOUNT_LIMITER.getByName(name);
}

/** An accepted delivery, or the HTTP error for why not: 413 for what can never fit, 503 for a queue that failed now. */
export function acceptedOrError(outcome: AcceptOutcome): { deliveryId: string; duplicate: boolean } {
  if (outcome.ok) return outcome;
  throw new AppError(outcome.reason === "too_large" ? "payload_too_large" : "unavailable", outcome.message);
}
