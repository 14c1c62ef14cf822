/** @jsxImportSource hono/jsx */
/**
 * Sign-in and sign-out. The presented token or key is checked by the API's
 * own authenticate middleware (api.ts whoIs) and then forgotten: the cookie
 * holds only who it was (admin, or account + key id). Before there is a
 * session, the form's CSRF token is bound to a nonce in a short-lived cookie.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { Hono } from "hono";
import { newId } from "../auth/secrets";
import { whoIs } from "./api";
import type { UiEnv } from "./env";
import { clearSessionCookie, cookieOptions, setSessionCookie } from "./guard";
import { Csrf, Notice, Page, render } from "./layout";
import { canSign, csrfToken, csrfValid, LOGIN_COOKIE, LOGIN_SECONDS, newSession, openSession, sealSession, SESSION_COOKIE } from "./session";

/** Only a path inside the dashboard may follow sign-in: never another site. */
function safeNext(next: string | undefined): string {
  return next && /^\/ui(\/[^\\]*)?$/.test(next) && !next.startsWith("//") ? next : "/ui";
}

async function signInPage(c: Context<UiEnv>, error?: string, status: 200 | 401 | 403 = 200) {
  const nonce = newId("login");
  setCookie(c, LOGIN_COOKIE, nonce, cookieOptions(c, LOGIN_SECONDS));
  const token = await csrfToken(c.env, `login:${nonce}`);
  const next = safeNext(c.req.query("next"));
  return render(
    c,
    <Page title="Sign in to edgehook">
      <div class="sign-in">
        {error ? <Notice kind="error">{error}</Notice> : null}
        <form method="post" action={`/ui/sign-in?next=${encodeURIComponent(next)}`}>
          <Csrf token={token} />
          <div class="field">
            <label for="token">Admin token or service key</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
            <p class="hint">A service key (ehk_…) signs you in to its own account only.</p>
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Page>,
    status,
  );
}

export const signInRoutes = new Hono<UiEnv>()
  .get("/sign-in", async (c) => {
    if (!canSign(c.env)) return c.text("The dashboard needs ADMIN_TOKEN or ENCRYPTION_KEY to be set", 503);
    if (await openSession(c.env, getCookie(c, SESSION_COOKIE))) return c.redirect(safeNext(c.req.query("next")), 303);
    return signInPage(c);
  })
  .post("/sign-in", async (c) => {
    if (!canSign(c.env)) return c.text("The dashboard needs ADMIN_TOKEN or ENCRYPTION_KEY to be set", 503);
    const form = await c.req.parseBody();
    const nonce = getCookie(c, LOGIN_COOKIE);
    const presentedCsrf = typeof form._csrf === "string" ? form._csrf : undefined;
    if (!nonce || !(await csrfValid(c.env, `login:${nonce}`, presentedCsrf))) {
      return signInPage(c, "The sign-in form expired or was not sent from this page; try again.", 403);
    }
    deleteCookie(c, LOGIN_COOKIE, { path: "/ui" });
    const token = typeof form.token === "string" ? form.token.trim() : "";
    // Anything a header cannot carry is no valid token; it must not reach the Request constructor.
    const principal = token && token.length <= 512 && /^[\x21-\x7e]+$/.test(token) ? await whoIs(c.env, token) : null;
    if (!principal) return signInPage(c, "That admin token or service key is not valid (or was revoked).", 401);
    setSessionCookie(c, await sealSession(c.env, newSession(principal)));
    const home = principal.kind === "admin" ? "/ui/accounts" : `/ui/a/${encodeURIComponent(principal.account)}`;
    const next = safeNext(c.req.query("next"));
    return c.redirect(next === "/ui" ? home : next, 303);
  });

/** Sign-out is a POST with the session's CSRF token (so another page cannot sign you out). */
export const signOutRoute = new Hono<UiEnv>().post("/sign-out", (c) => {
  clearSessionCookie(c);
  return c.redirect("/ui/sign-in", 303);
});
