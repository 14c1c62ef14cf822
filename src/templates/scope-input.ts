import { z } from "zod";
import { parseWith } from "../http/json-body";
import { storedAttributes } from "../store/attributes";
import { CustomerId, type AccountId } from "../store/ids";
import type { RenderScope } from "./scope";

const JsonObject = z.record(z.string(), z.unknown());

/** `customer` in request bodies: any attributes, with `id` required where a customer is identified. */
export const CustomerInput = z.looseObject({ id: z.union([z.string().min(1).max(256), z.number()]).optional() });
export const IdentifiedCustomer = z.looseObject({
  id: z.union([z.string().min(1).max(256), z.number()], { error: "is required (a string or number)" }),
});

/** The template inputs every preview, test and trigger body shares. */
export const ScopeFields = {
  event: JsonObject.optional(),
  trigger: JsonObject.optional(),
};

type ScopeInput = { customer: Record<string, unknown>; event?: Record<string, unknown>; trigger?: Record<string, unknown> };

function toScope(input: ScopeInput): RenderScope {
  return { customer: input.customer, event: input.event ?? {}, trigger: input.trigger ?? {} };
}

/**
 * The render inputs with the customer's stored attributes (from earlier
 * responses) under the caller's own customer fields, which win: how a
 * trigger renders, and so how preview and test send render too.
 */
export function scopeOverStored(input: ScopeInput, stored: Record<string, unknown>): RenderScope {
  return toScope({ ...input, customer: { ...stored, ...input.customer } });
}

/** As a trigger of this customer would render: their stored attributes read first. A customer without an id has none. */
export async function scopeAsTriggered(attributes: KVNamespace, account: AccountId, input: ScopeInput): Promise<RenderScope> {
  const id = input.customer.id === undefined ? undefined : parseWith(CustomerId, input.customer.id, "customer.id");
  return scopeOverStored(input, id === undefined ? {} : await storedAttributes(attributes, account, id));
}
