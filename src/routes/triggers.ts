import { Hono } from "hono";
import { z } from "zod";
import { accountIdFor } from "../auth/authenticate";
import type { DeliveryJob } from "../delivery/model";
import { allowPrivateTargets, type AppEnv } from "../env";
import { AppError } from "../errors";
import { parseWith, readJsonBody } from "../http/json-body";
import { limiterFor } from "../limiter/client";
import { kvKeys } from "../store/keys";
import { renderRequest } from "../templates/render-request";
import { IdentifiedCustomer, ScopeFields, toScope } from "../templates/scope-input";
import { actionFor } from "./actions";

const IdempotencyKey = z.string().min(1).max(256);

const TriggerInput = z.strictObject({
  customer: IdentifiedCustomer,
  ...ScopeFields,
  idempotency_key: IdempotencyKey.optional(),
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
  const header = c.req.header("idempotency-key");
  const idempotencyKey = input.idempotency_key ?? (header === undefined ? undefined : parseWith(IdempotencyKey, header, "Idempotency-Key"));
  const { name, stub } = limiterFor(c.env, account);
  let accepted: { deliveryId: string; duplicate: boolean };
  try {
    accepted = await stub.accept(name, job, { idempotencyKey });
  } catch (err) {
    console.error("trigger not accepted: the limiter or the queue failed", String(err));
    throw new AppError("unavailable", "The delivery could not be queued; nothing was accepted. Try again.");
  }
  return c.json({ delivery_id: accepted.deliveryId, duplicate: accepted.duplicate, warnings }, 202);
});
