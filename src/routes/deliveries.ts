import { Hono } from "hono";
import { z } from "zod";
import { accountFor } from "../auth/authenticate";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { parseWith } from "../http/json-body";
import { limiterFor } from "../limiter/client";

const ListQuery = z.strictObject({
  status: z.enum(["queued", "sending", "retrying", "sent", "failed"]).optional(),
  action: z.string().min(1).optional(),
  customer: z.string().min(1).optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** The delivery log: `/v1/accounts/{account}/deliveries`. */
export const deliveryRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const account = await accountFor(c);
    const query = parseWith(ListQuery, c.req.query(), "query");
    const { stub } = limiterFor(c.env, account);
    const deliveries = await stub.listDeliveries(account.id, { ...query, before: query.cursor });
    const last = deliveries.at(-1);
    return c.json({ deliveries, next_cursor: deliveries.length === query.limit && last ? last.id : null });
  })
  .get("/:id", async (c) => {
    const account = await accountFor(c);
    const { stub } = limiterFor(c.env, account);
    const delivery = await stub.getDelivery(account.id, c.req.param("id"));
    if (!delivery) throw new AppError("not_found", `Delivery ${c.req.param("id")} does not exist`);
    return c.json(delivery);
  })
  .post("/:id/replay", async (c) => {
    const account = await accountFor(c);
    const { name, stub } = limiterFor(c.env, account);
    const replay = await stub.replay(name, account.id, c.req.param("id"));
    if (!replay) throw new AppError("not_found", `Delivery ${c.req.param("id")} does not exist`);
    return c.json({ delivery_id: replay.deliveryId, replay_of: c.req.param("id") }, 202);
  });

/** `GET /v1/accounts/{account}/customers/{id}/attributes`: the consistent copy, from the limiter. */
export const customerRoutes = new Hono<AppEnv>().get("/:customer/attributes", async (c) => {
  const account = await accountFor(c);
  const { stub } = limiterFor(c.env, account);
  return c.json({ attributes: await stub.getAttributes(account.id, c.req.param("customer")) });
});
