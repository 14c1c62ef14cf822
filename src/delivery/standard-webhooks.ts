import { fromBase64, toBase64, utf8 } from "../lib/encoding";

/**
 * Headers per the Standard Webhooks spec, so receivers dedupe on `webhook-id`
 * (stable across retries) and verify with any existing library:
 * signature = "v1," + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)).
 *
 * One signature per secret, space-separated as the spec allows: during a
 * signing-secret rotation both the new and the previous secret sign, so a
 * receiver still holding the old secret keeps verifying. No secrets: unsigned.
 */
export async function standardWebhookHeaders(
  id: string,
  body: string,
  signingSecrets: readonly string[],
  now = new Date(),
): Promise<Record<string, string>> {
  const timestamp = Math.floor(now.getTime() / 1000).toString();
  const headers: Record<string, string> = { "webhook-id": id, "webhook-timestamp": timestamp };
  if (signingSecrets.length > 0) {
    const content = utf8(`${id}.${timestamp}.${body}`);
    const signatures = await Promise.all(signingSecrets.map((secret) => sign(secret, content)));
    headers["webhook-signature"] = signatures.map((signature) => `v1,${signature}`).join(" ");
  }
  return headers;
}

async function sign(secret: string, content: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", fromBase64(secret.replace(/^whsec_/, "")), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)));
}
