/**
 * When to try a failed webhook again. Pure functions, table-tested.
 *
 * Customer.io retries 408/409/429/5xx, timeouts and network errors "up to a
 * max of 10 times over a period of approximately 7 hours". The default
 * schedule below is that: 10 retries, roughly doubling, 24,460 s ≈ 6.8 h.
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [10, 30, 120, 300, 600, 1200, 2400, 3600, 7200, 9000];

/** Queues refuse a delay above 12 hours. */
const MAX_QUEUE_DELAY_SECONDS = 43_200;
const JITTER = 0.2;

/** A 2xx: the receiver took it. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Statuses worth another try; every other answer is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * `RETRY_SCHEDULE` ("1,5,30": one delay in seconds per retry). Empty means the
 * default; anything malformed is a configuration error the caller reports.
 */
export function parseRetrySchedule(raw: string | undefined): readonly number[] {
  if (!raw || raw.trim() === "") return DEFAULT_RETRY_SCHEDULE;
  const delays = raw.split(",").map((part) => Number(part.trim()));
  const valid = delays.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= MAX_QUEUE_DELAY_SECONDS);
  if (!valid) throw new Error(`RETRY_SCHEDULE must be comma-separated whole seconds between 0 and ${MAX_QUEUE_DELAY_SECONDS}, got "${raw}"`);
  return delays;
}

/** Retry-After as seconds from `now`: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

interface RetryInput {
  /** 1 for the first retry (after the first attempt failed). */
  retryNumber: number;
  schedule: readonly number[];
  retryAfter?: string | null;
  now?: Date;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

/**
 * Seconds to wait before retry number `retryNumber`, or null when the schedule
 * is used up. A Retry-After is honoured, clamped to the schedule's shortest and
 * longest delays so a receiver can neither hammer us nor park a delivery for
 * days; otherwise the scheduled delay gets ±20 % jitter so a recovering
 * receiver is not hit by every retry at once.
 */
export function retryDelaySeconds({ retryNumber, schedule, retryAfter, now = new Date(), random = Math.random }: RetryInput): number | null {
  const base = schedule[retryNumber - 1];
  if (base === undefined) return null;
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== null) return clamp(asked, Math.min(...schedule), Math.max(...schedule));
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return clamp(Math.round(jittered), 0, MAX_QUEUE_DELAY_SECONDS);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
