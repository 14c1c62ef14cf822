import { concatBytes, fromHex, headerOf, hmacKey, hmacMatches, timestampVerdict, toHex, type Bytes, type Verdict } from "./hmac";

/**
 * Customer.io's reporting-webhook signature (the `004_…` seed):
 * `X-CIO-Timestamp` is Unix seconds and `X-CIO-Signature` the hex
 * HMAC-SHA256, under the webhook signing key, of `v0:{timestamp}:{body}`.
 * edgehook signs its own reporting webhooks with signCustomerIo, and checks
 * Customer.io sources with verifyCustomerIo; receivers can import either.
 */

/** The two headers for `body` signed at `timestamp` (Unix seconds). */
export async function signCustomerIo(secret: string, body: Bytes, timestamp: number): Promise<Record<string, string>> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "SHA-256", "sign"), concatBytes(`v0:${timestamp}:`, body));
  return { "X-CIO-Timestamp": String(timestamp), "X-CIO-Signature": toHex(new Uint8Array(mac)) };
}

/**
 * Whether a request carries a valid Customer.io signature over exactly
 * `body`, made within `toleranceSeconds` (default 300) of `now`.
 */
export async function verifyCustomerIo(
  secret: string,
  body: Bytes,
  headers: Headers | Record<string, string | string[] | undefined>,
  options: { toleranceSeconds?: number; now?: Date } = {},
): Promise<Verdict> {
  const timestamp = headerOf(headers, "x-cio-timestamp");
  const signature = fromHex((headerOf(headers, "x-cio-signature") ?? "").trim(), 32);
  if (!signature) return { ok: false, reason: headerOf(headers, "x-cio-signature") ? "bad_signature" : "missing_header" };
  const fresh = timestampVerdict(timestamp, options.toleranceSeconds ?? 300, options.now ?? new Date());
  if (!fresh.ok) return fresh;
  return (await hmacMatches(secret, "SHA-256", signature, concatBytes(`v0:${timestamp}:`, body))) ? { ok: true } : { ok: false, reason: "bad_signature" };
}
