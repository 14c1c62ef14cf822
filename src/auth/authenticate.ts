import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Principal } from "../env";
import { AppError } from "../errors";
import { pathParam } from "../http/path-param";
import { toHex } from "../lib/encoding";
import { getAccount, type Account } from "../store/accounts";
import { AccountId } from "../store/ids";
import { findServiceKeyByHash, isServiceKeyShaped } from "../store/service-keys";
import { sha256 } from "./secrets";

/**
 * Resolves a presented secret (admin token or service key) to who is calling.
 * The presented secret is hashed once: the digest is compared in constant
 * time with the admin token's (hashed once per isolate), and its hex is the
 * service-key lookup (a cached KV read, store/config-cache.ts).
 */
async function principalFor(env: AppEnv["Bindings"], presented: string | undefined): Promise<Principal> {
  if (!presented) throw new AppError("unauthorized", "Missing credentials: send Authorization: Bearer <admin token or service key>");
  const [digest, admin] = await Promise.all([sha256(presented), env.ADMIN_TOKEN ? adminDigest(env.ADMIN_TOKEN) : null]);
  if (admin && crypto.subtle.timingSafeEqual(digest, admin)) return { kind: "admin" };
  const key = isServiceKeyShaped(presented) ? await findServiceKeyByHash(env.CONFIG, toHex(new Uint8Array(digest))) : null;
  if (!key) throw new AppError("unauthorized", "Invalid or revoked credentials");
  return { kind: "key", account: key.account, keyId: key.id };
}

/** The admin token's SHA-256, computed once per isolate (and again if the token changes); a value, not a promise another request would wait on. */
let hashedAdmin: { token: string; digest: ArrayBuffer } | null = null;
async function adminDigest(token: string): Promise<ArrayBuffer> {
  if (hashedAdmin?.token !== token) hashedAdmin = { token, digest: await sha256(token) };
  return hashedAdmin.digest;
}

function bearer(c: Context): string | undefined {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Sets `principal` from `Authorization: Bearer …`. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("principal", await principalFor(c.env, bearer(c)));
  await next();
};

/** Admin-only routes: a service key, whatever its account, is not enough. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("principal").kind !== "admin") throw new AppError("forbidden", "This call needs the admin token");
  await next();
};

/**
 * The id of the account named in the path, after checking the caller may act
 * on it. A key of another account gets 403 whether or not the account exists,
 * so keys cannot probe for other tenants.
 */
export function accountIdFor(c: Context<AppEnv>): AccountId {
  const id = pathParam(c, "account", AccountId);
  const principal = c.get("principal");
  if (principal.kind === "key" && principal.account !== id) {
    throw new AppError("forbidden", "This key belongs to another account");
  }
  return id;
}

/** The account named in the path, loaded, for a caller allowed to act on it. */
export async function accountFor(c: Context<AppEnv>): Promise<Account> {
  const id = accountIdFor(c);
  return existingAccount(id, await getAccount(c.env.CONFIG, id));
}

export function existingAccount(id: AccountId, account: Account | null): Account {
  if (!account) throw new AppError("not_found", `Account ${id} does not exist`);
  return account;
}
