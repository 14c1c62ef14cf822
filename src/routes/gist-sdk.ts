import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { AppError, clip } from "../errors";
import { gistCors } from "../gist/cors";
import { messagesForUser, userShard } from "../gist/queue-client";
import { QUEUE_ID } from "../gist/queue-model";
import { SiteId, type GistQueueSettings } from "../gist/settings";
import { accountForSite } from "../gist/site-index";
import { userTokenFrom } from "../gist/user-token";
import { parseWith } from "../http/json-body";
import { pathParam } from "../http/path-param";
import { getAccount } from "../store/accounts";
import type { AccountId } from "../store/ids";

export const QueueId = z.string().regex(QUEUE_ID, "is not a queue id (q_ and 19 characters)");
export const MessageId = z.string().min(1).max(256, "must be at most 256 characters");

/**
 * What the Gist web SDK calls on its queue host, for accounts in serve mode:
 * the user's queue (`POST /api/v4/users`) and the view logs. The page's
 * `siteId` (X-CIO-Site-Id) names the account, `X-Gist-Encoded-User-Token`
 * the user; there is no other credential, as with Gist itself.
 */
export const gistSdkRoutes = new Hono<AppEnv>()
  .use("/api/v4/users", gistCors)
  .use("/api/v1/logs/*", gistCors)
  .post("/api/v4/users", async (c) => {
    const { account, settings, userToken } = await sdkCaller(c);
    const inAppMessages = await messagesForUser(c.env, account, userToken);
    c.header("x-gist-queue-polling-interval", String(settings.polling_interval_s));
    // No server-sent events yet: the SDK keeps polling.
    c.header("x-cio-use-sse", "false");
    return c.json({ inAppMessages, inboxMessages: [] });
  })
  .post("/api/v1/logs/queue/:queueId", async (c) => {
    const queueId = pathParam(c, "queueId", QueueId);
    const { account, userToken } = await sdkCaller(c);
    await userShard(c.env, account, userToken).logQueueView(userToken, queueId);
    return c.json({});
  })
  .post("/api/v1/logs/message/:messageId", async (c) => {
    const messageId = pathParam(c, "messageId", MessageId);
    const { account, userToken } = await sdkCaller(c);
    await userShard(c.env, account, userToken).logMessageView(userToken, messageId);
    return c.json({});
  });

/** The account (by site id), checked against the page's origin, and the user. */
async function sdkCaller(c: Context<AppEnv>): Promise<{ account: AccountId; settings: GistQueueSettings; userToken: string }> {
  const header = c.req.header("x-cio-site-id");
  if (!header) throw new AppError("validation_failed", "X-CIO-Site-Id is required (the siteId given to Gist.setup)");
  const site = parseWith(SiteId, header, "X-CIO-Site-Id");
  const accountId = await accountForSite(c.env.CONFIG, site);
  const account = accountId ? await getAccount(c.env.CONFIG, accountId) : null;
  const settings = account?.gist_queue;
  if (!account || settings?.site_id !== site) throw new AppError("not_found", `No edgehook account serves Gist site ${site}`);
  const origin = c.req.header("origin");
  if (origin && settings.allowed_origins && !settings.allowed_origins.includes(origin)) {
    throw new AppError("forbidden", `Origin ${clip(origin, 200)} is not in this site's gist.allowed_origins`);
  }
  return { account: account.id, settings, userToken: userTokenFrom(c.req.header("x-gist-encoded-user-token")) };
}
