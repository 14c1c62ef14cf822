import { analyzeSync } from "liquidjs";
import type { ActionInput } from "../store/actions";
import { parseTemplate } from "./liquid";

/**
 * Whether a trigger must read the customer's stored attributes (a KV read
 * per trigger, usually of a key no edge has cached) before rendering: only
 * when some template of the action could see a customer field the trigger
 * did not send. The trigger's own fields win over stored ones, so when every
 * `customer.<field>` the templates name is in the trigger, the stored
 * attributes cannot change a byte of the request or of the attribute updates.
 *
 * It answers "needed" whenever it cannot be sure: the whole customer used as
 * a value (`{{ customer }}`, `for x in customer`, `assign c = customer`), a
 * field chosen at render time (`customer[event.key]`), a variable looked up
 * by a computed name (`{{ [name].plan }}`, which liquidjs's analysis does
 * not report at all), or any tag outside
 * liquidjs's built-ins that its static analysis knows how to read (a custom
 * tag, or `{% liquid %}` whose inner tags the scan below does not see).
 */
export function needsStoredAttributes(action: ActionInput, customer: Record<string, unknown>): boolean {
  const fields = customerFields(action);
  return fields === "all" || fields.some((field) => !Object.hasOwn(customer, field));
}

/** Tags whose variables liquidjs's analysis reports (v10.30); a template using any other tag is not analysed. */
const ANALYSED_TAGS = new Set([
  "assign", "capture", "case", "when", "else", "endcase", "endcapture", "comment", "endcomment", "cycle",
  "decrement", "increment", "echo", "for", "endfor", "break", "continue", "if", "elsif", "endif", "unless",
  "endunless", "raw", "endraw", "tablerow", "endtablerow", "#",
]);
const TAG_NAME = /\{%-?\s*([^\s%-]+)/g;
/** Liquid markup: outputs and tags (text outside them cannot look anything up). */
const MARKUP = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
/** A `[` that does not follow a name, `]` or `)`: a lookup at the root by a computed name. */
const ROOT_LOOKUP = /(?:^|[^\w\]\)?\s])\s*\[/;

/** The customer fields an action's templates name, per source (parsed templates are cached, so is this). */
const cache = new Map<string, string[] | "all">();
const MAX_CACHED = 500;

function customerFields(action: ActionInput): string[] | "all" {
  const sources = [action.url, ...Object.values(action.headers), action.body ?? "", ...Object.values(action.attributes)];
  const fields = new Set<string>();
  for (const source of sources) {
    const found = fieldsOf(source);
    if (found === "all") return "all";
    for (const field of found) fields.add(field);
  }
  return [...fields];
}

function fieldsOf(source: string): string[] | "all" {
  let found = cache.get(source);
  if (found === undefined) {
    found = analyse(source);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(source, found);
  }
  return found;
}

function analyse(source: string): string[] | "all" {
  for (const [, name] of source.matchAll(TAG_NAME)) if (!ANALYSED_TAGS.has(name!)) return "all";
  for (const [markup] of source.matchAll(MARKUP)) if (ROOT_LOOKUP.test(markup.slice(2))) return "all";
  let globals;
  try {
    globals = analyzeSync(parseTemplate(source, "template")).globals;
  } catch {
    return "all";
  }
  const fields: string[] = [];
  for (const variable of globals.customer ?? []) {
    const field = variable.segments[1];
    if (typeof field !== "string" && typeof field !== "number") return "all";
    fields.push(String(field));
  }
  return fields;
}
