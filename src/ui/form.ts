/**
 * The action editor's text fields ↔ the API's action body. Headers are
 * written one `Name: template` a line and attributes one `name = template` a
 * line, so a keyboard and a phone are enough to edit them. Parsing turns a
 * malformed line into an error naming the field and line, like the API's own.
 */
import { AppError } from "../errors";
import type { Action } from "../store/actions";

type FormBody = Record<string, string | File | (string | File)[]>;

/** A text field of a parsed form ("" when absent or a file). */
export function formText(form: FormBody, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value.trim() : "";
}

/** The editor's fields, as typed. */
export interface ActionFields {
  method: string;
  url: string;
  headers: string;
  body: string;
  attributes: string;
}

export const ACTION_FIELD_NAMES = ["method", "url", "headers", "body", "attributes"] as const;

export function fieldsFromForm(form: Record<string, unknown>): ActionFields {
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  return { method: text("method") || "POST", url: text("url").trim(), headers: text("headers"), body: text("body"), attributes: text("attributes") };
}

export function fieldsFromAction(action: Action): ActionFields {
  return {
    method: action.method,
    url: action.url,
    headers: Object.entries(action.headers).map(([name, value]) => `${name}: ${value}`).join("\n"),
    body: action.body ?? "",
    attributes: Object.entries(action.attributes).map(([name, value]) => `${name} = ${value}`).join("\n"),
  };
}

function pairs(text: string, separator: ":" | "=", field: "headers" | "attributes"): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const at = line.indexOf(separator);
    if (at <= 0) {
      const shape = separator === ":" ? "Name: value" : "name = template";
      throw new AppError("validation_failed", `${field}: line ${index + 1}: write it as “${shape}”`, { field, line: index + 1 });
    }
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return out;
}

/** The PUT body for the API (which validates it further with its own schema). */
export function actionBody(fields: ActionFields) {
  return {
    method: fields.method,
    url: fields.url,
    headers: pairs(fields.headers, ":", "headers"),
    ...(fields.body === "" ? {} : { body: fields.body }),
    attributes: pairs(fields.attributes, "=", "attributes"),
  };
}

/** A JSON object typed into a sample field ({} when empty); a clear 400 naming the field when it is not one. */
export function sampleObject(text: string, field: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError("invalid_json", `${field}: not valid JSON: ${(err as Error).message}`, { field });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new AppError("validation_failed", `${field}: must be a JSON object`, { field });
  return value as Record<string, unknown>;
}
