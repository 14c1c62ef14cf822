import { concatBytes, fromBase64, headerOf, hmacMatches, secretList, timestampVerdict, type Bytes, type HeaderSource, type Secrets, type Verdict, type VerifyOptions } from "./hmac.js";

/**
 * The Standard Webhooks scheme, as edgehook signs every delivery:
 * `webhook-signature` holds one or more space-separated `v1,{base64
 * HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"}` (several during
 * a rotation), under a `whsec_{base64}` secret. Any signature under any of
 * `secrets` verifies; a secret that is not base64 verifies nothing.
 */
export async function verifyStandardWebhook(secrets: Secrets, body: Bytes, headers: HeaderSource, options: VerifyOptions = {}): Promise<Verdict> {
  const id = headerOf(headers, "webhook-id");
  const timestamp = headerOf(headers, "webhook-timestamp");
  const header = headerOf(headers, "webhook-signature");
  if (!id || !header) return { ok: false, reason: "missing_header" };
  const fresh = timestampVerdict(timestamp, options);
  if (!fresh.ok) return fresh;
  const signatures = header.split(" ").flatMap((part) => (part.startsWith("v1,") ? [fromBase64(part.slice(3))] : [])).filter((s) => s !== null);
  const keys = secretList(secrets).map((secret) => fromBase64(secret.replace(/^whsec_/, ""))).filter((key) => key !== null);
  const signed = concatBytes(`${id}.${timestamp}.`, body);
  return (await hmacMatches(keys, "SHA-256", signatures, signed)) ? { ok: true } : { ok: false, reason: "bad_signature" };
}
