import { AppError } from "../errors";
import { toBase64, utf8 } from "../lib/encoding";
import { assertAllowedTarget } from "../net/target-guard";
import type { ActionInput } from "../store/actions";
import type { HttpMethod } from "../store/schemas";
import { jsonSyntaxWarning } from "./json-warning";
import { renderTemplate } from "./liquid";
import { OUTPUT_LIMITS } from "./render-limits";
import type { RenderScope } from "./scope";

export interface RenderedRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface RenderResult {
  request: RenderedRequest;
  warnings: string[];
}

/**
 * Turns an action into the exact request that will be sent, the way
 * Customer.io does: userinfo in the URL becomes Basic auth, Content-Type
 * defaults to JSON, bodies go out as written.
 */
export function renderRequest(action: ActionInput, scope: RenderScope, options: { allowPrivate: boolean }): RenderResult {
  const warnings: string[] = [];
  const url = renderTemplate(action.url, { ...scope }, "url", OUTPUT_LIMITS.url).trim();
  // Userinfo does not affect the host check; it is moved into a header below.
  const target = assertAllowedTarget(url, options);

  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(action.headers)) {
    const value = renderTemplate(template, { ...scope }, `headers.${name}`, OUTPUT_LIMITS.header).trim();
    if (/[\r\n\0]/.test(value)) {
      throw new AppError("render_failed", `headers.${name}: the rendered value contains CR, LF or NUL`, { field: `headers.${name}` });
    }
    // HTTP header values are bytes: fetch refuses anything above U+00FF, which
    // would otherwise surface as a network error retried for hours.
    if (/[^\t\x20-\xff]/.test(value)) {
      throw new AppError("render_failed", `headers.${name}: the rendered value has characters a header cannot carry (control characters or above U+00FF); encode it first, e.g. with url_encode`, { field: `headers.${name}` });
    }
    headers[name] = value;
  }
  if (!hasHeader(headers, "content-type")) headers["Content-Type"] = "application/json";

  if (target.username || target.password) {
    if (hasHeader(headers, "authorization")) {
      warnings.push("url: credentials in the URL are ignored because an Authorization header is set");
    } else {
      const credentials = `${decodeUserinfo(target.username)}:${decodeUserinfo(target.password)}`;
      headers.Authorization = `Basic ${toBase64(utf8(credentials))}`;
    }
    target.username = "";
    target.password = "";
  }

  let body: string | null = null;
  if (action.body !== undefined && action.method !== "GET") {
    body = renderTemplate(action.body, { ...scope }, "body", OUTPUT_LIMITS.body);
    if (/json/i.test(headerValue(headers, "content-type") ?? "")) {
      const warning = jsonSyntaxWarning(body);
      if (warning) warnings.push(warning);
    }
  }

  return { request: { method: action.method, url: target.toString(), headers, body }, warnings };
}

/** Userinfo is percent-encoded in a URL; a stray "%" is taken literally, as curl does. */
function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return headerValue(headers, name) !== undefined;
}
