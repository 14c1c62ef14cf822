import { Hono } from "hono";
import { z } from "zod";
import { accountFor } from "../auth/authenticate";
import { allowPrivateTargets, type AppEnv } from "../env";
import { AppError } from "../errors";
import { parseWith, readJsonBody } from "../http/json-body";
import { pathParam } from "../http/path-param";
import { acceptedOrError, limiterFor } from "../limiter/client";
import { assertAllowedTarget } from "../net/target-guard";
import { DeliveryId, SourceId } from "../store/ids";
import { secretBox } from "../store/secret-box";
import { deleteSource, getSource, listSources, publicSource, putSource, SourceInput } from "../store/sources";

export const EventsQuery = z.strictObject({
  type: z.string().min(1).max(100).optional(),
  status: z.enum(["accepted", "filtered", "duplicate", "refused"]).optional(),
  cursor: z.string().regex(/^in_[0-9a-z]{19}$/, "is not an event id").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const EventId = z.string().regex(/^in_[0-9a-z]{19}$/, "is not an event id (in_ and 19 characters)");

/** Inbound webhook sources: `/v1/accounts/{account}/sources[/{src}]`, their received events, and replay of a forward. */
export const sourceRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const account = await accountFor(c);
    return c.json({ sources: (await listSources(c.env.CONFIG, account.id)).map(publicSource) });
  })
  .put("/:src", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "src", SourceId);
    const input = await readJsonBody(c, SourceInput);
    if (input.forward_url) assertAllowedTarget(input.forward_url, { allowPrivate: allowPrivateTargets(c.env) });
    const { source, created } = await putSource(c.env.CONFIG, account.id, id, input, secretBox(c.env.ENCRYPTION_KEY));
    if (!source) throw new AppError("validation_failed", "secret: is required for a new source", { issues: [{ path: "secret", message: "is required" }] });
    return c.json(publicSource(source), created ? 201 : 200);
  })
  .get("/:src", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "src", SourceId);
    const source = await getSource(c.env.CONFIG, account.id, id);
    if (!source) throw new AppError("not_found", `Source ${id} does not exist`);
    return c.json(publicSource(source));
  })
  .delete("/:src", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "src", SourceId);
    if (!(await deleteSource(c.env.CONFIG, account.id, id))) throw new AppError("not_found", `Source ${id} does not exist`);
    return c.body(null, 204);
  })
  .get("/:src/events", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "src", SourceId);
    const query = parseWith(EventsQuery, c.req.query(), "query");
    const { stub } = limiterFor(c.env, account);
    const events = await stub.listInbound(account.id, id, { type: query.type, status: query.status, before: query.cursor, limit: query.limit });
    const last = events.at(-1);
    return c.json({ events, next_cursor: events.length === query.limit && last ? last.id : null });
  })
  .get("/:src/events/:event", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "src", SourceId);
    const eventId = pathParam(c, "event", EventId);
    const event = await limiterFor(c.env, account).stub.getInbound(account.id, id, eventId);
    if (!event) throw new AppError("not_found", `Event ${eventId} does not exist`);
    return c.json(event);
  })
  // Replay sends the event's forward again: a new delivery of the request as it was forwarded.
  .post("/:src/events/:event/replay", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "src", SourceId);
    const eventId = pathParam(c, "event", EventId);
    const { name, stub } = limiterFor(c.env, account);
    const event = await stub.getInbound(account.id, id, eventId);
    if (!event) throw new AppError("not_found", `Event ${eventId} does not exist`);
    if (!event.delivery_id) throw new AppError("conflict", `Event ${eventId} was not forwarded (${event.status}${event.status === "accepted" ? ", no forward_url then" : ""}); there is nothing to replay`);
    const outcome = await stub.replay(name, account.id, DeliveryId.parse(event.delivery_id));
    if (!outcome) throw new AppError("not_found", `The forward of event ${eventId} is no longer in the delivery log`);
    return c.json({ delivery_id: acceptedOrError(outcome).deliveryId, replay_of: event.delivery_id }, 202);
  });
