/**
 * Ruby's three ways of turning a value into text, as Shopify Liquid 5 uses
 * them. Customer.io templates depend on them: `{{ customer | replace: "=>", ":" }}`
 * turns the printed hash `{"id"=>"1", "n"=>nil}` into JSON (give or take nil).
 *
 * - `rubyInspect`: Object#inspect, used for values nested in a hash or array.
 * - `rubyToS`: Object#to_s, what string filters (append, replace …) see.
 * - `rubyOutput`: what `{{ value }}` prints: arrays are flattened and joined
 *   with no separator, nil prints nothing, everything else is to_s.
 */

import { Drop } from "liquidjs";

/**
 * The value a liquidjs Drop stands for: the literals `nil`, `empty` and
 * `blank` reach filters as Drops, which would otherwise print as objects.
 */
export function toPlain(value: unknown): unknown {
  return value instanceof Drop ? value.valueOf() : value;
}

/**
 * Float#to_s. JavaScript cannot tell 2.0 from 2, so a whole number always
 * prints as an Integer ("2", never "2.0"), spelled out in full even past 1e21
 * where JavaScript would switch to exponent form (IDs must not become "1e+21").
 * Fractions follow Ruby: exponent form below 1e-4 ("1.0e-05"); every double
 * from 2^53 up is whole, so Ruby's exponent form from 1e16 never applies here.
 */
export function rubyNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4) return String(value);
  const [mantissa = "", exponent = ""] = value.toExponential().split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}e${sign}${digits}`;
}

/** Object#inspect: hashes as `{"k"=>v}`, arrays as `[a, b]`, nil as `nil`, strings quoted. */
export function rubyInspect(input: unknown): string {
  const value = toPlain(input);
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return inspectString(value);
  if (typeof value === "number") return rubyNumber(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(", ")}]`;
  if (isHash(value)) {
    const entries = Object.entries(value).map(([key, item]) => `${inspectString(key)}=>${rubyInspect(item)}`);
    return `{${entries.join(", ")}}`;
  }
  return String(value);
}

/** Object#to_s: nil is "", strings are themselves, arrays and hashes are inspected. */
export function rubyToS(input: unknown): string {
  const value = toPlain(input);
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return rubyNumber(value);
  if (Array.isArray(value) || isHash(value)) return rubyInspect(value);
  return String(value);
}

/** What `{{ value }}` prints (Liquid's render_obj_to_output). */
export function rubyOutput(input: unknown): string {
  const value = toPlain(input);
  if (Array.isArray(value)) return value.map(rubyOutput).join("");
  return rubyToS(value);
}

/** A JSON-like object: what Ruby would hold as a Hash. */
export function isHash(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\f": "\\f",
  "\v": "\\v",
  "\b": "\\b",
  "\x07": "\\a",
  "\x1b": "\\e",
};

/** String#inspect: double quotes, backslash escapes, other control characters as \u, non-ASCII kept. */
function inspectString(text: string): string {
  let out = '"';
  for (const char of text) {
    const escaped = ESCAPES[char];
    if (escaped) out += escaped;
    else if (char < " " || char === "\x7f") out += `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    else out += char;
  }
  // Ruby escapes "#" only where it would start an interpolation: #{ #$ #@
  return `${out.replace(/#(?=[{$@])/g, "\\#")}"`;
}
