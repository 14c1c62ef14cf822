import type { AttemptResult, GrantedDelivery } from "../limiter/protocol";
import { assertAllowedTarget } from "../net/target-guard";
import { isRetryableStatus, isSuccessStatus, retryDelaySeconds } from "./backoff";
import { sendOnce, truncateForLog, type SendOutcome } from "./send";

/** Signature headers for one attempt's body: Standard Webhooks, or Customer.io's for reporting webhooks. */
export type Signer = (deliveryId: string, body: string) => Promise<Record<string, string>>;

interface AttemptContext {
  delivery: GrantedDelivery;
  /**
   * Signs the attempt. An Error when the secrets could not be opened
   * (ENCRYPTION_KEY missing or wrong): nothing is sent unsigned in their
   * place, and the attempt fails and is retried, which leaves time to fix
   * the setting.
   */
  signer: Signer | Error;
  allowPrivate: boolean;
  schedule: readonly number[];
}

/** An attempt that could not be made at all: final, never retried. */
type Refusal = { ok: false; refused: true; error: string; durationMs: 0 };

/**
 * Makes one attempt and decides what follows it: sent, failed, or a retry and
 * when. Never throws, so one bad delivery cannot fail the rest of its batch.
 */
export async function attemptDelivery(ctx: AttemptContext): Promise<{ result: AttemptResult; retryInSeconds: number | null }> {
  const at = new Date();
  if (ctx.signer instanceof Error) {
    const problem = `cannot sign: ${ctx.signer.message}`;
    return retryOrFail(ctx, { id: ctx.delivery.id, attempt: { at: at.toISOString(), error: problem, duration_ms: 0 } }, problem, null, at);
  }
  const outcome = await sendGuarded(ctx, ctx.signer);
  if (!outcome.ok) {
    const attempt = { at: at.toISOString(), error: outcome.error, duration_ms: outcome.durationMs };
    const base = { id: ctx.delivery.id, attempt };
    if ("refused" in outcome) return { result: { ...base, next: { status: "failed", error: outcome.error } }, retryInSeconds: null };
    return retryOrFail(ctx, base, outcome.error, null, at);
  }

  const { status, headers, body } = outcome.response;
  const attempt = { at: at.toISOString(), status, duration_ms: outcome.durationMs };
  const base = {
    id: ctx.delivery.id,
    attempt,
    response: { status, headers, body: truncateForLog(body) },
    // Attribute templates read the whole body; the log keeps 64 KB.
    fullBody: ctx.delivery.setsAttributes ? body : undefined,
  };
  if (isSuccessStatus(status)) return { result: { ...base, next: { status: "sent" } }, retryInSeconds: null };
  const problem = `receiver answered ${status}`;
  if (!isRetryableStatus(status)) return { result: { ...base, next: { status: "failed", error: problem } }, retryInSeconds: null };
  return retryOrFail(ctx, base, problem, headers["retry-after"] ?? null, at);
}

function retryOrFail(ctx: AttemptContext, base: Omit<AttemptResult, "next">, problem: string, retryAfter: string | null, at: Date) {
  const retryNumber = ctx.delivery.attempts + 1;
  const delay = retryDelaySeconds({ retryNumber, schedule: ctx.schedule, retryAfter, now: at });
  if (delay === null) {
    const error = `gave up after ${retryNumber} attempts: ${problem}`;
    return { result: { ...base, next: { status: "failed" as const, error } }, retryInSeconds: null };
  }
  const next = { status: "retrying" as const, error: problem, at: Date.now() + delay * 1000 };
  return { result: { ...base, next }, retryInSeconds: delay };
}

/**
 * The target is checked again at send time: ALLOW_PRIVATE_TARGETS may have
 * changed since the trigger was accepted. A refused target or a secret that
 * cannot sign is a final failure, recorded with the reason.
 */
async function sendGuarded(ctx: AttemptContext, signer: Signer): Promise<SendOutcome | Refusal> {
  const { request, id } = ctx.delivery;
  let signed: Record<string, string>;
  try {
    assertAllowedTarget(request.url, { allowPrivate: ctx.allowPrivate });
    signed = await signer(id, request.body ?? "");
  } catch (err) {
    return { ok: false, refused: true, error: (err as Error).message, durationMs: 0 };
  }
  return sendOnce(request, signed);
}
