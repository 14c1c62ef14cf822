import type { Liquid } from "liquidjs";
import { builtinFilter, type FilterImpl, withPlainValues } from "./ruby-filter-kit";
import { rubyToS } from "./ruby-inspect";

/**
 * Ruby strftime conversions liquidjs lacks or spells differently (its %c %x %X
 * follow the JavaScript locale); each is the sequence Ruby defines it as.
 */
const COMPOSITES: Record<string, string> = {
  F: "%Y-%m-%d",
  T: "%H:%M:%S",
  D: "%m/%d/%y",
  x: "%m/%d/%y",
  R: "%H:%M",
  r: "%I:%M:%S %p",
  X: "%H:%M:%S",
  c: "%a %b %e %H:%M:%S %Y",
  v: "%e-%^b-%Y",
};

/** One conversion: flags, width, optional colons, the letter (or %%). */
const CONVERSION = /%([-_0^#]*)(\d*)(:{0,2}[a-zA-Z%])/g;

/**
 * Liquid's Utils.to_date, reduced to what liquidjs's own date parsing should
 * then see: 'now'/'today' (any case) are the current time, an Integer or a
 * string of digits is Unix seconds, other strings go to the parser (which
 * returns them unchanged when it cannot read them, as Ruby does). A Float,
 * nil, a boolean or a hash is not a date: undefined.
 */
function toDateInput(input: unknown): unknown {
  if (input instanceof Date) return input;
  if (typeof input === "number") return Number.isInteger(input) ? input : undefined;
  if (typeof input !== "string" || input === "") return undefined;
  const lower = input.toLowerCase();
  if (lower === "now" || lower === "today") return "now";
  if (/^\d+$/.test(input)) return Number(input);
  return input;
}

/**
 * Rewrites a Ruby format into one liquidjs renders the same way. %Z is
 * resolved here because Ruby prints "UTC" for a UTC time but nothing for a
 * bare offset such as +02:00, while liquidjs prints the offset for both.
 */
function toLiquidjsFormat(format: string, zoneName: () => string): string {
  return format.replace(CONVERSION, (whole, flags: string, width: string, code: string) => {
    if (flags || width) return whole;
    const composite = COMPOSITES[code];
    if (composite) return composite;
    return code === "Z" ? zoneName() : whole;
  });
}

/**
 * Replaces liquidjs's `date` with Ruby Liquid 5's: an empty format or an
 * input that is not a date gives the input back; times print in UTC unless
 * an ISO string carries its own offset (kept, as Ruby's Time.parse keeps it).
 */
export function registerRubyDate(engine: Liquid): void {
  const render = builtinFilter(engine, "date");
  engine.registerFilter("date", withPlainValues(function (this: FilterImpl, input: unknown, format: unknown) {
    const ruby = rubyToS(format);
    if (ruby === "") return input;
    const date = toDateInput(input);
    if (date === undefined) return input;
    const zoneName = () => (render.call(this, date, "%z") === "+0000" ? "UTC" : "");
    return render.call(this, date, toLiquidjsFormat(ruby, zoneName));
  }));
}
