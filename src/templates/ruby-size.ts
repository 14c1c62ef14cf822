import { isHash } from "./ruby-inspect";

/**
 * Ruby's `size`, for both the filter and the `.size` property: a string
 * counts characters (code points, so "😀a" is 2, where JavaScript's length
 * says 3), an array its items, a hash its keys. Integer#size is the 8 bytes of
 * a machine word in Ruby, so `{{ 12345 | size }}` really is 8 there; a Float
 * or nil has no size and gives 0.
 */
export function rubySize(value: unknown): number {
  if (typeof value === "string") {
    let count = 0;
    for (const _char of value) count++;
    return count;
  }
  if (Array.isArray(value)) return value.length;
  if (isHash(value)) return Object.keys(value).length;
  if (typeof value === "number" && Number.isInteger(value)) return 8;
  return 0;
}
