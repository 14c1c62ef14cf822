import { Liquid, toValueSync, type Template } from "liquidjs";
import { AppError } from "../errors";
import { fieldOutput, meterInternalOutput, OutputLimitError, utf8Length } from "./metered-output";
import { refuseFileTags } from "./refused-tags";
import { MEMORY_LIMIT_UNITS, OUTPUT_LIMITS, type OutputLimit, PARSE_LIMIT_CHARS, RENDER_STEP_LIMIT, RENDER_TIME_LIMIT_MS } from "./render-limits";
import { RubyContext } from "./ruby-context";
import { registerRubyFilters } from "./ruby-filters";
import { rubyOutput } from "./ruby-inspect";
import { withoutStrayQuotes } from "./ruby-lax";
import { registerRubyTags } from "./ruby-tags";
import { rubyOperators } from "./ruby-operators";

/** liquidjs's limit messages, renamed after the option that tripped (renderLimit names itself: ruby-context.ts). */
const LIMIT_NAMES: [RegExp, string][] = [
  [/parse length limit exceeded/, `parseLimit exceeded: a template may have at most ${PARSE_LIMIT_CHARS} characters`],
  [/memory alloc limit exceeded/, `memoryLimit exceeded: a render may allocate at most ${MEMORY_LIMIT_UNITS} characters or items`],
];

/**
 * The one engine, configured like Shopify's Ruby Liquid 5 as Customer.io uses
 * it: only nil and false are falsy, missing variables print nothing, unknown
 * filters are errors (caught when an action is saved, where Ruby would drop
 * them silently), dates are UTC unless a string carries its own offset,
 * nothing is reachable but the data's own properties, and output prints the
 * way Ruby prints it.
 */
const engine = new Liquid({
  jsTruthy: false,
  strictVariables: false,
  strictFilters: true,
  ownPropertyOnly: true,
  timezoneOffset: 0,
  preserveTimezones: true,
  // Parsed templates are cached below, by source; liquidjs's cache is for files.
  cache: false,
  outputEscape: rubyOutput,
  operators: rubyOperators,
  parseLimit: PARSE_LIMIT_CHARS,
  renderLimit: RENDER_TIME_LIMIT_MS,
  memoryLimit: MEMORY_LIMIT_UNITS,
});
registerRubyFilters(engine);
registerRubyTags(engine);
refuseFileTags(engine);
meterInternalOutput(engine);

/** Parsed templates by source: parsed once per isolate, not per render. Oldest out first. */
const parsed = new Map<string, Template[]>();
const MAX_CACHED = 500;

/**
 * Parses a template, or returns the cached parse of the same source. A syntax
 * error becomes AppError("invalid_template") naming the field, line and column
 * (1-based), so an action is rejected when saved rather than when sent.
 */
export function parseTemplate(source: string, field: string): Template[] {
  const cached = parsed.get(source);
  if (cached) {
    // Refresh its place so the most used templates stay.
    parsed.delete(source);
    parsed.set(source, cached);
    return cached;
  }
  const templates = parseLax(source, field);
  if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value!);
  parsed.set(source, templates);
  return templates;
}

function parseLax(source: string, field: string): Template[] {
  // Ruby ends an output at its first "}}" even inside quotes, so a stray quote
  // must not swallow the text up to a later one: repair first, whether or not
  // liquidjs would parse the source as written.
  const repaired = source.length <= PARSE_LIMIT_CHARS ? withoutStrayQuotes(source) : undefined;
  if (repaired !== undefined) {
    try {
      return engine.parse(repaired);
    } catch {
      // Report the error in what the user wrote, not in our repair.
    }
  }
  try {
    return engine.parse(source);
  } catch (err) {
    throw templateError("invalid_template", err, field);
  }
}

/**
 * Renders synchronously (liquidjs's async render was 2.5× slower here) within
 * the limits, into an emitter that stops the render as soon as the output
 * passes `limit` (by default a body's, the largest). A render error or a
 * tripped limit becomes AppError("render_failed") naming the field and, for a
 * limit, which one; output over `limit` becomes AppError("payload_too_large").
 */
export function renderTemplate(source: string, scope: Record<string, unknown>, field: string, limit: OutputLimit = OUTPUT_LIMITS.body): string {
  if (isPlainText(source)) {
    if (utf8Length(source) > limit.bytes) throw outputTooLarge(field, new OutputLimitError(limit));
    return source;
  }
  const templates = parseTemplate(source, field);
  const context = new RubyContext(scope, engine, { renderMilliseconds: RENDER_TIME_LIMIT_MS, renderSteps: RENDER_STEP_LIMIT });
  const output = fieldOutput(limit);
  try {
    toValueSync(engine.renderer.renderTemplates(templates, context, output));
    return output.buffer;
  } catch (err) {
    throw templateError("render_failed", err, field);
  }
}

/** True when the source has no Liquid markup at all ("{{" or "{%"), so callers can skip the engine. */
export function isPlainText(source: string): boolean {
  return !source.includes("{{") && !source.includes("{%");
}

interface LiquidjsError extends Error {
  token?: { getPosition?: () => [number, number] };
  originalError?: Error;
}

function templateError(code: "invalid_template" | "render_failed", err: unknown, field: string): AppError {
  const error = (err instanceof Error ? err : new Error(String(err))) as LiquidjsError;
  if (error.originalError instanceof OutputLimitError) return outputTooLarge(field, error.originalError, error.token?.getPosition?.());
  // liquidjs appends ", line:1, col:5" itself; the position is reported as fields instead.
  let reason = (error.originalError?.message ?? error.message).replace(/, line:\d+, col:\d+$/, "");
  for (const [pattern, name] of LIMIT_NAMES) if (pattern.test(reason)) reason = name;
  const position = error.token?.getPosition?.();
  if (!position) return new AppError(code, `${field}: ${reason}`, { field });
  const [line, column] = position;
  return new AppError(code, `${field}: line ${line}, column ${column}: ${reason}`, { field, line, column });
}

/** A 413 naming the field and its limit, and where in the template the output passed it. */
function outputTooLarge(field: string, error: OutputLimitError, position?: [number, number]): AppError {
  const details = { field, limit_bytes: error.limit.bytes };
  if (!position) return new AppError("payload_too_large", `${field}: ${error.message}`, details);
  const [line, column] = position;
  return new AppError("payload_too_large", `${field}: ${error.message} (passed at line ${line}, column ${column})`, { ...details, line, column });
}
