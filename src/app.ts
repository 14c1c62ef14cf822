import { Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { authenticate } from "./auth/authenticate";
import { AppError, clip, fromUnexpected } from "./errors";
import { mountAccountApi } from "./routes/account-api";
import type { AppEnv } from "./env";
import { gistRoutes } from "./routes/gist";
import { gistSdkRoutes } from "./routes/gist-sdk";
import { inboundRoutes } from "./routes/inbound";
import { metaRoutes } from "./routes/meta";
import { openApiRoutes } from "./openapi/routes";
import { trackingRoutes } from "./routes/tracking";
import { ui } from "./ui";
import type { UiEnv } from "./ui/env";

/**
 * The dashboard is an app of its own, reached by prefix: its pages mix static
 * and parameter segments under wildcard middleware, which Hono's RegExpRouter
 * cannot compile, and one such route would drop the whole API to the slower
 * TrieRouter (about 5 % of a trigger's CPU in bench/profile.mjs).
 */
const dashboard = new Hono<UiEnv>().route("/ui", ui);

/** The HTTP API: one sub-app per resource, one error shape for everything. */
export function createApp() {
  // RegExpRouter outright, not SmartRouter's pick: a route it cannot compile fails at start-up instead of silently slowing every request.
  const app = new Hono<AppEnv>({ router: new RegExpRouter() });

  app.route("/", metaRoutes);
  app.route("/", openApiRoutes);
  app.route("/", trackingRoutes);
  app.route("/v1/inbound", inboundRoutes);
  app.route("/", gistRoutes);
  app.route("/", gistSdkRoutes);
  app.use("/v1/accounts/*", authenticate);
  mountAccountApi(app);
  app.all("/ui", (c) => dashboard.fetch(c.req.raw, c.env, c.executionCtx));
  app.all("/ui/*", (c) => dashboard.fetch(c.req.raw, c.env, c.executionCtx));

  app.notFound((c) => c.json(new AppError("not_found", `No route for ${c.req.method} ${clip(new URL(c.req.url).pathname, 100)}`).toJSON(), 404));
  app.onError((err, c) => {
    const error = fromUnexpected(err);
    // Unexpected errors are logged (without the request), and answered without internals.
    if (err !== error) console.error("unhandled error", err);
    return c.json(error.toJSON(), error.status);
  });
  return app;
}
