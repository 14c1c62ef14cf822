import { AppError } from "../errors";
import type { ActionInput } from "../store/actions";
import { parseTemplate, renderTemplate } from "./liquid";

/**
 * Checks an action before it is saved, so a broken template is a 400 now
 * rather than a failed delivery later: every template parses (the error names
 * field, line and column), and the URL renders to an http(s) URL.
 */
export function validateAction(action: ActionInput): void {
  const templates: Array<[field: string, source: string]> = [
    ["url", action.url],
    ...Object.entries(action.headers).map(([name, source]): [string, string] => [`headers.${name}`, source]),
    ...Object.entries(action.attributes).map(([name, source]): [string, string] => [`attributes.${name}`, source]),
  ];
  if (action.body !== undefined) templates.push(["body", action.body]);
  for (const [field, source] of templates) parseTemplate(source, field);

  // An empty scope leaves variables blank, so only a literal scheme (or one
  // that renders from constants) passes: `https://{{customer.host}}/x` does.
  const url = renderTemplate(action.url, { customer: {}, event: {}, trigger: {} }, "url").trim();
  if (!/^https?:\/\//i.test(url)) {
    throw new AppError("validation_failed", "url: must start with http:// or https://", { field: "url" });
  }
  if (action.method === "GET" && action.body !== undefined && action.body !== "") {
    throw new AppError("validation_failed", "body: a GET request cannot have a body; use POST, PUT, PATCH or DELETE", { field: "body" });
  }
}
