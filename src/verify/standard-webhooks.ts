import { concatBytes, headerOf, hmacMatches, timestampVerdict, type Bytes, type Verdict } from "./hmac";

/**
 * The Standard Webhooks scheme, as edgehook signs every delivery:
 * `webhook-signature` holds one or more space-separated `v1,{base64
 * HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"}` (several during
 * a rotation), under a `whsec_{base64}` secret. Any signature under any of
 * `secrets` verifies.
 */
export async function verifyStandardWebhook(
  secrets: string | string[],
  body: Bytes,
  headers: Headers | Record<string, string | string[] | undefined>,
  options: { toleranceSeconds?: number; now?: Date } = {},
): Promise<Verdict> {
  const id = headerOf(headers, "webhook-id");
  const timestamp = headerOf(headers, "webhook-timestamp");
  const header = headerOf(headers, "webhook-signature");
  if (!id || !header) return { ok: false, reason: "missing_header" };
  const fresh = timestampVerdict(timestamp, options.toleranceSeconds ?? 300, options.now ?? new Date());
  if (!fresh.ok) return fresh;
  const signed = concatBytes(`${id}.${timestamp}.`, body);
  const signatures = header.split(" ").flatMap((part) => (part.startsWith("v1,") ? [base64Bytes(part.slice(3))] : [])).filter((s) => s !== null);
  for (const secret of Array.isArray(secrets) ? secrets : [secrets]) {
    const key = base64Bytes(secret.replace(/^whsec_/, ""));
    if (!key) continue;
    for (const signature of signatures) if (await hmacMatches(key, "SHA-256", signature, signed)) return { ok: true };
  }
  return { ok: false, reason: "bad_signature" };
}

function base64Bytes(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
