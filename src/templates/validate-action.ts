import { AppError } from "../errors";
import { assertAllowedTarget } from "../net/target-guard";
import type { ActionInput } from "../store/actions";
import { parseTemplate, renderTemplate } from "./liquid";
import { OUTPUT_LIMITS } from "./render-limits";

/**
 * Checks an action before it is saved, so a broken template is a 400 now
 * rather than a failed delivery later: every template parses (the error names
 * field, line and column), the URL renders to an http(s) URL, and a host
 * written literally passes the target guard (a private address is refused
 * here, when private targets are off, rather than at every use).
 */
export function validateAction(action: ActionInput, options: { allowPrivate: boolean }): void {
  const templates: Array<[field: string, source: string]> = [
    ["url", action.url],
    ...Object.entries(action.headers).map(([name, source]): [string, string] => [`headers.${name}`, source]),
    ...Object.entries(action.attributes).map(([name, source]): [string, string] => [`attributes.${name}`, source]),
  ];
  if (action.body !== undefined) templates.push(["body", action.body]);
  for (const [field, source] of templates) parseTemplate(source, field);

  // An empty scope leaves variables blank, so only a literal scheme (or one
  // that renders from constants) passes: `https://{{customer.host}}/x` does.
  const url = renderTemplate(action.url, { customer: {}, event: {}, trigger: {} }, "url", OUTPUT_LIMITS.url).trim();
  if (!/^https?:\/\//i.test(url)) {
    throw new AppError("validation_failed", "url: must start with http:// or https://", { field: "url" });
  }
  const literalTarget = literalSchemeAndHost(action.url);
  if (literalTarget !== null) assertAllowedTarget(literalTarget, options);
  if (action.method === "GET" && action.body !== undefined && action.body !== "") {
    throw new AppError("validation_failed", "body: a GET request cannot have a body; use POST, PUT, PATCH or DELETE", { field: "body" });
  }
}

/**
 * `scheme://host/` when the URL template writes its scheme and host as plain
 * text, or null when Liquid could change either (markup before the scheme or
 * in the host: `https://{{ customer.host }}/x`), which only a render can judge.
 * Userinfo and port are left out: they do not decide where the request goes,
 * and the userinfo may hold a password that must not reach an error message.
 */
export function literalSchemeAndHost(source: string): string | null {
  const authority = /^\s*(https?):\/\/([^/?#]*)/i.exec(source);
  if (!authority) return null;
  const [, scheme, hostAndPort = ""] = authority;
  const afterUserinfo = hostAndPort.slice(hostAndPort.lastIndexOf("@") + 1);
  // An IPv6 literal keeps its colons; any other host ends at the port's colon.
  const host = afterUserinfo.startsWith("[") ? afterUserinfo.slice(0, afterUserinfo.indexOf("]") + 1) : afterUserinfo.split(":")[0]!;
  if (host === "" || /\{[{%]/.test(host)) return null;
  return `${scheme}://${host}/`;
}
