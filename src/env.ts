import type { AccountId, KeyId } from "./store/ids";

/**
 * The Worker's bindings: the generated `Env` (npm run types, which types the
 * Durable Object for RPC) and the ADMIN_TOKEN and ENCRYPTION_KEY secrets,
 * which wrangler.toml cannot declare.
 */
export type Bindings = Env & { ADMIN_TOKEN?: string; ENCRYPTION_KEY?: string };

/** Who the request is: the admin, or a service key of one account. */
export type Principal = { kind: "admin" } | { kind: "key"; account: AccountId; keyId: KeyId };

export type AppEnv = {
  Bindings: Bindings;
  Variables: { principal: Principal };
};

/** Whether deliveries may reach loopback and private addresses (local development only). */
export function allowPrivateTargets(env: Bindings): boolean {
  return env.ALLOW_PRIVATE_TARGETS === "true";
}
