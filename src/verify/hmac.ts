/**
 * Web Crypto HMAC helpers shared by the verifiers in this folder. No imports
 * and no bindings: Workers, Node ≥ 20, Deno and browsers all run them.
 */

const encoder = new TextEncoder();

/** What a signature covers: text as its UTF-8 bytes (what goes on the wire), or the bytes themselves. */
export type Bytes = string | Uint8Array;

export function asBytes(value: Bytes): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

export function concatBytes(...parts: Bytes[]): Uint8Array {
  const arrays = parts.map(asBytes);
  const out = new Uint8Array(arrays.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of arrays) (out.set(part, offset), (offset += part.byteLength));
  return out;
}

export function hmacKey(secret: Bytes, hash: "SHA-1" | "SHA-256", usage: "sign" | "verify") {
  return crypto.subtle.importKey("raw", asBytes(secret), { name: "HMAC", hash }, false, [usage]);
}

/**
 * Whether `signature` is the HMAC of `data`. crypto.subtle.verify takes the
 * same time wherever the bytes differ, so a forger learns nothing from timing.
 */
export async function hmacMatches(secret: Bytes, hash: "SHA-1" | "SHA-256", signature: Uint8Array, data: Bytes): Promise<boolean> {
  return crypto.subtle.verify("HMAC", await hmacKey(secret, hash, "verify"), signature, asBytes(data));
}

/** Hex to bytes; null unless it is exactly `bytes` bytes of hex (either case). */
export function fromHex(hex: string, bytes: number): Uint8Array | null {
  if (!new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(hex)) return null;
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** A header by name from a Headers object or a plain record, case-insensitively. */
export function headerOf(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  }
  return null;
}

/** Why a request was not verified; `ok` when it was. */
export type Verdict = { ok: true } | { ok: false; reason: "missing_header" | "bad_signature" | "stale" };

/** Whether a Unix-seconds timestamp header is within `toleranceSeconds` of `now`. */
export function timestampVerdict(timestamp: string | null, toleranceSeconds: number, now: Date): Verdict {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing_header" };
  return Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds ? { ok: false, reason: "stale" } : { ok: true };
}
