import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The closed set of error codes edgehook answers with. Each maps to exactly one
 * HTTP status, so a client can branch on `code` and trust the status.
 */
export const STATUS_BY_CODE = {
  invalid_json: 400,
  validation_failed: 400,
  invalid_template: 400,
  render_failed: 400,
  target_not_allowed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

type ErrorCode = keyof typeof STATUS_BY_CODE;

/** Messages echo what the caller sent (a path, a field name): never more than this back. */
const MAX_MESSAGE_CHARS = 300;

/** Cuts text that came from a request to a length fit for an error message. */
export function clip(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The one error type routes throw; app.onError turns it into `{error: {code, message}}`. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(clip(message));
    this.name = "AppError";
    this.status = STATUS_BY_CODE[code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

/**
 * The one place an unexpected error becomes a status. Only a platform failure
 * that may pass (the runtime marks those `retryable` or `overloaded`: a
 * Durable Object reset or overloaded, a storage hiccup) is a 503; anything
 * else is a bug, a 500 that must not invite the caller to try again.
 */
export function fromUnexpected(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const flags = err as { retryable?: unknown; overloaded?: unknown } | null;
  if (flags?.retryable === true || flags?.overloaded === true) {
    return new AppError("unavailable", "A platform service failed while handling this request; try again.");
  }
  return new AppError("internal", "Internal error");
}
