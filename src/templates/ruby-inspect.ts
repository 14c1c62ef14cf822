/**
 * Ruby's view of values, as Shopify Liquid 5 prints them. Customer.io
 * templates depend on it: `{{ customer | replace: "=>", ":" }}` turns the
 * printed hash `{"id"=>"1", "n"=>nil}` into JSON (give or take nil).
 *
 * JavaScript cannot tell 2.0 from 2, so a whole float prints as an integer.
 */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return inspectString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([key, item]) => `${inspectString(key)}=>${rubyInspect(item)}`).join(", ")}}`;
  }
  return String(value);
}

const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f", "\v": "\\v", "\b": "\\b", "\x07": "\\a", "\x1b": "\\e" };

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

/**
 * A copy of the render scope in which every hash prints the Ruby way when a
 * template outputs it or a filter stringifies it. The printer is a
 * non-enumerable own `toString`, so `json`, key iteration and property
 * lookups are untouched.
 */
export function withRubyPrinting<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withRubyPrinting) as T;
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = withRubyPrinting(item);
  Object.defineProperty(copy, "toString", { value: () => rubyInspect(copy), enumerable: false });
  return copy as T;
}
