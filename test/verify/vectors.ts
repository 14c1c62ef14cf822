/**
 * Signatures made outside workerd, with Node's crypto, so the verifiers are
 * checked against an independent HMAC. Each was computed with a one-liner:
 *   node -e 'const c = require("crypto"); console.log(c.createHmac("sha256", KEY).update(`v0:${TS}:`).update(BODY).digest("hex"))'
 *   node -e '… c.createHmac("sha256", Buffer.from(RAW_KEY)).update(`msg_1.${TS}.`).update(BODY).digest("base64")'
 *   node -e '… c.createHmac("sha1", X_KEY).update(BODY).digest("hex")'
 */
export const TS = 1795449600;
export const AT = new Date(TS * 1000);
export const BODY = '{"event_id":"01HX","metric":"sent"}';
export const UTF8_BODY = '{"name":"Zoë 😀"}';
/** Bytes that are not UTF-8 (0xff 0xfe, a NUL, an invalid 0xc3 0x28): decoding them to text and back changes them. */
export const BINARY_BODY = new Uint8Array([0x7b, 0x22, 0x62, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x22, 0x7d]);

export const CIO_KEY = "cio-signing-key-0123";
export const CIO_VECTORS: Array<[name: string, body: string | Uint8Array, hex: string]> = [
  ["a JSON body", BODY, "c9823cc6f195ba1c83dc83f0cc1a3bb725ba7399ef01a8909184414b933f9dd0"],
  ["non-ASCII text, signed as UTF-8", UTF8_BODY, "99f3c8441694267f516f8870d5c02cf100db1e839393a747959ed12381d4961a"],
  ["bytes that are not UTF-8", BINARY_BODY, "63f27e80fb2b8c7f959a85a60e0a903c6da5637f43fdc83c1eb291f1eb040685"],
];

/** The raw key under `whsec_`: 32 ASCII bytes, base64 in the secret. */
export const SW_RAW_KEY = "0123456789abcdef0123456789abcdef";
export const SW_SECRET = `whsec_${btoa(SW_RAW_KEY)}`;
export const SW_OLD_SECRET = `whsec_${btoa("fedcba9876543210fedcba9876543210")}`;
export const SW_VECTORS: Array<[name: string, body: string | Uint8Array, base64: string]> = [
  ["a JSON body", BODY, "GZ3Wi0mm8Mt9/Mo7k77qcssx365xtmlkioIp0e8cD4Y="],
  ["bytes that are not UTF-8", BINARY_BODY, "GQFmSeQq0/zF4s+fiPmIadsv1WcAAp5K5lgVBFUP6Vk="],
];

export const X_KEY = "shared-secret-0123456";
export const X_VECTORS: Array<[name: string, body: string | Uint8Array, hex: string]> = [
  ["a JSON body", BODY, "458e64f2691b0772e1eca4c6fa065763b73db3eb"],
  ["bytes that are not UTF-8", BINARY_BODY, "beb060e234a74f9d6988d26c30c17f596075a1ab"],
];

/** `bytes` with its last byte changed. */
export function oneByteChanged(body: string | Uint8Array): Uint8Array {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body.slice();
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
  return bytes;
}
