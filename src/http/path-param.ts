import type { Context } from "hono";
import type { z } from "zod";
import { parseWith } from "./json-body";

/**
 * A path parameter checked by its id schema: a 400 naming the parameter when
 * it is malformed, so no unchecked text reaches a KV key, a Durable Object
 * name or an error message.
 */
export function pathParam<S extends z.ZodType>(c: Context, name: string, schema: S): z.infer<S> {
  return parseWith(schema, c.req.param(name) ?? "", name);
}
