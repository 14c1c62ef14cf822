import type { RenderedRequest } from "../templates/render-request";

/** Headers whose values are credentials. Matched on the name, case-insensitively. */
const SECRET_HEADER = /authorization|token|secret|password|api[-_]?key|service[-_]?key|signature|cookie/i;

/**
 * The request as it may be stored in the log or shown later: credential
 * headers keep their scheme word ("Basic", "Bearer") so a reader can see which
 * auth was used, never the secret; userinfo never reaches a rendered URL.
 */
export function redactRequest(request: RenderedRequest): RenderedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!SECRET_HEADER.test(name)) {
      headers[name] = value;
      continue;
    }
    const scheme = value.match(/^(Basic|Bearer|Token|Digest)\s/i)?.[1];
    headers[name] = scheme ? `${scheme} [redacted]` : "[redacted]";
  }
  return { ...request, headers };
}
