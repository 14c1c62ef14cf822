import { fromHex, headerOf, hmac, hmacMatches, secretList, toHex, type Bytes, type HeaderSource, type Secrets, type Verdict } from "./hmac.js";

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
  return toHex(await hmac(secret, "SHA-1", bytes));
}

/**
 * Whether the request's X-Signature (its headers, or the header's value) is
 * the signature of exactly `body` under any of `secrets`. Hex of either case
 * is accepted; anything that is not 40 hex characters is a bad signature.
 * The scheme signs no time, so there is nothing to be stale: a receiver that
 * cares about replays dedupes on the signature.
 */
export async function verifyXSignature(secrets: Secrets, body: Bytes, header: HeaderSource | string | null | undefined): Promise<Verdict> {
  const value = header == null || typeof header === "string" ? header : headerOf(header, "x-signature");
  if (!value) return { ok: false, reason: "missing_header" };
  const signature = fromHex(value.trim(), 20);
  return signature && (await hmacMatches(secretList(secrets), "SHA-1", [signature], body)) ? { ok: true } : { ok: false, reason: "bad_signature" };
}
