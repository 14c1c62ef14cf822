import { renderTemplate } from "./liquid";
import { OUTPUT_LIMITS } from "./render-limits";
import type { RenderScope } from "./scope";

export type AttributeValue = string | number;

/**
 * Renders an action's attribute templates against the response. A value that
 * reads as a canonical number (`15`, `2.5`) is stored as a number so JSON
 * consumers see numbers; `0123` stays a string because it is not canonical.
 */
export function renderAttributes(templates: Record<string, string>, scope: RenderScope): Record<string, AttributeValue> {
  const values: Record<string, AttributeValue> = {};
  for (const [name, template] of Object.entries(templates)) {
    values[name] = asAttributeValue(renderTemplate(template, { ...scope }, `attributes.${name}`, OUTPUT_LIMITS.attribute).trim());
  }
  return values;
}

function asAttributeValue(text: string): AttributeValue {
  if (text === "" || !/^-?\d/.test(text)) return text;
  const number = Number(text);
  return Number.isFinite(number) && String(number) === text ? number : text;
}
