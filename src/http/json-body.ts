import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../errors";

/** Request bodies above this are refused before parsing (a trigger's customer + event fit easily). */
export const MAX_BODY_BYTES = 1_000_000;

/**
 * Reads the body as JSON and validates it against `schema`. Every failure is a
 * 4xx that says what is wrong — wrong size, broken JSON, or which field.
 */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge(declared);
  const raw = await c.req.arrayBuffer();
  if (raw.byteLength > MAX_BODY_BYTES) throw tooLarge(raw.byteLength);
  const text = new TextDecoder().decode(raw);

  let parsed: unknown;
  try {
    parsed = text.trim() === "" ? {} : JSON.parse(text);
  } catch (err) {
    throw new AppError("invalid_json", `Request body is not valid JSON: ${(err as Error).message}`);
  }
  return parseWith(schema, parsed, "body");
}

/** Validates an already parsed value; the message names the first bad field by its path. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join(".") : what;
    return { path, message: issue.message };
  });
  const first = issues[0]!;
  throw new AppError("validation_failed", `${first.path}: ${first.message}`, { issues });
}

function tooLarge(bytes: number) {
  return new AppError("payload_too_large", `Request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES}`);
}
