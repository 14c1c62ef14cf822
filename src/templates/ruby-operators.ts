import { type Context, defaultOperators, type Operators, toValue } from "liquidjs";
import { rubyInspect, toPlain } from "./ruby-inspect";

type Comparison = ">" | "<" | ">=" | "<=";

/**
 * Ruby Liquid 5's condition operators where liquidjs's differ: `<>` is
 * another spelling of `!=`, and `<`, `>`, `<=`, `>=` compare only numbers
 * with numbers and strings with strings. A string against a number raises
 * in Ruby ("comparison of String with 10 failed") and fails the render here;
 * anything else (nil, booleans, arrays, hashes) is simply false, where
 * liquidjs would let JavaScript coerce `"42" > 10` to true.
 */
export const rubyOperators: Operators = {
  ...defaultOperators,
  "<>": defaultOperators["!="]!,
  ">": comparison(">"),
  "<": comparison("<"),
  ">=": comparison(">="),
  "<=": comparison("<="),
};

function comparison(operator: Comparison) {
  const fallback = defaultOperators[operator]!;
  return function* (lhs: unknown, rhs: unknown, ctx: Context): Generator<unknown, boolean, unknown> {
    if (isComparableDrop(lhs) || isComparableDrop(rhs)) return (yield (fallback as (l: unknown, r: unknown, c: Context) => unknown)(lhs, rhs, ctx)) as boolean;
    const l = toPlain(toValue(lhs));
    const r = toPlain(toValue(rhs));
    const kinds = `${typeof l}/${typeof r}`;
    if (kinds === "number/number" || kinds === "string/string") return compare(operator, l as number | string, r as number | string);
    if (kinds === "string/number" || kinds === "number/string") {
      throw new Error(`comparison of ${typeof l === "string" ? "String" : Number.isInteger(l) ? "Integer" : "Float"} with ${typeof r === "number" ? rubyInspect(r) : "String"} failed`);
    }
    return false;
  };
}

function compare(operator: Comparison, l: number | string, r: number | string): boolean {
  switch (operator) {
    case ">":
      return l > r;
    case "<":
      return l < r;
    case ">=":
      return l >= r;
    case "<=":
      return l <= r;
  }
}

const isComparableDrop = (value: unknown) => typeof value === "object" && value !== null && "gt" in value && typeof (value as { gt: unknown }).gt === "function";
