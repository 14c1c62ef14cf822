import { toHex, utf8 } from "../lib/encoding";

/** Customer.io's reporting-webhook headers: `X-CIO-Signature` = hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`). */
export async function signCustomerIo(secret: string, body: string, timestamp: number): Promise<Record<string, string>> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, utf8(`v0:${timestamp}:${body}`));
  return { "X-CIO-Timestamp": String(timestamp), "X-CIO-Signature": toHex(new Uint8Array(mac)) };
}
