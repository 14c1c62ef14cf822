import type { AccountLimiter } from "./limiter/account-limiter.do";

/**
 * The Worker's bindings: the generated `Env` (npm run types) with the Durable
 * Object typed for RPC, and the ADMIN_TOKEN secret, which wrangler.toml cannot declare.
 */
export type Bindings = Omit<Env, "ACCOUNT_LIMITER"> & {
  ACCOUNT_LIMITER: DurableObjectNamespace<AccountLimiter>;
  ADMIN_TOKEN?: string;
};

/** Who the request is: the admin, or a service key of one account. */
export type Principal = { kind: "admin" } | { kind: "key"; account: string; keyId: string };

export type AppEnv = {
  Bindings: Bindings;
  Variables: { principal: Principal };
};

/** Whether deliveries may reach loopback and private addresses (local development only). */
export function allowPrivateTargets(env: Bindings): boolean {
  return env.ALLOW_PRIVATE_TARGETS === "true";
}
