/** @jsxImportSource hono/jsx */
/**
 * Accounts (admin) and service keys. A new key is shown once, on the page the
 * create answers with (never in a redirect URL or the cookie), and the page is
 * not cached.
 */
import { Hono, type Context } from "hono";
import { AppError } from "../../errors";
import { accountPath, api, apiOrThrow, errorOf } from "../api";
import type { UiEnv } from "../env";
import { requireAccountAccess } from "../guard";
import { chrome, Csrf, Notice, Page, render, Time } from "../layout";
import { formText } from "../form";

interface PublicKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
}

async function keysPage(c: Context<UiEnv>, account: string, extra: { created?: { name: string; key: string }; error?: string; revoked?: string } = {}) {
  const principal = c.get("session").principal;
  const [{ keys }, info] = await Promise.all([
    apiOrThrow<{ keys: PublicKey[] }>(c.env, principal, "GET", accountPath(account, "keys")),
    apiOrThrow<{ name: string; concurrency: number }>(c.env, principal, "GET", accountPath(account)),
  ]);
  const csrf = c.get("csrf");
  return render(
    c,
    <Page title={`Keys of ${account}`} {...chrome(c, account, "keys")}>
      <p>
        Account <strong>{info.name}</strong>, concurrency {info.concurrency}.
      </p>
      {extra.error ? <Notice kind="error">{extra.error}</Notice> : null}
      {extra.revoked ? <Notice kind="ok">Key {extra.revoked} revoked: it stops working now.</Notice> : null}
      {extra.created ? (
        <div class="notice ok" role="status">
          <p>
            Key <strong>{extra.created.name}</strong> created. Copy it now: it is shown only this once.
          </p>
          <p class="once" id="new-key">{extra.created.key}</p>
        </div>
      ) : null}
      <div class="table-wrap">
        <table>
          <caption class="skip">Service keys</caption>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Revoke</th></tr>
          </thead>
          <tbody>
            {keys.length === 0 ? (
              <tr><td colspan={5}>No keys yet.</td></tr>
            ) : (
              keys.map((key) => (
                <tr>
                  <td>{key.name}</td>
                  <td><code>{key.id}</code></td>
                  <td><code>{key.prefix}…</code></td>
                  <td><Time at={key.created_at} /></td>
                  <td>
                    <form method="post" action={`/ui/a/${encodeURIComponent(account)}/keys/${encodeURIComponent(key.id)}/revoke`} class="inline">
                      <Csrf token={csrf} />
                      <button type="submit" class="danger" aria-label={`Revoke key ${key.name}`}>Revoke</button>
                    </form>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {principal.kind === "admin" ? (
        <>
          <h2>Create a key</h2>
          <form method="post" action={`/ui/a/${encodeURIComponent(account)}/keys`}>
            <Csrf token={csrf} />
            <div class="field">
              <label for="key-name">Name</label>
              <input id="key-name" name="name" type="text" required maxlength={200} />
            </div>
            <button type="submit">Create key</button>
          </form>
        </>
      ) : (
        <p class="hint">Only the admin can create keys.</p>
      )}
    </Page>,
    extra.error ? 400 : 200,
  );
}

export const accountPages = new Hono<UiEnv>()
  .get("/accounts", async (c) => {
    if (c.get("session").principal.kind !== "admin") throw new AppError("forbidden", "Only the admin lists accounts");
    const csrf = c.get("csrf");
    return render(
      c,
      <Page title="Accounts" {...chrome(c, undefined, "accounts")}>
        <h2>Open an account</h2>
        <form method="get" action="/ui/open" class="filters">
          <div>
            <label for="open-id">Account id</label>
            <input id="open-id" name="account" type="text" required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}" />
          </div>
          <button type="submit">Open</button>
        </form>
        <h2>Create or update an account</h2>
        <form method="post" action="/ui/accounts">
          <Csrf token={csrf} />
          <div class="field">
            <label for="acct-id">Account id</label>
            <input id="acct-id" name="account" type="text" required />
            <p class="hint">1–64 letters, digits, “_”, “.” or “-”.</p>
          </div>
          <div class="field">
            <label for="acct-name">Name</label>
            <input id="acct-name" name="name" type="text" required />
          </div>
          <div class="field">
            <label for="acct-concurrency">Concurrency (requests in flight; empty for the default)</label>
            <input id="acct-concurrency" name="concurrency" type="text" inputmode="numeric" />
          </div>
          <button type="submit">Save account</button>
        </form>
      </Page>,
    );
  })
  .get("/open", (c) => c.redirect(`/ui/a/${encodeURIComponent(c.req.query("account") ?? "")}`, 303))
  .post("/accounts", async (c) => {
    const form = await c.req.parseBody();
    const account = formText(form, "account");
    const concurrency = formText(form, "concurrency");
    const body: Record<string, unknown> = { name: formText(form, "name") };
    if (concurrency) body.concurrency = Number(concurrency);
    const answer = await api(c.env, c.get("session").principal, "PUT", accountPath(account), body);
    if (!answer.ok) throw errorOf(answer);
    return c.redirect(`/ui/a/${encodeURIComponent(account)}/keys`, 303);
  })
  .get("/a/:account/keys", requireAccountAccess, (c) => keysPage(c, c.req.param("account")))
  .post("/a/:account/keys", requireAccountAccess, async (c) => {
    const account = c.req.param("account");
    const form = await c.req.parseBody();
    const answer = await api<{ name: string; key: string }>(c.env, c.get("session").principal, "POST", accountPath(account, "keys"), { name: formText(form, "name") });
    if (answer.status === 403) throw errorOf(answer);
    if (!answer.ok) return keysPage(c, account, { error: errorOf(answer).message });
    return keysPage(c, account, { created: answer.body });
  })
  .post("/a/:account/keys/:id/revoke", requireAccountAccess, async (c) => {
    const account = c.req.param("account");
    const id = c.req.param("id");
    await apiOrThrow(c.env, c.get("session").principal, "DELETE", accountPath(account, "keys", id));
    return keysPage(c, account, { revoked: id });
  });
