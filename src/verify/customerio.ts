import {
  concatBytes,
  fromHex,
  headerOf,
  hmac,
  hmacMatches,
  secretList,
  timestampVerdict,
  toHex,
  type Bytes,
  type HeaderSource,
  type Secrets,
  type Verdict,
  type VerifyOptions,
} from "./hmac.js";

/**
 * Customer.io's reporting-webhook signature (the `004_…` seed):
 * `X-CIO-Timestamp` is Unix seconds and `X-CIO-Signature` the hex
 * HMAC-SHA256, under the webhook signing key, of `v0:{timestamp}:{body}`.
 * edgehook signs its own reporting webhooks with signCustomerIo, and checks
 * Customer.io sources with verifyCustomerIo; receivers can import either.
 */

/** The two header values, when they were taken from the request some other way. */
export interface CustomerIoSignature {
  signature: string | null | undefined;
  timestamp: string | number | null | undefined;
}

/** The two headers for `body` signed at `timestamp` (Unix seconds). */
export async function signCustomerIo(secret: string, body: Bytes, timestamp: number): Promise<{ "X-CIO-Timestamp": string; "X-CIO-Signature": string }> {
  const mac = await hmac(secret, "SHA-256", concatBytes(`v0:${timestamp}:`, body));
  return { "X-CIO-Timestamp": String(timestamp), "X-CIO-Signature": toHex(mac) };
}

/**
 * Whether a request carries a valid Customer.io signature over exactly
 * `body` (the bytes as received, before any parsing), under any of
 * `secrets`, made within `toleranceSeconds` (default 300) of `now`.
 */
export async function verifyCustomerIo(
  secrets: Secrets,
  body: Bytes,
  headers: HeaderSource | CustomerIoSignature,
  options: VerifyOptions = {},
): Promise<Verdict> {
  const { signature: header, timestamp } = isSignature(headers)
    ? { signature: headers.signature ?? null, timestamp: headers.timestamp == null ? null : String(headers.timestamp) }
    : { signature: headerOf(headers, "x-cio-signature"), timestamp: headerOf(headers, "x-cio-timestamp") };
  if (!header) return { ok: false, reason: "missing_header" };
  const fresh = timestampVerdict(timestamp, options);
  if (!fresh.ok) return fresh;
  const signature = fromHex(header.trim(), 32);
  const signed = concatBytes(`v0:${timestamp}:`, body);
  return signature && (await hmacMatches(secretList(secrets), "SHA-256", [signature], signed)) ? { ok: true } : { ok: false, reason: "bad_signature" };
}

function isSignature(headers: HeaderSource | CustomerIoSignature): headers is CustomerIoSignature {
  return !(headers instanceof Headers) && "signature" in headers && "timestamp" in headers;
}
