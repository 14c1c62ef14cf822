import { Context, Liquid, type Template } from "liquidjs";
import { AppError } from "../errors";
import { registerRubyFilters, rubySize } from "./ruby-filters";
import { withRubyPrinting } from "./ruby-inspect";

/** Limits that stop a hostile template instead of the Worker. */
export const TEMPLATE_LIMITS = {
  /** Characters of template source parsed at once. */
  parseLimit: 100_000,
  /** Milliseconds one render may take. */
  renderLimit: 100,
  /** Roughly: characters a render may produce or allocate. */
  memoryLimit: 10_000_000,
};

/**
 * The one engine, configured like Shopify's Ruby Liquid 5 as Customer.io uses
 * it: only nil and false are falsy, missing variables print nothing, unknown
 * filters are errors (caught when an action is saved), dates are UTC, and
 * nothing reachable but the data's own properties.
 */
const engine = new Liquid({
  jsTruthy: false,
  strictVariables: false,
  strictFilters: true,
  ownPropertyOnly: true,
  timezoneOffset: 0,
  cache: false,
  ...TEMPLATE_LIMITS,
});
registerRubyFilters(engine);

// `.size` of a string counts characters in Ruby; liquidjs counts UTF-16 units.
// liquidjs has no hook for property reads, so this wraps its one reader.
const readProperty = Context.prototype.readProperty;
Context.prototype.readProperty = function (this: Context, obj: unknown, key: unknown) {
  if (typeof obj === "string" && key === "size") return rubySize(obj);
  return readProperty.call(this, obj as never, key as never);
};

/** Parsed templates by source: a template is parsed once per isolate, not per render. */
const parsed = new Map<string, Template[]>();
const MAX_CACHED = 500;

/** Parses (or returns the cached parse of) a template; a syntax error names field, line and column. */
export function parseTemplate(source: string, field: string): Template[] {
  const cached = parsed.get(source);
  if (cached) return cached;
  let templates: Template[];
  try {
    templates = engine.parse(source);
  } catch (err) {
    throw templateError("invalid_template", err, field);
  }
  if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value!);
  parsed.set(source, templates);
  return templates;
}

/** Renders synchronously (liquidjs's async render was 2.5× slower here) within the limits. */
export function renderTemplate(source: string, scope: Record<string, unknown>, field: string): string {
  if (isPlainText(source)) return source;
  const templates = parseTemplate(source, field);
  try {
    return engine.renderSync(templates, withRubyPrinting(scope)) as string;
  } catch (err) {
    throw templateError("render_failed", err, field);
  }
}

/** True when there is no Liquid markup at all, so the engine can be skipped. */
export function isPlainText(source: string): boolean {
  return !source.includes("{{") && !source.includes("{%");
}

function templateError(code: "invalid_template" | "render_failed", err: unknown, field: string): AppError {
  const error = err as Error & { token?: { getPosition?: () => [number, number] }; originalError?: Error };
  const position = error.token?.getPosition?.();
  // liquidjs appends ", line:1, col:5" itself; we report the position as fields instead.
  const reason = (error.originalError?.message ?? error.message).replace(/, line:\d+, col:\d+$/, "");
  if (!position) return new AppError(code, `${field}: ${reason}`, { field });
  const [line, column] = position;
  return new AppError(code, `${field}: line ${line}, column ${column}: ${reason}`, { field, line, column });
}
