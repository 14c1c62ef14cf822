/**
 * The `X-Signature` header of Data Pipelines webhook destinations: the hex
 * HMAC-SHA1 of the signed bytes under the destination's shared secret.
 *
 * Pure Web Crypto with no import and no binding, so a receiver (a Worker,
 * Node ≥ 20, Deno, a browser) can copy or import this file to check what
 * edgehook sends.
 */

const encoder = new TextEncoder();

type Bytes = string | Uint8Array;

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-1" }, false, [usage]);
}

/** Text is signed as its UTF-8 bytes, which is what goes on the wire. */
function asBytes(value: Bytes): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/** The header value for `bytes`: 40 lower-case hex characters. */
export async function xSignature(secret: string, bytes: Bytes): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), asBytes(bytes)));
  let hex = "";
  for (const byte of mac) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * Whether `header` is the X-Signature of `body` under `secret`. Hex of either
 * case is accepted; anything that is not 40 hex characters is false. The
 * comparison is crypto.subtle.verify's, which takes the same time wherever
 * the signatures differ, so a forger learns nothing from timing.
 */
export async function verifyXSignature(secret: string, body: Bytes, header: string | null | undefined): Promise<boolean> {
  const hex = (header ?? "").trim();
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) return false;
  const signature = new Uint8Array(20);
  for (let i = 0; i < 20; i++) signature[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), signature, asBytes(body));
}
