import type { Liquid } from "liquidjs";
import { builtinFilter, type FilterImpl } from "./ruby-filter-kit";

/**
 * The arguments each standard filter cannot do without, as Ruby's method
 * signatures require them. liquidjs fills a missing one with a default
 * (`{{ x | plus }}` prints x, `{{ x | split }}` splits on nothing); Ruby
 * raises "wrong number of arguments", and so does edgehook, failing the render.
 */
const REQUIRED_ARGUMENTS: Record<string, number> = {
  append: 1, prepend: 1, at_least: 1, at_most: 1, concat: 1, date: 1, divided_by: 1, map: 1, minus: 1,
  modulo: 1, plus: 1, remove: 1, remove_first: 1, remove_last: 1, replace: 1, replace_first: 1,
  replace_last: 2, slice: 1, split: 1, times: 1, where: 1,
};

/** Wraps each filter above, after every other registration, with Ruby's argument count check. */
export function requireRubyArguments(engine: Liquid): void {
  for (const [name, required] of Object.entries(REQUIRED_ARGUMENTS)) {
    const filter = builtinFilter(engine, name);
    engine.registerFilter(name, function (this: FilterImpl, input: unknown, ...args: unknown[]) {
      const positional = args.filter((arg) => !isKeywordArgument(arg)).length;
      if (positional < required) throw new Error(`wrong number of arguments (given ${positional + 1}, expected ${required + 1})`);
      return filter.call(this, input, ...args);
    });
  }
}

const isKeywordArgument = (arg: unknown) => Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string" && typeof arg[1] === "object";
