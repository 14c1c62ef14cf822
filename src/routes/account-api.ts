import type { Hono } from "hono";
import type { AppEnv } from "../env";
import { accountRoutes } from "./accounts";
import { actionRunRoutes } from "./action-runs";
import { actionRoutes } from "./actions";
import { customerRoutes, deliveryRoutes } from "./deliveries";
import { destinationRoutes } from "./destinations";
import { gistQueueRoutes } from "./gist-queue";
import { sourceRoutes } from "./sources";
import { triggerRoutes } from "./triggers";

/**
 * Everything under /v1/accounts, mounted by the public API (src/app.ts,
 * behind `authenticate`) and by the dashboard's internal app (src/ui/api.ts,
 * behind the session) from this one table, so the two cannot drift apart.
 * The caller sets `principal` first.
 */
export function mountAccountApi(app: Hono<AppEnv>): void {
  app.route("/v1/accounts/:account/actions", actionRoutes);
  app.route("/v1/accounts/:account/actions", actionRunRoutes);
  app.route("/v1/accounts/:account/actions", triggerRoutes);
  app.route("/v1/accounts/:account/destinations", destinationRoutes);
  app.route("/v1/accounts/:account/sources", sourceRoutes);
  app.route("/v1/accounts/:account/deliveries", deliveryRoutes);
  app.route("/v1/accounts/:account/customers", customerRoutes);
  app.route("/v1/accounts/:account/gist", gistQueueRoutes);
  app.route("/v1/accounts", accountRoutes);
}
