import { asBytes, fromHex, hmacKey, hmacMatches, toHex, type Bytes } from "./hmac";

/**
 * The `X-Signature` header of Data Pipelines webhook destinations: the hex
 * HMAC-SHA1 of the signed bytes under the destination's shared secret.
 *
 * Pure Web Crypto with no binding, so a receiver (a Worker, Node ≥ 20,
 * Deno, a browser) can import it (`edgehook/verify`) to check what edgehook
 * sends.
 */


/** The header value for `bytes`: 40 lower-case hex characters. */
export async function xSignature(secret: string, bytes: Bytes): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret, "SHA-1", "sign"), asBytes(bytes))));
}

/**
 * Whether `header` is the X-Signature of `body` under `secret`. Hex of either
 * case is accepted; anything that is not 40 hex characters is false. The
 * comparison is crypto.subtle.verify's, which takes the same time wherever
 * the signatures differ, so a forger learns nothing from timing.
 */
export async function verifyXSignature(secret: string, body: Bytes, header: string | null | undefined): Promise<boolean> {
  const signature = fromHex((header ?? "").trim(), 20);
  return signature !== null && hmacMatches(secret, "SHA-1", signature, body);
}
