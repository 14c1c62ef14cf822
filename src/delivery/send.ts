import { parseIPv4, parseIPv6 } from "../net/ip-literal";
import type { RenderedRequest } from "../templates/render-request";

/** Customer.io's documented timeout for one webhook attempt. */
export const SEND_TIMEOUT_MS = 4_000;
/** How much of a response body is kept in the delivery log. */
const LOGGED_BODY_BYTES = 64 * 1024;
/** How much is read at all (attribute templates parse it); the rest is discarded. */
const READ_BODY_BYTES = 1_000_000;

interface ReceivedResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text, up to 1 MB. */
  body: string;
}

export type SendOutcome =
  | { ok: true; response: ReceivedResponse; durationMs: number }
  | { ok: false; error: string; durationMs: number };

/**
 * One attempt: no redirect following (a 3xx is the receiver's answer, and
 * following it could lead past the SSRF guard), a hard 4 s limit covering the
 * body too. Never throws: network trouble is an outcome to record and retry.
 */
export async function sendOnce(request: RenderedRequest, extraHeaders: Record<string, string> = {}, timeoutMs = SEND_TIMEOUT_MS): Promise<SendOutcome> {
  const started = Date.now();
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: { ...request.headers, ...extraHeaders },
      body: request.body ?? undefined,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await readLimited(response, READ_BODY_BYTES);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { ok: true, response: { status: response.status, headers, body }, durationMs: Date.now() - started };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const error = timedOut ? `timed out after ${timeoutMs} ms` : describeNetworkError(String((err as Error)?.message ?? err), request.url);
    return { ok: false, error, durationMs: Date.now() - started };
  }
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  // A declared length within the limit is read whole, natively (HTTP framing ends the body there); otherwise the reading stops at the limit.
  if (Number(response.headers.get("content-length") ?? Number.NaN) <= limit) return response.text();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= limit) await reader.cancel();
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The first 64 KB of a body, for the log; cut on a character boundary. */
export function truncateForLog(body: string): string {
  const bytes = new TextEncoder().encode(body);
  if (bytes.byteLength <= LOGGED_BODY_BYTES) return body;
  return new TextDecoder().decode(bytes.subarray(0, LOGGED_BODY_BYTES)).replace(/\uFFFD$/, "");
}

/**
 * What a failed fetch is recorded as. workerd reports a host name that does
 * not resolve only as "internal error; reference = …" (it logs the DNS
 * failure, not the script); for a named host that is what the opaque error
 * means, so say so. A literal address cannot fail to resolve, and every
 * other failure keeps the runtime's words.
 */
export function describeNetworkError(message: string, url: string): string {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const named = parseIPv4(host) === null && parseIPv6(host) === null;
  if (named && /^internal error; reference = /.test(message)) return `network error: could not resolve host ${host}`;
  return `network error: ${message}`;
}
