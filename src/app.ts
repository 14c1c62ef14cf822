import { Hono } from "hono";
import { AppError } from "./errors";
import type { AppEnv } from "./env";

/** The HTTP API: one sub-app per resource, one error shape for everything. */
export function createApp() {
  const app = new Hono<AppEnv>();

  app.get("/healthz", (c) => c.json({ ok: true }));

  app.notFound((c) => c.json(new AppError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`).toJSON(), 404));
  app.onError((err, c) => {
    if (err instanceof AppError) return c.json(err.toJSON(), err.status);
    // Unknown errors are ours: log them, answer without internals.
    console.error("unhandled error", err);
    return c.json(new AppError("internal", "Internal error").toJSON(), 500);
  });
  return app;
}
