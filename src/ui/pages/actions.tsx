/** @jsxImportSource hono/jsx */
/**
 * Webhook actions: the list and the editor. Saving goes through the API's PUT
 * (its validation, its errors); the preview beside the form is re-rendered as
 * you type (preview.ts), and "Test send" calls the API's test route, which
 * sends the saved action once.
 */
import { Hono, type Context } from "hono";
import { AppError } from "../../errors";
import { parseWith } from "../../http/json-body";
import type { Action } from "../../store/actions";
import { ActionId, AccountId } from "../../store/ids";
import { accountPath, api, apiOrThrow, errorOf } from "../api";
import type { UiEnv } from "../env";
import { actionBody, fieldsFromAction, fieldsFromForm, formText, sampleObject, type ActionFields } from "../form";
import { requireAccountAccess } from "../guard";
import { chrome, Csrf, Notice, Page, render, Time } from "../layout";
import { previewDraft } from "../preview";

const METHODS = ["POST", "PUT", "PATCH", "DELETE", "GET"];
const SAMPLE_CUSTOMER = '{\n  "id": "42",\n  "email": "ada@example.com"\n}';

interface EditorState {
  id?: string;
  fields: ActionFields;
  error?: { message: string; field?: string; line?: number };
  saved?: boolean;
}

function fieldOf(error: EditorState["error"]): string | undefined {
  const name = error?.field ?? error?.message.match(/^([a-z]+)[.:]/)?.[1];
  return name?.split(".")[0];
}

function Field(props: { id: string; label: string; hint?: string; error?: EditorState["error"]; children: unknown }) {
  const mine = fieldOf(props.error) === props.id;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? <p class="hint" id={`hint-${props.id}`}>{props.hint}</p> : null}
      <p class="field-error" id={`err-${props.id}`} aria-live="polite">{mine ? props.error?.message : ""}</p>
    </div>
  );
}

function editorPage(c: Context<UiEnv>, account: string, state: EditorState, status: 200 | 400 = 200) {
  const { fields, error } = state;
  const base = `/ui/a/${encodeURIComponent(account)}/actions`;
  const invalid = (name: string) => (fieldOf(error) === name ? "true" : undefined);
  return render(
    c,
    <Page title={state.id ? `Action ${state.id}` : "New action"} {...chrome(c, account, "actions")}>
      {state.saved ? <Notice kind="ok">Saved.</Notice> : null}
      {error ? <Notice kind="error">{error.message}</Notice> : null}
      <div class="editor">
        <form method="post" action={state.id ? `${base}/${encodeURIComponent(state.id)}` : base} id="action-form" data-preview={`${base}/preview`}>
          <Csrf token={c.get("csrf")} />
          {state.id ? null : (
            <Field id="action-id" label="Action id" hint="1–64 letters, digits, “_”, “.” or “-”." error={error}>
              <input id="action-id" name="id" type="text" required autofocus />
            </Field>
          )}
          <Field id="method" label="Method" error={error}>
            <select id="method" name="method">
              {METHODS.map((method) => <option selected={fields.method === method}>{method}</option>)}
            </select>
          </Field>
          <Field id="url" label="URL" hint="A Liquid template, e.g. https://api.example.com/users/{{ customer.id }}" error={error}>
            <input id="url" name="url" type="text" required value={fields.url} aria-invalid={invalid("url")} aria-describedby="hint-url err-url" spellcheck={false} />
          </Field>
          <Field id="headers" label="Headers" hint="One “Name: template” a line." error={error}>
            <textarea id="headers" name="headers" rows={3} aria-invalid={invalid("headers")} aria-describedby="hint-headers err-headers" spellcheck={false}>{fields.headers}</textarea>
          </Field>
          <Field id="body" label="Body" hint="A Liquid template; errors show their line." error={error}>
            <textarea id="body" name="body" rows={8} aria-invalid={invalid("body")} aria-describedby="hint-body err-body" spellcheck={false}>{fields.body}</textarea>
          </Field>
          <Field id="attributes" label="Attributes from the response" hint="One “name = template” a line, over response and customer." error={error}>
            <textarea id="attributes" name="attributes" rows={3} aria-invalid={invalid("attributes")} aria-describedby="hint-attributes err-attributes" spellcheck={false}>{fields.attributes}</textarea>
          </Field>
          <div class="actions-row">
            <button type="submit">Save action</button>
            {state.id ? <button type="button" class="secondary" id="test-send" data-url={`${base}/${encodeURIComponent(state.id)}/test`}>Test send</button> : null}
          </div>
          <h2>Sample data for the preview</h2>
          <Field id="customer" label="Customer (JSON)" error={error}>
            <textarea id="customer" name="customer" rows={4} spellcheck={false}>{SAMPLE_CUSTOMER}</textarea>
          </Field>
          <Field id="event" label="Event (JSON)" error={error}>
            <textarea id="event" name="event" rows={2} spellcheck={false}>{"{}"}</textarea>
          </Field>
          <Field id="response" label="Sample response (JSON: status, headers, body), for attributes" error={error}>
            <textarea id="response" name="response" rows={2} spellcheck={false}></textarea>
          </Field>
        </form>
        <section aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <p class="hint">Rendered as you type; nothing is sent.</p>
          <div id="preview-status" role="status" aria-live="polite"></div>
          <pre id="preview-request" tabindex={0} aria-label="Rendered request">Type to see the request this action sends.</pre>
          <ul id="preview-warnings"></ul>
          <h2>Test send</h2>
          <p class="hint">Sends the saved action once to its URL with the sample customer; stores nothing.</p>
          <div id="test-result" role="status" aria-live="polite"></div>
          <pre id="test-response" tabindex={0} aria-label="Test response" hidden></pre>
        </section>
      </div>
      {state.id ? (
        <form method="post" action={`${base}/${encodeURIComponent(state.id)}/delete`}>
          <Csrf token={c.get("csrf")} />
          <button type="submit" class="danger">Delete action</button>
        </form>
      ) : null}
    </Page>,
    status,
  );
}

async function save(c: Context<UiEnv>, account: string, id: string | undefined) {
  const form = await c.req.parseBody();
  const fields = fieldsFromForm(form);
  const actionId = id ?? formText(form, "id");
  const refused = (error: EditorState["error"]) => editorPage(c, account, { id, fields, error }, 400);
  if (!ActionId.safeParse(actionId).success) {
    return refused({ message: `action-id: “${actionId}” is not a valid action id`, field: "action-id" });
  }
  let body: ReturnType<typeof actionBody>;
  try {
    body = actionBody(fields);
  } catch (err) {
    if (err instanceof AppError) return refused(err);
    throw err;
  }
  const answer = await api(c.env, c.get("session").principal, "PUT", accountPath(account, "actions", actionId), body);
  // Not this caller's account, or no such account: the error page, not the form.
  if (answer.status === 403 || answer.status === 404) throw errorOf(answer);
  if (!answer.ok) return refused(errorOf(answer));
  return c.redirect(`/ui/a/${encodeURIComponent(account)}/actions/${encodeURIComponent(actionId)}?saved=1`, 303);
}

export const actionPages = new Hono<UiEnv>()
  .use("/a/:account/actions/*", requireAccountAccess)
  .use("/a/:account/actions", requireAccountAccess)
  .get("/a/:account/actions", async (c) => {
    const account = c.req.param("account");
    const { actions } = await apiOrThrow<{ actions: Action[] }>(c.env, c.get("session").principal, "GET", accountPath(account, "actions"));
    const base = `/ui/a/${encodeURIComponent(account)}/actions`;
    return render(
      c,
      <Page title="Actions" {...chrome(c, account, "actions")}>
        <p><a class="button" href={`${base}/new`}>New action</a></p>
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Action</th><th scope="col">Method</th><th scope="col">URL</th><th scope="col">Updated</th><th scope="col">Deliveries</th></tr></thead>
            <tbody>
              {actions.length === 0 ? <tr><td colspan={5}>No actions yet.</td></tr> : actions.map((action) => (
                <tr>
                  <td><a href={`${base}/${encodeURIComponent(action.id)}`}>{action.id}</a></td>
                  <td>{action.method}</td>
                  <td class="wrap"><code>{action.url}</code></td>
                  <td><Time at={action.updated_at} /></td>
                  <td><a href={`/ui/a/${encodeURIComponent(account)}/deliveries?q=${encodeURIComponent(action.id)}`} aria-label={`Deliveries of ${action.id}`}>Deliveries</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Page>,
    );
  })
  .get("/a/:account/actions/new", (c) =>
    editorPage(c, c.req.param("account"), { fields: { method: "POST", url: "", headers: "", body: "", attributes: "" } }),
  )
  .post("/a/:account/actions", (c) => save(c, c.req.param("account"), undefined))
  // JSON for the page script: the draft rendered, or the error at its field and line.
  .post("/a/:account/actions/preview", async (c) => {
    const account = parseWith(AccountId, c.req.param("account"), "account");
    return c.json(await previewDraft(c.env, account, await readDraft(c)));
  })
  .get("/a/:account/actions/:action", async (c) => {
    const account = c.req.param("account");
    const action = await apiOrThrow<Action>(c.env, c.get("session").principal, "GET", accountPath(account, "actions", c.req.param("action")));
    return editorPage(c, account, { id: action.id, fields: fieldsFromAction(action), saved: c.req.query("saved") === "1" });
  })
  .post("/a/:account/actions/:action", (c) => save(c, c.req.param("account"), c.req.param("action")))
  .post("/a/:account/actions/:action/test", async (c) => {
    const account = c.req.param("account");
    const draft = await readDraft(c);
    try {
      const customer = sampleObject(typeof draft.customer === "string" ? draft.customer : "", "customer");
      const event = sampleObject(typeof draft.event === "string" ? draft.event : "", "event");
      const answer = await api(c.env, c.get("session").principal, "POST", accountPath(account, "actions", c.req.param("action"), "test"), { customer, event });
      return c.json(answer.body, answer.status as 200);
    } catch (err) {
      if (err instanceof AppError) return c.json(err.toJSON(), err.status);
      throw err;
    }
  })
  .post("/a/:account/actions/:action/delete", async (c) => {
    const account = c.req.param("account");
    await apiOrThrow(c.env, c.get("session").principal, "DELETE", accountPath(account, "actions", c.req.param("action")));
    return c.redirect(`/ui/a/${encodeURIComponent(account)}/actions`, 303);
  });

/** The page script posts the editor's fields as JSON (bounded: a draft is a few templates). */
async function readDraft(c: Context<UiEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.length > 500_000) throw new AppError("payload_too_large", "The draft is larger than 500,000 characters");
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through to the 400 below.
  }
  throw new AppError("invalid_json", "Expected the editor's fields as a JSON object");
}
