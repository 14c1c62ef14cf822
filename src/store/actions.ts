import { z } from "zod";
import type { AccountId, ActionId } from "./ids";
import { configCache } from "./config-cache";
import { kvKeys, listJson } from "./keys";
import { HttpMethod } from "./schemas";

/** RFC 9110 token: what a header name may be. */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, "is not a valid header name");
export const AttributeName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, "is not a valid attribute name");

const MAX_TEMPLATE_CHARS = 100_000;
const Template = z.string().max(MAX_TEMPLATE_CHARS, `must be at most ${MAX_TEMPLATE_CHARS} characters`);

/** The body of `PUT …/actions/{action}`. Templates are checked by validateAction before saving. */
export const ActionInput = z.strictObject({
  method: z.preprocess((value) => (typeof value === "string" ? value.toUpperCase() : value), HttpMethod).default("POST"),
  url: Template.min(1, "is required"),
  headers: z.record(HeaderName, Template).default({}),
  body: Template.optional(),
  attributes: z.record(AttributeName, Template).default({}),
});
export type ActionInput = z.infer<typeof ActionInput>;

export type Action = ActionInput & { id: ActionId; created_at: string; updated_at: string };

export async function getAction(kv: KVNamespace, account: AccountId, id: ActionId): Promise<Action | null> {
  return kv.get<Action>(kvKeys.action(account, id), "json");
}

export async function listActions(kv: KVNamespace, account: AccountId): Promise<Action[]> {
  const actions = await listJson<Action>(kv, kvKeys.actionPrefix(account));
  return actions.sort((a, b) => a.id.localeCompare(b.id));
}

export async function putAction(kv: KVNamespace, account: AccountId, id: ActionId, input: ActionInput) {
  const existing = await getAction(kv, account, id);
  const now = new Date().toISOString();
  const action: Action = { ...input, id, created_at: existing?.created_at ?? now, updated_at: now };
  await kv.put(kvKeys.action(account, id), JSON.stringify(action));
  // Triggers in this isolate see the new action at once (config-cache.ts).
  configCache.invalidate(kvKeys.action(account, id));
  return { action, created: !existing };
}

export async function deleteAction(kv: KVNamespace, account: AccountId, id: ActionId): Promise<boolean> {
  if (!(await getAction(kv, account, id))) return false;
  await kv.delete(kvKeys.action(account, id));
  configCache.invalidate(kvKeys.action(account, id));
  return true;
}
