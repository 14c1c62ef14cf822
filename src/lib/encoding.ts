/** Byte encodings used for keys, ids and signatures (Workers have btoa, not Buffer). */

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

export function base64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const encoder = new TextEncoder();
export const utf8 = (text: string) => encoder.encode(text);

/** Whether `text` is at most `limit` bytes of UTF-8; encodes it only when its length alone cannot tell (a UTF-16 unit is at most 3 bytes). */
export function withinBytes(text: string, limit: number): boolean {
  return text.length * 3 <= limit || byteLength(text) <= limit;
}

/** UTF-8 size of a string, in bytes: what limits on stored and sent text count. */
export function byteLength(text: string): number {
  return utf8(text).byteLength;
}
