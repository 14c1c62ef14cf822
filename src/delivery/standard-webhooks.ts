import { fromBase64, toBase64, utf8 } from "../lib/encoding";

/**
 * Headers per the Standard Webhooks spec, so receivers dedupe on `webhook-id`
 * (stable across retries) and verify with any existing library:
 * signature = "v1," + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)).
 */
export async function standardWebhookHeaders(
  id: string,
  body: string,
  signingSecret: string | undefined,
  now = new Date(),
): Promise<Record<string, string>> {
  const timestamp = Math.floor(now.getTime() / 1000).toString();
  const headers: Record<string, string> = { "webhook-id": id, "webhook-timestamp": timestamp };
  if (signingSecret) {
    const key = await crypto.subtle.importKey("raw", fromBase64(signingSecret.replace(/^whsec_/, "")), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = await crypto.subtle.sign("HMAC", key, utf8(`${id}.${timestamp}.${body}`));
    headers["webhook-signature"] = `v1,${toBase64(new Uint8Array(mac))}`;
  }
  return headers;
}
