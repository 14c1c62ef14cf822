import { AppError } from "../errors";
import type { AttemptResult, GrantedDelivery } from "../limiter/account-limiter.do";
import { assertAllowedTarget } from "../net/target-guard";
import { isRetryableStatus, retryDelaySeconds } from "./backoff";
import { sendOnce, truncateForLog, type SendOutcome } from "./send";
import { standardWebhookHeaders } from "./standard-webhooks";

export interface AttemptContext {
  delivery: GrantedDelivery;
  signingSecret?: string;
  allowPrivate: boolean;
  schedule: readonly number[];
}

/** Makes one attempt and decides what follows it: sent, failed, or a retry and when. */
export async function attemptDelivery(ctx: AttemptContext): Promise<{ result: AttemptResult; retryInSeconds: number | null }> {
  const at = new Date();
  const outcome = await sendGuarded(ctx);
  const attempt = outcome.ok
    ? { at: at.toISOString(), status: outcome.response.status, duration_ms: outcome.durationMs }
    : { at: at.toISOString(), error: outcome.error, duration_ms: outcome.durationMs };
  const response = outcome.ok ? { ...outcome.response, body: truncateForLog(outcome.response.body) } : undefined;
  const wantsBody = outcome.ok && ctx.delivery.setsAttributes && outcome.response.body.length > (response?.body.length ?? 0);
  const base = { id: ctx.delivery.id, attempt, response, fullBody: wantsBody && outcome.ok ? outcome.response.body : undefined };

  if (outcome.ok && outcome.response.status >= 200 && outcome.response.status < 300) {
    return { result: { ...base, next: { status: "sent" } }, retryInSeconds: null };
  }
  const problem = outcome.ok ? `receiver answered ${outcome.response.status}` : outcome.error;
  const retryable = outcome.ok ? isRetryableStatus(outcome.response.status) : !("refused" in outcome);
  if (!retryable) return { result: { ...base, next: { status: "failed", error: problem } }, retryInSeconds: null };

  const retryNumber = ctx.delivery.attempts + 1;
  const delay = retryDelaySeconds({
    retryNumber,
    schedule: ctx.schedule,
    retryAfter: outcome.ok ? outcome.response.headers["retry-after"] : null,
    now: at,
  });
  if (delay === null) {
    const error = `gave up after ${retryNumber} attempts: ${problem}`;
    return { result: { ...base, next: { status: "failed", error } }, retryInSeconds: null };
  }
  const next = { status: "retrying" as const, error: problem, at: Date.now() + delay * 1000 };
  return { result: { ...base, next }, retryInSeconds: delay };
}

/**
 * The target is checked again at send time: ALLOW_PRIVATE_TARGETS may have
 * changed since the trigger was accepted. A refusal is final, not retried.
 */
async function sendGuarded(ctx: AttemptContext): Promise<SendOutcome | { ok: false; error: string; refused: true; durationMs: 0 }> {
  try {
    assertAllowedTarget(ctx.delivery.request.url, { allowPrivate: ctx.allowPrivate });
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.message, refused: true, durationMs: 0 };
    throw err;
  }
  const signed = await standardWebhookHeaders(ctx.delivery.id, ctx.delivery.request.body ?? "", ctx.signingSecret);
  return sendOnce(ctx.delivery.request, signed);
}
