import { Hono } from "hono";
import { z } from "zod";
import { accountIdFor } from "../auth/authenticate";
import type { DeliveryJob } from "../delivery/model";
import type { AppEnv } from "../env";
import { readJsonBody } from "../http/json-body";
import { limiterFor } from "../limiter/client";
import { kvKeys } from "../store/keys";
import { renderRequest } from "../templates/render-request";
import { IdentifiedCustomer, ScopeFields, toScope } from "../templates/scope-input";
import { allowPrivateTargets } from "./action-runs";
import { actionFor } from "./actions";

const TriggerInput = z.strictObject({
  customer: IdentifiedCustomer,
  ...ScopeFields,
  idempotency_key: z.string().min(1).max(256).optional(),
});

/**
 * `POST …/actions/{action}/trigger`: render at the edge, record, enqueue, 202.
 * The customer's stored attributes (from earlier responses) sit under the
 * trigger's own values, which win.
 */
export const triggerRoutes = new Hono<AppEnv>().post("/:action/trigger", async (c) => {
  const accountId = accountIdFor(c);
  const input = await readJsonBody(c, TriggerInput);
  const customerId = String(input.customer.id);
  // Three independent KV reads, in parallel: this is the hot path.
  const [{ account, action }, stored] = await Promise.all([
    actionFor(c),
    c.env.ATTRIBUTES.get<Record<string, unknown>>(kvKeys.attributes(accountId, customerId), "json"),
  ]);
  const scope = toScope({ ...input, customer: { ...(stored ?? {}), ...input.customer } });
  const { request, warnings } = renderRequest(action, scope, { allowPrivate: allowPrivateTargets(c.env) });

  const job: DeliveryJob = { account: account.id, action: action.id, customerId, request, attributes: action.attributes, scope };
  const idempotencyKey = input.idempotency_key ?? c.req.header("idempotency-key");
  const { name, stub } = limiterFor(c.env, account);
  const { deliveryId, duplicate } = await stub.accept(name, job, { idempotencyKey });
  return c.json({ delivery_id: deliveryId, duplicate, warnings }, 202);
});
