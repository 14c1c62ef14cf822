import { AppError, clip } from "../errors";
import { jsonDepth } from "../http/json-body";
import { TRACKING_LIMITS } from "./tracking-limits";

const LIMIT = TRACKING_LIMITS.requestBytes;

/**
 * Reads a tracking request body: plain or `Content-Encoding: gzip`, as a JSON
 * object. The size limit holds for the bytes on the wire and for what they
 * decompress to, and reading stops as soon as either passes it, so a gzip
 * bomb costs one limit's worth of work. Any failure is a 400 that says what.
 * The Content-Type is not checked: browsers' analytics.js sends text/plain.
 */
export async function readTrackingBody(request: Request): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > LIMIT) throw tooLarge(`${declared} bytes`);
  const wire = await readCapped(request.body, "");
  const bytes = await decode(wire, request.headers.get("content-encoding"));
  return parseObject(new TextDecoder().decode(bytes));
}

async function decode(wire: Uint8Array, encoding: string | null): Promise<Uint8Array> {
  const name = (encoding ?? "").trim().toLowerCase();
  if (name === "" || name === "identity") return wire;
  if (name !== "gzip" && name !== "x-gzip") {
    throw new AppError("validation_failed", `Content-Encoding ${clip(name, 40)} is not supported; send gzip or an uncompressed body`);
  }
  const inflated = new Response(wire).body!.pipeThrough(new DecompressionStream("gzip"));
  try {
    return await readCapped(inflated, " once decompressed");
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError("validation_failed", `body: not a valid gzip stream (${clip(String((err as Error)?.message ?? err), 100)})`);
  }
}

/** Reads a stream to its end, or throws as soon as it passes the limit (the rest is never read). */
async function readCapped(stream: ReadableStream<Uint8Array> | null, what: string): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > LIMIT) {
      // Stops the producer too: no further bytes are read or inflated.
      await reader.cancel().catch(() => {});
      throw tooLarge(`more than ${LIMIT} bytes${what}`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function parseObject(text: string): Record<string, unknown> {
  if (jsonDepth(text, TRACKING_LIMITS.jsonDepth) > TRACKING_LIMITS.jsonDepth) {
    throw new AppError("validation_failed", `body: nested more than ${TRACKING_LIMITS.jsonDepth} levels deep; the limit is ${TRACKING_LIMITS.jsonDepth}`);
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === "" ? {} : JSON.parse(text);
  } catch (err) {
    throw new AppError("invalid_json", `Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AppError("validation_failed", "body: must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(size: string) {
  return new AppError("validation_failed", `body: ${size}; the request size limit is ${LIMIT} bytes (500 KB)`);
}
