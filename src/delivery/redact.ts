import type { RenderedRequest } from "../templates/render-request";

/** Header and query parameter names whose values are credentials, matched case-insensitively. */
const SECRET_NAME = /authorization|token|secret|password|passwd|api[-_]?key|^key$|service[-_]?key|signature|cookie|credential/i;

/**
 * The request as it may be stored in the log or shown later: credential
 * headers keep their scheme word ("Basic", "Bearer") so a reader can see which
 * auth was used, never the secret; credential query parameters are blanked
 * too. Userinfo never reaches a rendered URL (it became the Basic header).
 */
export function redactRequest(request: RenderedRequest): RenderedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!SECRET_NAME.test(name)) {
      headers[name] = value;
      continue;
    }
    const scheme = value.match(/^(Basic|Bearer|Token|Digest)\s/i)?.[1];
    headers[name] = scheme ? `${scheme} [redacted]` : "[redacted]";
  }
  return { ...request, url: redactQuery(request.url), headers };
}

/** `?key=…&token=…` (Trello's style) keeps the parameter names; the values become `***`. */
function redactQuery(url: string): string {
  if (!url.includes("?")) return url;
  const parsed = new URL(url);
  let changed = false;
  for (const name of new Set(parsed.searchParams.keys())) {
    if (!SECRET_NAME.test(name)) continue;
    parsed.searchParams.set(name, "***");
    changed = true;
  }
  return changed ? parsed.toString() : url;
}
