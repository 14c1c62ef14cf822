import type { Context } from "hono";
import type { z } from "zod";
import { AppError, clip } from "../errors";
import { byteLength, withinBytes } from "../lib/encoding";

/** Request bodies above this are refused before parsing (a trigger's customer + event fit easily). */
const MAX_BODY_BYTES = 1_000_000;
/**
 * Objects and arrays nested deeper than this are refused before parsing: no
 * customer or event needs more, and deep values overflow the stack wherever
 * they are later copied (RPC to the limiter, rendering, JSON.stringify).
 */
const MAX_JSON_DEPTH = 64;

/**
 * Reads the body as JSON and validates it against `schema`. Every failure is a
 * 4xx that says what is wrong — wrong size, broken JSON, or which field.
 */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge(declared);
  // Decoded by the runtime; the size is checked on the text (a body without a declared length is bounded here).
  const text = await c.req.text();
  if (!withinBytes(text, MAX_BODY_BYTES)) throw tooLarge(byteLength(text));
  const depth = jsonDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new AppError("validation_failed", `body: nested more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH}`);
  }

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
  // At most a few issues, each clipped: field names come from the caller.
  const issues = result.error.issues.slice(0, 10).map((issue) => {
    const path = clip(issue.path.length ? issue.path.join(".") : what, 100);
    return { path, message: clip(issue.message, 200) };
  });
  const first = issues[0]!;
  throw new AppError("validation_failed", `${first.path}: ${first.message}`, { issues });
}

/**
 * How deep `[` and `{` nest in JSON text, outside strings; stops counting
 * once past `stopAbove`. A scan, not a parse, so a hostile depth costs no stack.
 */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

function tooLarge(bytes: number) {
  return new AppError("payload_too_large", `Request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES}`);
}
