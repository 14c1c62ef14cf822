import type { FilterImplOptions, Liquid } from "liquidjs";

type FilterImpl = ThisParameterType<Extract<FilterImplOptions, (...args: never[]) => unknown>>;

/**
 * Filters whose liquidjs behaviour differs from Shopify's Ruby Liquid 5 in
 * ways Customer.io templates notice. Each replaces the built-in of the same
 * name; everything else stays liquidjs's own.
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const toText = (value: unknown) => (value === null || value === undefined ? "" : String(value));

/** Ruby's to_number: numbers stay, numeric strings parse, anything else is 0. */
function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  const parsed = Number(toText(value).trim());
  return Number.isFinite(parsed) ? parsed : 0;
}

/**
 * Ruby keeps integer and float apart: 7 / 2 is 3, 7 / 2.0 is 3.5. A value is
 * a float if it is not whole, or if the template or string wrote it with a
 * decimal point (`divided_by: 2.0`, "7.0").
 */
function isRubyFloat(value: unknown, raw?: string): boolean {
  if (typeof value === "number" && !Number.isInteger(value)) return true;
  if (typeof value === "string" && value.includes(".")) return true;
  return raw !== undefined && /^-?\d+\.\d+$/.test(raw.trim());
}

function rawArgument(filter: FilterImpl, index: number): string | undefined {
  const arg = filter.token.args[index] as { getText?: () => string } | undefined;
  return typeof arg?.getText === "function" ? arg.getText() : undefined;
}

function dividedBy(this: FilterImpl, dividend: unknown, divisor: unknown): number {
  const a = toNumber(dividend);
  const b = toNumber(divisor);
  if (b === 0) throw new Error("divided by 0");
  const float = isRubyFloat(dividend) || isRubyFloat(divisor, rawArgument(this, 0));
  return float ? a / b : Math.floor(a / b);
}

function modulo(this: FilterImpl, value: unknown, divisor: unknown): number {
  const a = toNumber(value);
  const b = toNumber(divisor);
  if (b === 0) throw new Error("divided by 0");
  return ((a % b) + b) % b; // Ruby's modulo takes the divisor's sign
}

/** CGI.escapeHTML. */
function escape(value: unknown): string {
  return toText(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** Like escape, but leaves existing entities alone. */
function escapeOnce(value: unknown): string {
  return toText(value).replace(/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)|[<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** CGI.escape: everything but A–Z a–z 0–9 _ . - ~ is percent-encoded, and space is "+". */
function urlEncode(value: unknown): string {
  return encodeURIComponent(toText(value))
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

function urlDecode(value: unknown): string {
  return decodeURIComponent(toText(value).replace(/\+/g, " "));
}

/** Characters, not UTF-16 units: "😀a" has size 2, as in Ruby. */
export function rubySize(value: unknown): number {
  if (typeof value === "string") return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === "object") {
    const size = (value as { size?: unknown }).size;
    return typeof size === "number" ? size : Object.keys(value).length;
  }
  return 0;
}

/** %F %T %D %R are Ruby strftime shorthands liquidjs lacks. */
const STRFTIME_SHORTHANDS: Record<string, string> = { F: "%Y-%m-%d", T: "%H:%M:%S", D: "%m/%d/%y", R: "%H:%M" };

export function registerRubyFilters(engine: Liquid): void {
  const builtinDate = engine.filters.date!;
  engine.registerFilter("date", function (this: FilterImpl, value: unknown, format?: unknown, ...rest: unknown[]) {
    const expanded = typeof format === "string" ? format.replace(/%([%FTDR])/g, (all, code: string) => STRFTIME_SHORTHANDS[code] ?? all) : format;
    const handler = typeof builtinDate === "function" ? builtinDate : builtinDate.handler;
    return handler.call(this, value, expanded, ...rest);
  });
  engine.registerFilter("divided_by", dividedBy);
  engine.registerFilter("modulo", modulo);
  engine.registerFilter("escape", escape);
  engine.registerFilter("h", escape);
  engine.registerFilter("escape_once", escapeOnce);
  engine.registerFilter("url_encode", urlEncode);
  engine.registerFilter("url_decode", urlDecode);
  engine.registerFilter("size", rubySize);
  // Not in Ruby Liquid: the JSON-safe way to put a value into a JSON body.
  engine.registerFilter("json", (value: unknown) => JSON.stringify(value ?? null));
}
