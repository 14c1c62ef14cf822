/** @jsxImportSource hono/jsx */
/**
 * The dashboard at /ui: server-rendered pages (hono/jsx) over the JSON API's
 * own routes (api.ts), one small script (script.ts), a signed session cookie
 * (session.ts) and the checks in guard.ts. Mounted by src/app.ts.
 */
import { Hono } from "hono";
import { fromUnexpected } from "../errors";
import type { UiEnv } from "./env";
import { requireCsrf, requireSession, sameOrigin, securityHeaders } from "./guard";
import { Notice, Page, render, type UiStatus } from "./layout";
import { accountPages } from "./pages/accounts";
import { actionPages } from "./pages/actions";
import { deliveryPages } from "./pages/deliveries";
import { resourcePages } from "./pages/resources";
import { SCRIPT } from "./script";
import { signInRoutes, signOutRoute } from "./sign-in";
import { CSS } from "./styles";

export const ui = new Hono<UiEnv>();

ui.use("*", securityHeaders);
ui.use("*", sameOrigin);
ui.get("/app.css", (c) => c.body(CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }));
ui.get("/app.js", (c) => c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" }));
ui.route("/", signInRoutes);

// Everything below needs a session, and every POST its CSRF token.
ui.use("*", requireSession);
ui.use("*", requireCsrf);
ui.route("/", signOutRoute);
ui.get("/", (c) => {
  const { principal } = c.get("session");
  return c.redirect(principal.kind === "admin" ? "/ui/accounts" : `/ui/a/${encodeURIComponent(principal.account)}`, 303);
});
ui.route("/", accountPages);
ui.route("/", actionPages);
ui.route("/", deliveryPages);
ui.route("/", resourcePages);

// The app's notFound answers JSON; under /ui an unknown address gets a page (after the session check).
ui.all("*", (c) => render(c, <ErrorPage status={404} message="There is no dashboard page here." />, 404));
ui.onError((err, c) => {
  const error = fromUnexpected(err);
  if (err !== error) console.error("unhandled error (dashboard)", err);
  const status = error.status as UiStatus;
  // Script calls (preview, test send, the live stream) get the API's JSON shape; pages get a page.
  if (c.req.header("x-csrf-token") || c.req.header("accept") === "text/event-stream") return c.json(error.toJSON(), error.status);
  return render(c, <ErrorPage status={status} message={error.message} />, status);
});

function ErrorPage({ status, message }: { status: number; message: string }) {
  const title = status === 403 ? "Not allowed" : status === 404 ? "Not found" : status === 401 ? "Sign in first" : status >= 500 ? "Something failed" : "Cannot do that";
  return (
    <Page title={title}>
      <Notice kind="error">{message}</Notice>
      <p>
        <a href="/ui">Back to the dashboard</a> · <a href="/ui/sign-in">Sign in</a>
      </p>
    </Page>
  );
}
