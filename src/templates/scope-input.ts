import { z } from "zod";
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

export function toScope(input: { customer: Record<string, unknown>; event?: Record<string, unknown>; trigger?: Record<string, unknown> }): RenderScope {
  return { customer: input.customer, event: input.event ?? {}, trigger: input.trigger ?? {} };
}
