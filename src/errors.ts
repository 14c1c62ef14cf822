import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The closed set of error codes edgehook answers with. Each maps to exactly one
 * HTTP status, so a client can branch on `code` and trust the status.
 */
const STATUS_BY_CODE = {
  invalid_json: 400,
  validation_failed: 400,
  invalid_template: 400,
  render_failed: 400,
  target_not_allowed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

/** The one error type routes throw; app.onError turns it into `{error: {code, message}}`. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS_BY_CODE[code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}
