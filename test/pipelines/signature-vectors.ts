/**
 * X-Signature vectors computed outside workerd, with Node's crypto:
 *   node -e 'console.log(require("crypto").createHmac("sha1", SECRET).update(TEXT, "utf8").digest("hex"))'
 * so the relay's Web Crypto code is checked against an independent implementation.
 */
export const SECRET = "whsec-like-shared-secret-16+";

/** The seed's batch example (003_…txt), compact, as one request body. */
export const SEED_BATCH =
  '[{"type":"track","userId":"123","event":"Signed Up","properties":{"plan":"Startup","referred_by":"Friend"}},{"type":"track","userId":"456","event":"Signed Up","properties":{"plan":"Free","referred_by":"Ad"}}]';

/** `JSON.stringify` of the seed batch's first element: what `signature: "first_event"` signs. */
export const SEED_FIRST = '{"type":"track","userId":"123","event":"Signed Up","properties":{"plan":"Startup","referred_by":"Friend"}}';

export const NODE_VECTORS: Array<[name: string, secret: string, text: string, hex: string]> = [
  ["the seed batch", SECRET, SEED_BATCH, "01e7e65d999841ebedbea561274b6c80d71c2e9b"],
  ["the seed batch's first event", SECRET, SEED_FIRST, "6efced48600e9f2b3b2842f99aa083273367adc3"],
  ["non-ASCII text, signed as UTF-8", SECRET, '{"name":"Zoë 🚀"}', "5891b689960e63e3f5b041eb81c8aa4f1f2b2ef1"],
  ["RFC 2202 test case 2", "Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"],
];

/** Hex HMAC-SHA1 computed here, with crypto.subtle directly, independently of the code under test. */
export async function independentHmacSha1(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
