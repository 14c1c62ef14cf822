import type { Liquid } from "liquidjs";
import { type FilterHandler, type FilterImpl, withPlainValues } from "./ruby-filter-kit";
import { rubyToS } from "./ruby-inspect";
import { toRubyNumeric } from "./ruby-number";

/**
 * Ruby Liquid 5's string filters where liquidjs's differ: Ruby's whitespace
 * is ASCII only (a non-breaking space is kept by strip and is not a word
 * break), truncatewords cuts only when there are more words than asked for,
 * and base64 decoding is strict, with the URL-safe pair liquidjs lacks.
 */
export function registerRubyTextFilters(engine: Liquid): void {
  const define = (name: string, filter: FilterHandler) => engine.registerFilter(name, withPlainValues(filter));
  define("strip", (input) => rubyToS(input).replace(LEADING, "").replace(TRAILING, ""));
  define("lstrip", (input) => rubyToS(input).replace(LEADING, ""));
  define("rstrip", (input) => rubyToS(input).replace(TRAILING, ""));
  define("truncatewords", truncatewords);
  define("base64_decode", (input) => decodeBase64(rubyToS(input), "base64_decode"));
  define("base64_url_safe_encode", (input) => encodeBase64(rubyToS(input)).replace(/\+/g, "-").replace(/\//g, "_"));
  define("base64_url_safe_decode", (input) => {
    let text = rubyToS(input);
    if (!text.endsWith("=") && text.length % 4 !== 0) text = text.padEnd(text.length + ((4 - (text.length % 4)) % 4), "=");
    return decodeBase64(text.replace(/-/g, "+").replace(/_/g, "/"), "base64_url_safe_decode");
  });
}

/** Ruby's String#strip whitespace: NUL, \t \n \v \f \r and space, nothing beyond ASCII. */
const LEADING = /^[\0\t\n\v\f\r ]+/;
const TRAILING = /[\0\t\n\v\f\r ]+$/;
const SPACE = /[\t\n\v\f\r ]/;

/** StandardFilters#truncatewords: `input.split(" ", words + 1)`, Ruby's awk-style split on ASCII whitespace. */
function truncatewords(this: FilterImpl, input: unknown, words: unknown = 15, ellipsis: unknown = "..."): unknown {
  if (input === null || input === undefined) return input;
  const text = rubyToS(input);
  this.context.memoryLimit.use(text.length);
  let limit = toRubyNumeric(words).value;
  limit = Math.trunc(limit) <= 0 ? 1 : Math.trunc(limit);
  const list: string[] = [];
  let i = 0;
  while (i < text.length && list.length <= limit) {
    while (i < text.length && SPACE.test(text[i]!)) i++;
    if (i >= text.length) break;
    let end = i;
    while (end < text.length && !SPACE.test(text[end]!)) end++;
    list.push(text.slice(i, end));
    i = end;
  }
  if (list.length <= limit) return text;
  list.pop();
  return list.join(" ") + rubyToS(ellipsis);
}

function encodeBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

/**
 * Base64.strict_decode64: whole quads, padding only at the end, unused bits
 * zero; anything else fails the render as Ruby's filter raises. Bytes that
 * are not UTF-8 become U+FFFD (a webhook body is text).
 */
function decodeBase64(text: string, filter: string): string {
  if (!STRICT_BASE64.test(text)) throw new Error(`invalid base64 provided to ${filter}`);
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
