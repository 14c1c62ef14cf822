import { Drop, type FilterImplOptions, type Liquid } from "liquidjs";
import { toPlain } from "./ruby-inspect";

/** `this` inside a liquidjs filter (liquidjs does not export the type by name). */
export type FilterImpl = ThisParameterType<Extract<FilterImplOptions, (...args: never[]) => unknown>>;

/** A filter as a plain function of its input and arguments. */
export type FilterHandler = (this: FilterImpl, value: unknown, ...args: unknown[]) => unknown;

/** liquidjs's own implementation of a filter, to wrap rather than rewrite. */
export function builtinFilter(engine: Liquid, name: string): FilterHandler {
  const builtin = engine.filters[name];
  if (!builtin) throw new Error(`liquidjs has no "${name}" filter to extend`);
  return typeof builtin === "function" ? builtin : builtin.handler;
}

/**
 * An argument as written in the template (`2.0`, `"x"`), or undefined when it
 * is a keyword argument. JavaScript reads the literal `2.0` as 2; the text is
 * the only place Ruby's Float survives.
 */
export function literalArgument(filter: FilterImpl, index: number): string | undefined {
  const arg: unknown = filter.token.args[index];
  if (arg && typeof arg === "object" && "getText" in arg && typeof arg.getText === "function") {
    return String(arg.getText());
  }
  return undefined;
}

const isKeywordArgument = (arg: unknown): arg is [string, Drop] =>
  Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string" && arg[1] instanceof Drop;

/**
 * A filter that sees plain values: `nil`, `empty` and `blank` written in a
 * template arrive as liquidjs Drops, also inside keyword arguments.
 */
export function withPlainValues(filter: FilterHandler): FilterHandler {
  const plain = (arg: unknown) => (isKeywordArgument(arg) ? [arg[0], toPlain(arg[1])] : toPlain(arg));
  return function (this: FilterImpl, input: unknown, ...args: unknown[]) {
    return filter.call(this, toPlain(input), ...args.map(plain));
  };
}
