import { Hono, type Context } from "hono";
import { z } from "zod";
import { accountFor } from "../auth/authenticate";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { removeMessage, userShard } from "../gist/queue-client";
import { QUEUE_ID } from "../gist/queue-model";
import { pathParam } from "../http/path-param";
import { CustomerId } from "../store/ids";

export const QueueId = z.string().regex(QUEUE_ID, "is not a queue id (q_ and 19 characters)");

/**
 * An account's own view of its Gist queue (serve mode), with its service key:
 * `/v1/accounts/{account}/gist/users/{userToken}/messages[/{queueId}]` and
 * `…/views`. The user token is URL-encoded in the path.
 */
export const gistQueueRoutes = new Hono<AppEnv>()
  .get("/users/:user/messages", async (c) => {
    const { account, user } = await queueOwner(c);
    return c.json({ messages: await userShard(c.env, account, user).pending(user) });
  })
  .delete("/users/:user/messages/:queueId", async (c) => {
    const { account, user } = await queueOwner(c);
    const queueId = pathParam(c, "queueId", QueueId);
    if (!(await removeMessage(c.env, account, user, queueId))) throw new AppError("not_found", `User ${user} has no message ${queueId}`);
    return c.body(null, 204);
  })
  .get("/users/:user/views", async (c) => {
    const { account, user } = await queueOwner(c);
    return c.json({ views: await userShard(c.env, account, user).views(user) });
  });

async function queueOwner(c: Context<AppEnv>) {
  const account = await accountFor(c);
  if (!account.gist_queue) throw new AppError("conflict", `Account ${account.id} does not serve a Gist queue: set gist: {mode: "serve", site_id}`);
  return { account: account.id, user: pathParam(c, "user", CustomerId) as string };
}
