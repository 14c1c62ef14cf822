import { Hono } from "hono";
import { z } from "zod";
import { accountIdFor, existingAccount } from "../auth/authenticate";
import type { DeliveryJob } from "../delivery/model";
import { allowPrivateTargets, type AppEnv } from "../env";
import { AppError } from "../errors";
import { parseWith, readJsonBody } from "../http/json-body";
import { pathParam } from "../http/path-param";
import { acceptedOrError } from "../limiter/client";
import { storedAttributes } from "../store/attributes";
import { cachedAccount, cachedAction } from "../store/cached-config";
import { ActionId, CustomerId } from "../store/ids";
import { renderRequest } from "../templates/render-request";
import { IdentifiedCustomer, ScopeFields, scopeOverStored } from "../templates/scope-input";
import { needsStoredAttributes } from "../templates/attribute-needs";
import { groupAccept } from "../limiter/group-accept";

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
 *
 * The hot path: the account and action come from the isolate's config cache
 * (store/config-cache.ts bounds how stale they can be), the stored
 * attributes are read only when a template could see one the trigger did
 * not send (templates/attribute-needs.ts), and concurrent triggers of one limiter are
 * accepted together (limiter/group-accept.ts).
 */
export const triggerRoutes = new Hono<AppEnv>().post("/:action/trigger", async (c) => {
  const accountId = accountIdFor(c);
  const input = await readJsonBody(c, TriggerInput);
  const customerId = parseWith(CustomerId, input.customer.id, "customer.id");
  const actionId = pathParam(c, "action", ActionId);
  const [storedAccount, action] = await Promise.all([cachedAccount(c.env.CONFIG, accountId), cachedAction(c.env.CONFIG, accountId, actionId)]);
  const account = existingAccount(accountId, storedAccount);
  if (!action) throw new AppError("not_found", `Action ${actionId} does not exist`);
  const stored = needsStoredAttributes(action, input.customer) ? await storedAttributes(c.env.ATTRIBUTES, accountId, customerId) : {};
  const scope = scopeOverStored(input, stored);
  const { request, warnings } = renderRequest(action, scope, { allowPrivate: allowPrivateTargets(c.env) });

  const setsAttributes = Object.keys(action.attributes).length > 0;
  const job: DeliveryJob = {
    v: 2,
    account: accountId,
    source: { kind: "action", id: action.id },
    customerId,
    request,
    // The inputs are kept only when attribute templates will render against them after the response.
    onSuccess: setsAttributes ? { templates: action.attributes, scope } : null,
  };
  const header = c.req.header("idempotency-key");
  const idempotencyKey = input.idempotency_key ?? (header === undefined ? undefined : parseWith(IdempotencyKey, header, "Idempotency-Key"));
  const keepAlive = (work: Promise<unknown>) => c.executionCtx.waitUntil(work.catch(() => {}));
  const accepted = acceptedOrError(await groupAccept(c.env, account, { job, idempotencyKey }, keepAlive));
  return c.json({ delivery_id: accepted.deliveryId, duplicate: accepted.duplicate, warnings }, 202);
});
