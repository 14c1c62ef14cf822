/** What templates see. `response` exists only for attribute templates. */
export interface RenderScope {
  customer: Record<string, unknown>;
  event: Record<string, unknown>;
  trigger: Record<string, unknown>;
  response?: ResponseScope;
}

/**
 * `response` in attribute templates: the parsed JSON body's top-level fields
 * (Customer.io writes `response.lead_id`), plus `status`, `headers` and `body`,
 * which win on a name clash — the body's own `status` is `response.body.status`.
 */
export type ResponseScope = Record<string, unknown> & {
  status: number;
  headers: Record<string, string>;
  body: unknown;
};

export function responseScope(status: number, headers: Record<string, string>, text: string): ResponseScope {
  const body = parseMaybeJson(text, headers["content-type"]);
  const fields = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return { ...fields, status, headers, body };
}

function parseMaybeJson(text: string, contentType: string | undefined): unknown {
  const looksJson = /json/i.test(contentType ?? "") || /^\s*[[{]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
