import { utf8 } from "./encoding";

/** FNV-1a (32 bits) over the UTF-8 bytes of `text`: stable, cheap, spread evenly enough to pick among a few buckets. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
