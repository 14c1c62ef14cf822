import { Hono } from "hono";
import { z } from "zod";
import { accountIdFor } from "../auth/authenticate";
import type { DeliveryJob } from "../delivery/model";
import { allowPrivateTargets, type AppEnv } from "../env";
import { parseWith, readJsonBody } from "../http/json-body";
import { acceptedOrError, limiterFor } from "../limiter/client";
import { storedAttributes } from "../store/attributes";
import { CustomerId } from "../store/ids";
import { renderRequest } from "../templates/render-request";
import { IdentifiedCustomer, ScopeFields, toScope } from "../templates/scope-input";
import { actionFor } from "./actions";

const IdempotencyKey = z.string().min(1).max(256);

export const TriggerInput = z.strictObject({
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
  const customerId = parseWith(CustomerId, input.customer.id, "customer.id");
  // Three independent KV reads, in parallel: this is the hot path.
  const [{ account, action }, stored] = await Promise.all([actionFor(c), storedAttributes(c.env.ATTRIBUTES, accountId, customerId)]);
  const scope = toScope({ ...input, customer: { ...stored, ...input.customer } });
  const { request, warnings } = renderRequest(action, scope, { allowPrivate: allowPrivateTargets(c.env) });

  const setsAttributes = Object.keys(action.attributes).length > 0;
  const job: DeliveryJob = {
    v: 2,
    account: account.id,
    source: { kind: "action", id: action.id },
    customerId,
    request,
    // The inputs are kept only when attribute templates will render against them after the response.
    onSuccess: setsAttributes ? { templates: action.attributes, scope } : null,
  };
  const header = c.req.header("idempotency-key");
  const idempotencyKey = input.idempotency_key ?? (header === undefined ? undefined : parseWith(IdempotencyKey, header, "Idempotency-Key"));
  const { name, stub } = limiterFor(c.env, account);
  const accepted = acceptedOrError(await stub.accept(name, job, { idempotencyKey }));
  return c.json({ delivery_id: accepted.deliveryId, duplicate: accepted.duplicate, warnings }, 202);
});
