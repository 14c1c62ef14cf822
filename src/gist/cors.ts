import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

/** The headers the Gist web SDK sends: all but Content-Language make the browser ask first. */
const REQUEST_HEADERS = ["content-type", "content-language", "x-cio-site-id", "x-cio-client-platform", "x-gist-encoded-user-token", "x-gist-user-anonymous"];
/** The headers the SDK reads from the queue's answer; a cross-origin page sees only exposed ones. */
export const EXPOSED_HEADERS = ["x-gist-queue-polling-interval", "x-cio-use-sse"];

/**
 * CORS for the routes the SDK calls from a web page. A preflight carries no
 * site id, so it is answered for any origin; the real request is where the
 * account's `allowed_origins` is enforced (gist/sdk-routes.ts refuses it with
 * a 403, changing nothing, and that answer gets no Allow-Origin).
 */
export const gistCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("origin");
  if (c.req.method === "OPTIONS") {
    return c.body(null, 204, {
      "Access-Control-Allow-Origin": origin ?? "*",
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers": REQUEST_HEADERS.join(", "),
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    });
  }
  await next();
  c.res.headers.set("Vary", "Origin");
  c.res.headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS.join(", "));
  if (c.res.status !== 403) c.res.headers.set("Access-Control-Allow-Origin", origin ?? "*");
};
