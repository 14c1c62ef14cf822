import type { Liquid } from "liquidjs";
import { requireRubyArguments } from "./ruby-arity";
import { registerRubyDate } from "./ruby-date";
import { builtinFilter, type FilterHandler, type FilterImpl, literalArgument, withPlainValues } from "./ruby-filter-kit";
import { isHash, rubyToS } from "./ruby-inspect";
import { applyOperation, type Operation, toRubyNumeric } from "./ruby-number";
import { registerRubyListFilters } from "./ruby-list-filters";
import { rubySize } from "./ruby-size";
import { registerRubyTextFilters } from "./ruby-text-filters";

/**
 * Filters whose liquidjs behaviour differs from Shopify's Ruby Liquid 5 in
 * ways Customer.io templates notice. Each replaces the built-in of the same
 * name, wrapping it where only the input conversion differs; every other
 * filter stays liquidjs's own.
 */
export function registerRubyFilters(engine: Liquid): void {
  const define = (name: string, filter: FilterHandler) => engine.registerFilter(name, withPlainValues(filter));
  registerRubyDate(engine);
  for (const name of STRING_FILTERS) define(name, rubyStringInput(builtinFilter(engine, name)));
  for (const name of NUMBER_FILTERS) define(name, rubyNumberInput(builtinFilter(engine, name)));
  for (const operation of OPERATIONS) define(operation, maths(operation));
  define("escape", escape);
  define("h", escape);
  define("escape_once", escapeOnce);
  define("url_encode", urlEncode);
  define("url_decode", urlDecode);
  define("size", rubySize);
  define("first", (input) => (Array.isArray(input) ? input[0] : isHash(input) ? Object.entries(input)[0] : undefined));
  define("last", (input) => (Array.isArray(input) ? input[input.length - 1] : undefined));
  define("join", join);
  define("default", defaultFilter);
  define("json", json);
  registerRubyTextFilters(engine);
  registerRubyListFilters(engine);
  // Last: it wraps whatever is registered by then.
  requireRubyArguments(engine);
}

/** Filters that work on `input.to_s` in Ruby; liquidjs would print a hash as "[object Object]" and join an array. */
const STRING_FILTERS = [
  "append", "prepend", "capitalize", "downcase", "upcase", "strip_html",
  "strip_newlines", "newline_to_br", "remove", "remove_first", "remove_last", "replace", "replace_first",
  "replace_last", "split", "truncate", "base64_encode", "squish",
  "normalize_whitespace", "xml_escape", "cgi_escape", "uri_escape", "slugify", "number_of_words",
];

/** Filters that read their input with Utils.to_number in Ruby ("3.5abc" is 3, not 0). */
const NUMBER_FILTERS = ["abs", "ceil", "floor", "round", "at_least", "at_most"];

const OPERATIONS: Operation[] = ["plus", "minus", "times", "divided_by", "modulo"];

/** Hashes and arrays become their Ruby to_s, as input and as arguments (`append: customer`). */
function rubyStringInput(builtin: FilterHandler): FilterHandler {
  const text = (value: unknown) => (Array.isArray(value) || isHash(value) || typeof value === "number" ? rubyToS(value) : value);
  return function (this: FilterImpl, input: unknown, ...args: unknown[]) {
    return builtin.call(this, text(input), ...args.map((arg) => (Array.isArray(arg) || isHash(arg) ? rubyToS(arg) : arg)));
  };
}

function rubyNumberInput(builtin: FilterHandler): FilterHandler {
  return function (this: FilterImpl, input: unknown, ...args: unknown[]) {
    return builtin.call(this, toRubyNumeric(input).value, ...args.map((arg) => toRubyNumeric(arg).value));
  };
}

function maths(operation: Operation): FilterHandler {
  return function (this: FilterImpl, input: unknown, operand: unknown) {
    return applyOperation(operation, toRubyNumeric(input), toRubyNumeric(operand, literalArgument(this, 0)));
  };
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** CGI.escapeHTML. */
function escape(input: unknown): string {
  return rubyToS(input).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Like escape, but an existing entity (`&amp;`, `&#39;`, `&#x27;`) is left alone. */
function escapeOnce(input: unknown): string {
  return rubyToS(input).replace(/["><']|&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** CGI.escape: all but A–Z a–z 0–9 _ . - ~ is percent-encoded as UTF-8, and space becomes "+". */
function urlEncode(input: unknown): string {
  return encodeURIComponent(rubyToS(input))
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** CGI.unescape: "+" is a space; a malformed escape such as "%zz" or a lone "%E9" stays as written. */
function urlDecode(input: unknown): string {
  return rubyToS(input)
    .replace(/\+/g, " ")
    .replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
}

/** Array#join: nested arrays are flattened, nil is "", hashes are inspected; the default glue is a space. */
function join(this: FilterImpl, input: unknown, glue: unknown = " "): string {
  const items = input === null || input === undefined ? [] : Array.isArray(input) ? input.flat(Infinity) : [input];
  const joined = items.map(rubyToS).join(rubyToS(glue));
  this.context.memoryLimit.use(joined.length);
  return joined;
}

const isRubyTruthy = (value: unknown) => value !== null && value !== undefined && value !== false;

/**
 * nil, false and anything empty ("", [], {}) take the default; with
 * `allow_false: true` only nil does. 0 and " " are kept.
 */
function defaultFilter(input: unknown, fallback: unknown = "", ...options: unknown[]): unknown {
  const allowFalse = options.some((option) => Array.isArray(option) && option[0] === "allow_false" && isRubyTruthy(option[1]));
  const missing = allowFalse ? input === null || input === undefined : !isRubyTruthy(input);
  const empty = typeof input === "string" || Array.isArray(input) ? input.length === 0 : isHash(input) && Object.keys(input).length === 0;
  return missing || empty ? fallback : input;
}

/**
 * Not in Ruby Liquid: the JSON-safe way to put a value into a JSON body.
 * A missing value is `null`, so `{"name": {{ customer.name | json }}}` stays valid.
 */
function json(this: FilterImpl, input: unknown, indent: unknown = 0): string {
  const text = JSON.stringify(input ?? null, null, typeof indent === "number" ? indent : 0);
  this.context.memoryLimit.use(text.length);
  return text;
}
