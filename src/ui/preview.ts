/**
 * The editor's preview as you type. The API's preview route renders the
 * *saved* action; the editor previews the unsaved draft, so it runs the same
 * three steps that route and the save route run — the ActionInput schema,
 * validateAction (Liquid errors with field, line and column) and
 * renderRequest / renderAttributes — on the draft. Nothing is stored or sent.
 */
import { allowPrivateTargets, type Bindings } from "../env";
import { AppError, fromUnexpected } from "../errors";
import { parseWith } from "../http/json-body";
import { ActionInput } from "../store/actions";
import type { AccountId } from "../store/ids";
import { renderAttributes } from "../templates/render-attributes";
import { renderRequest } from "../templates/render-request";
import { responseScope } from "../templates/scope";
import { scopeAsTriggered } from "../templates/scope-input";
import { validateAction } from "../templates/validate-action";
import { actionBody, fieldsFromForm, sampleObject } from "./form";

export interface PreviewAnswer {
  request?: unknown;
  attributes?: Record<string, unknown>;
  warnings?: string[];
  error?: { code: string; message: string; field?: string; line?: number; column?: number };
}

/** Renders a draft (the editor's fields plus sample customer, event and response) or says why it cannot. */
export async function previewDraft(env: Bindings, account: AccountId, draft: Record<string, unknown>): Promise<PreviewAnswer> {
  try {
    const text = (name: string) => (typeof draft[name] === "string" ? (draft[name] as string) : "");
    const action = parseWith(ActionInput, actionBody(fieldsFromForm(draft)), "action");
    const options = { allowPrivate: allowPrivateTargets(env) };
    validateAction(action, options);

    const customer = sampleObject(text("customer"), "customer");
    const event = sampleObject(text("event"), "event");
    const scope = await scopeAsTriggered(env.ATTRIBUTES, account, { customer, event });
    const { request, warnings } = renderRequest(action, scope, options);

    const response = text("response").trim() === "" ? null : sampleObject(text("response"), "response");
    if (!response) return { request, warnings };
    const status = typeof response.status === "number" ? response.status : 200;
    const headers = (response.headers && typeof response.headers === "object" ? response.headers : {}) as Record<string, string>;
    const body = response.body === undefined ? "" : typeof response.body === "string" ? response.body : JSON.stringify(response.body);
    const attributes = renderAttributes(action.attributes, { ...scope, response: responseScope(status, headers, body) });
    return { request, attributes, warnings };
  } catch (err) {
    const error = fromUnexpected(err);
    if (!(err instanceof AppError)) console.error("preview failed", err);
    const { code, message, ...details } = error.toJSON().error;
    return { error: { code, message, ...(details as { field?: string; line?: number; column?: number }) } };
  }
}
