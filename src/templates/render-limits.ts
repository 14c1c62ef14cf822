/**
 * Every limit a template runs under, in one place so the README can list
 * them. The parse, time, step and memory limits stop a hostile template
 * before it stops the Worker (128 MB, and one render holds the isolate);
 * the output limits stop a field as it grows past what its receiver could
 * take, so a huge output is never built only to be refused afterwards.
 */

/** Characters of template source parsed at once (liquidjs `parseLimit`); as many as a stored template may have. */
export const PARSE_LIMIT_CHARS = 100_000;

/** Milliseconds one render may take, where the clock moves (liquidjs `renderLimit`; see ruby-context.ts). */
export const RENDER_TIME_LIMIT_MS = 100;

/**
 * Template nodes one render may visit: the stand-in for the time limit inside
 * deployed workerd, whose clock stands still during a render. Measured here,
 * 100k steps of `{{ j }}` in a loop take about 90 ms; a real template takes
 * a few thousand.
 */
export const RENDER_STEP_LIMIT = 100_000;

/**
 * Characters and array items one render may allocate (liquidjs `memoryLimit`,
 * which counts what filters and ranges build; edgehook also counts what
 * `{% capture %}` collects). An item costs far more than a character: in
 * workerd a range of 4M numbers raised the peak by about 60 MB, 9M by 120 MB.
 * At 2M the worst case measured (a range of 1.99M) adds about 40 MB, while
 * text of twice the largest body still fits (capture a body, then print it).
 */
export const MEMORY_LIMIT_UNITS = 2_000_000;

/** Bytes (UTF-8) a rendered URL may have: what common servers and proxies accept. */
export const MAX_RENDERED_URL_BYTES = 8_192;

/** Bytes (UTF-8) one rendered header value may have: the usual per-header limit of HTTP servers. */
export const MAX_RENDERED_HEADER_BYTES = 8_192;

/** Bytes (UTF-8) a rendered body may have: no webhook receiver expects more. */
export const MAX_RENDERED_BODY_BYTES = 1_000_000;

/** Bytes (UTF-8) one rendered attribute value may have: it is stored with the customer and read at every render. */
export const MAX_RENDERED_ATTRIBUTE_BYTES = 65_536;

/** How large one rendered field may grow, and what to call it in the error. */
export interface OutputLimit {
  bytes: number;
  /** The kind of field, for messages: "a body", "a header value". */
  kind: string;
}

/** The output limit of each kind of field an action renders. */
export const OUTPUT_LIMITS = {
  url: { bytes: MAX_RENDERED_URL_BYTES, kind: "a URL" },
  header: { bytes: MAX_RENDERED_HEADER_BYTES, kind: "a header value" },
  body: { bytes: MAX_RENDERED_BODY_BYTES, kind: "a body" },
  attribute: { bytes: MAX_RENDERED_ATTRIBUTE_BYTES, kind: "an attribute value" },
} as const satisfies Record<string, OutputLimit>;
