/**
 * Web Crypto HMAC helpers shared by the verifiers in this folder. No imports
 * and no bindings: Workers, Node ≥ 20, Deno and browsers all run them.
 */

const encoder = new TextEncoder();

/** What a signature covers: text as its UTF-8 bytes (what goes on the wire), or the bytes themselves. */
export type Bytes = string | Uint8Array;

/** A request's headers: a `Headers` object, or a plain record such as Node's `req.headers`. Names are case-insensitive. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** One secret, or several while the sender rotates: any of them verifies. */
export type Secrets = string | readonly string[];

/** When a signed timestamp is checked, and how far from it a request may be. */
export interface VerifyOptions {
  /** How far (either way) the signed timestamp may be from `now`; default 300. */
  toleranceSeconds?: number;
  /** The clock to check against; default the current time. */
  now?: Date;
}

/** Why a request was not verified; `ok` when it was. Every verifier answers this. */
export type Verdict = { ok: true } | { ok: false; reason: "missing_header" | "bad_timestamp" | "stale" | "bad_signature" };

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

export function secretList(secrets: Secrets): readonly string[] {
  return typeof secrets === "string" ? [secrets] : secrets;
}

export function hmacKey(secret: Bytes, hash: "SHA-1" | "SHA-256", usage: "sign" | "verify") {
  return crypto.subtle.importKey("raw", asBytes(secret), { name: "HMAC", hash }, false, [usage]);
}

export async function hmac(secret: Bytes, hash: "SHA-1" | "SHA-256", data: Bytes): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret, hash, "sign"), asBytes(data)));
}

/**
 * Whether any of `signatures` is the HMAC of `data` under any of `secrets`.
 * The digest is computed and then compared with timingSafeEqual, not left to
 * crypto.subtle.verify: the Web Crypto spec only required a constant-time
 * HMAC verify in 2026, and Node's used plain memcmp before its March 2026
 * security releases (CVE-2026-21713), so an unpatched Node ≥ 20 or an older
 * browser may leak timing there.
 */
export async function hmacMatches(secrets: readonly Bytes[], hash: "SHA-1" | "SHA-256", signatures: readonly Uint8Array[], data: Bytes): Promise<boolean> {
  if (signatures.length === 0) return false;
  for (const secret of secrets) {
    const expected = await hmac(secret, hash, data);
    if (signatures.some((signature) => timingSafeEqual(expected, signature))) return true;
  }
  return false;
}

/**
 * Byte equality in time that depends on the lengths only. Workers have
 * crypto.subtle.timingSafeEqual; elsewhere (Node's Web Crypto has none, nor
 * do browsers) a loop that looks at every byte. The lengths are not secret:
 * a digest's is fixed by its hash.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  return typeof subtle.timingSafeEqual === "function" ? subtle.timingSafeEqual(a, b) : bytesEqual(a, b);
}

/** The fallback of timingSafeEqual: ORs the XOR of every byte pair, with no early exit. Same lengths only. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.byteLength ^ b.byteLength;
  for (let i = 0; i < a.byteLength; i++) difference |= a[i]! ^ (b[i] ?? 0);
  return difference === 0;
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

/** Base64 to bytes; null when it is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A header by name from a Headers object or a plain record, case-insensitively. */
export function headerOf(headers: HeaderSource, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  }
  return null;
}

/** Whether a Unix-seconds timestamp is there, well-formed, and within `toleranceSeconds` of `now`. */
export function timestampVerdict(timestamp: string | null, options: VerifyOptions): Verdict {
  if (!timestamp) return { ok: false, reason: "missing_header" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  const now = (options.now ?? new Date()).getTime() / 1000;
  return Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300) ? { ok: false, reason: "stale" } : { ok: true };
}
