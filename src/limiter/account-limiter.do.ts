import { DurableObject } from "cloudflare:workers";

export class AccountLimiter extends DurableObject<Env> {}
