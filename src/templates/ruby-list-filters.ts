import type { Liquid } from "liquidjs";
import { builtinFilter, type FilterHandler, type FilterImpl, withPlainValues } from "./ruby-filter-kit";
import { isHash, rubyInspect, rubyToS } from "./ruby-inspect";

/**
 * Ruby Liquid 5's array filters where liquidjs's differ: `uniq` and
 * `compact` take an optional property (`event.items | uniq: "category"`),
 * `concat` refuses anything but an array, and `slice` reads a hash or number
 * as its Ruby to_s. Their input goes through Liquid's InputIterator: an array
 * is flattened, a hash is a list of one, nil is empty, anything else is a
 * list of one.
 */
export function registerRubyListFilters(engine: Liquid): void {
  const define = (name: string, filter: FilterHandler) => engine.registerFilter(name, withPlainValues(filter));
  const concat = builtinFilter(engine, "concat");
  const slice = builtinFilter(engine, "slice");
  define("uniq", uniq);
  define("compact", compact);
  define("concat", function (this: FilterImpl, input: unknown, ...args: unknown[]) {
    if (!Array.isArray(args[0])) throw new Error("concat filter requires an array argument");
    return concat.call(this, inputList(input), ...args);
  });
  define("slice", function (this: FilterImpl, input: unknown, ...args: unknown[]) {
    return slice.call(this, isHash(input) || typeof input === "boolean" ? rubyToS(input) : input, ...args);
  });
}

/** Liquid's InputIterator: what an array filter walks over. */
export function inputList(input: unknown): unknown[] {
  if (input === null || input === undefined) return [];
  if (Array.isArray(input)) return input.flat(Infinity);
  return [input];
}

/** `item[property]` as Ruby reads it from a hash; anything else has no such property here. */
function propertyOf(item: unknown, property: unknown): unknown {
  return isHash(item) ? item[rubyToS(property)] : undefined;
}

/** Array#uniq: equal values (by content, as Ruby's eql? compares hashes) kept once; with a property, by that property. */
function uniq(this: FilterImpl, input: unknown, property?: unknown): unknown[] {
  const list = inputList(input);
  this.context.memoryLimit.use(list.length);
  const seen = new Set<string>();
  return list.filter((item) => {
    const key = rubyInspect(property === undefined || property === null ? item : propertyOf(item, property));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Array#compact: nils out; with a property, the items whose property is nil. */
function compact(this: FilterImpl, input: unknown, property?: unknown): unknown[] {
  const list = inputList(input);
  this.context.memoryLimit.use(list.length);
  const value = (item: unknown) => (property === undefined || property === null ? item : propertyOf(item, property));
  return list.filter((item) => value(item) !== null && value(item) !== undefined);
}
