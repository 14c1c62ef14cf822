/**
 * Numbers as Ruby Liquid 5's maths filters treat them (Liquid::Utils.to_number
 * and apply_operation): Integer arithmetic stays Integer (7 / 2 is 3, floored),
 * and a Float operand turns the sum into BigDecimal arithmetic, so
 * 0.1 + 0.2 is 0.3 rather than JavaScript's 0.30000000000000004.
 */

/** A number plus whether Ruby would hold it as a Float rather than an Integer. */
export interface RubyNumeric {
  value: number;
  float: boolean;
}

/**
 * Utils.to_number: numbers stay; "3.5" is a Float; any other string is
 * String#to_i ("12abc" is 12, "abc" is 0); anything else is 0.
 * `literal` is the argument as written in the template: JavaScript reads
 * `2.0` as 2, so the text is the only way to see that Ruby has a Float.
 */
export function toRubyNumeric(input: unknown, literal?: string): RubyNumeric {
  if (typeof input === "number") {
    const float = !Number.isInteger(input) || (literal !== undefined && /^-?\d+\.\d+$/.test(literal.trim()));
    return { value: input, float };
  }
  if (typeof input !== "string") return { value: 0, float: false };
  const text = input.trim();
  if (/^-?\d+\.\d+$/.test(text)) return { value: Number(text), float: true };
  const integer = /^[+-]?\d+(?:_\d+)*/.exec(text);
  return { value: integer ? Number(integer[0].replace(/_/g, "")) : 0, float: false };
}

/** A finite double as an exact decimal: digits × 10^-scale. */
interface Decimal {
  digits: bigint;
  scale: number;
}

/** The shortest decimal that reads back as the double, as Ruby's BigDecimal(float.to_s) does. */
function toDecimal(value: number): Decimal {
  const [mantissa = "0", exponentText = "0"] = value.toString().toLowerCase().split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  const scale = fraction.length - Number(exponentText);
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

function aligned(a: number, b: number): [bigint, bigint, number] {
  const x = toDecimal(a);
  const y = toDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  return [x.digits * 10n ** BigInt(scale - x.scale), y.digits * 10n ** BigInt(scale - y.scale), scale];
}

const fromDecimal = (digits: bigint, scale: number) => Number(`${digits}e-${scale}`);

export type Operation = "plus" | "minus" | "times" | "divided_by" | "modulo";

/** Ruby raises ZeroDivisionError; edgehook fails the render rather than print "Liquid error". */
export class RubyZeroDivisionError extends Error {
  constructor() {
    super("divided by 0");
    this.name = "ZeroDivisionError";
  }
}

/**
 * apply_operation for two to_number'd operands. Integer maths for two
 * Integers (floored division, modulo taking the divisor's sign); exact decimal
 * maths when either is a Float. Division by zero always fails: Ruby would
 * print "Infinity" for a Float divided by 0, which no webhook wants.
 */
export function applyOperation(operation: Operation, a: RubyNumeric, b: RubyNumeric): number {
  if ((operation === "divided_by" || operation === "modulo") && b.value === 0) throw new RubyZeroDivisionError();
  if (!a.float && !b.float) return plainOperation(operation, a.value, b.value, true);
  if (!Number.isFinite(a.value) || !Number.isFinite(b.value)) return plainOperation(operation, a.value, b.value, false);
  const [x, y, scale] = aligned(a.value, b.value);
  switch (operation) {
    case "plus":
      return fromDecimal(x + y, scale);
    case "minus":
      return fromDecimal(x - y, scale);
    case "times":
      return fromDecimal(x * y, scale * 2);
    case "divided_by":
      return Number(x) / Number(y);
    case "modulo":
      return fromDecimal((((x % y) + y) % y), scale);
  }
}

/** Plain double maths: for two Integers (floored division), or when an operand is not finite. */
function plainOperation(operation: Operation, a: number, b: number, integers: boolean): number {
  switch (operation) {
    case "plus":
      return a + b;
    case "minus":
      return a - b;
    case "times":
      return a * b;
    case "divided_by":
      return integers ? Math.floor(a / b) : a / b;
    case "modulo":
      return ((a % b) + b) % b;
  }
}
