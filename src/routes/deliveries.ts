import { Hono } from "hono";
import { z } from "zod";
import { accountFor } from "../auth/authenticate";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { parseWith } from "../http/json-body";
import { pathParam } from "../http/path-param";
import { acceptedOrError, limiterFor } from "../limiter/client";
import { AttributeName } from "../store/actions";
import { ActionId, CustomerId, DeliveryId, DestinationId } from "../store/ids";

export const ListQuery = z.strictObject({
  status: z.enum(["queued", "sending", "retrying", "sent", "failed"]).optional(),
  action: ActionId.optional(),
  destination: DestinationId.optional(),
  customer: CustomerId.optional(),
  cursor: DeliveryId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** The delivery log: `/v1/accounts/{account}/deliveries`. */
export const deliveryRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const account = await accountFor(c);
    const query = parseWith(ListQuery, c.req.query(), "query");
    const { stub } = limiterFor(c.env, account);
    if (query.action && query.destination) throw new AppError("validation_failed", "query: filter by action or by destination, not both");
    const source = query.action ? { kind: "action" as const, id: query.action } : query.destination ? { kind: "destination" as const, id: query.destination } : undefined;
    const deliveries = await stub.listDeliveries(account.id, { status: query.status, customer: query.customer, source, before: query.cursor, limit: query.limit });
    const last = deliveries.at(-1);
    return c.json({ deliveries, next_cursor: deliveries.length === query.limit && last ? last.id : null });
  })
  .get("/:id", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "id", DeliveryId);
    const { stub } = limiterFor(c.env, account);
    const delivery = await stub.getDelivery(account.id, id);
    if (!delivery) throw new AppError("not_found", `Delivery ${id} does not exist`);
    return c.json(delivery);
  })
  // Replays the stored request as it was rendered, even if the action has changed or been deleted since.
  .post("/:id/replay", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "id", DeliveryId);
    const { name, stub } = limiterFor(c.env, account);
    const outcome = await stub.replay(name, account.id, id);
    if (!outcome) throw new AppError("not_found", `Delivery ${id} does not exist`);
    return c.json({ delivery_id: acceptedOrError(outcome).deliveryId, replay_of: id }, 202);
  });

/**
 * A customer's stored attributes, read from the limiter (the consistent copy),
 * and cleared there: all of them, or one by name. Clearing writes through to
 * the KV copy that renders read.
 */
export const customerRoutes = new Hono<AppEnv>()
  .get("/:customer/attributes", async (c) => {
    const account = await accountFor(c);
    const customer = pathParam(c, "customer", CustomerId);
    const { stub } = limiterFor(c.env, account);
    return c.json({ attributes: await stub.getAttributes(account.id, customer) });
  })
  .delete("/:customer/attributes", async (c) => {
    const account = await accountFor(c);
    const customer = pathParam(c, "customer", CustomerId);
    const { stub } = limiterFor(c.env, account);
    return c.json({ attributes: await stub.clearAttributes(account.id, customer) });
  })
  .delete("/:customer/attributes/:name", async (c) => {
    const account = await accountFor(c);
    const customer = pathParam(c, "customer", CustomerId);
    const name = pathParam(c, "name", AttributeName);
    const { stub } = limiterFor(c.env, account);
    return c.json({ attributes: await stub.clearAttributes(account.id, customer, name) });
  });
