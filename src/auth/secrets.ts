/**
 * Secret handling in one place: random keys, hashes for storage, and
 * constant-time comparison so a timing side channel cannot reveal a secret.
 */

import { base64Url, toHex, utf8 } from "../lib/encoding";

/** A new service key: 192 random bits, URL-safe, prefixed so it is recognisable in a leak scan. */
export function newServiceKey(): string {
  return `ehk_${base64Url(crypto.getRandomValues(new Uint8Array(24)))}`;
}

/** A short random id (96 bits) for keys, deliveries and leases. */
export function newId(prefix: string): string {
  return `${prefix}_${base64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
}

/** SHA-256 hex of a secret: what we store instead of the secret. */
export async function sha256Hex(value: string): Promise<string> {
  return toHex(new Uint8Array(await sha256(value)));
}

export function sha256(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", utf8(value));
}

/** Compares two secrets in time independent of where they differ (both are hashed first, so lengths match). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", utf8(a)),
    crypto.subtle.digest("SHA-256", utf8(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}
