import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { parseWith, readJsonBody } from "../http/json-body";
import { GistBulk, GistMessage, GistMessages, withDefaults } from "../gist/messages";
import { enqueueMessages } from "../gist/queue-client";
import { toQueued } from "../gist/queue-model";
import { relayRequests } from "../gist/relay";
import { limiterFor } from "../limiter/client";
import { prepareAccept } from "../limiter/protocol";
import { getAccount, type Account } from "../store/accounts";
import { AccountId } from "../store/ids";
import { findServiceKey } from "../store/service-keys";

/**
 * Gist's queue API (`POST /api/v1/messages` and `/bulk`), so a Customer.io
 * webhook written for Gist works with only the host changed:
 * `X-Bourbon-Organization-Id` names the edgehook account and
 * `X-Gist-Service-Key` is a service key of it. In relay mode accepted
 * messages go upstream through the delivery pipeline; in serve mode they are
 * stored in the account's queue, which the Gist web SDK polls (gist-sdk.ts).
 */
export const gistRoutes = new Hono<AppEnv>()
  .post("/api/v1/messages", async (c) => {
    const account = await gistAccount(c);
    const message = await readJsonBody(c, GistMessage);
    return queue(c, account, [message], false);
  })
  .post("/api/v1/messages/bulk", async (c) => {
    const account = await gistAccount(c);
    // The count is checked first; then every message, before any is kept (an error names its index).
    const { messages } = await readJsonBody(c, GistBulk);
    return queue(c, account, parseWith(GistMessages, { messages }, "body").messages, true);
  });

async function queue(c: Context<AppEnv>, account: Account, messages: GistMessage[], bulk: boolean) {
  const now = new Date();
  if (account.gist_queue) {
    // Serve mode: stored for the SDK's polls; durable in the queue's Durable Objects before the 202.
    const queued = messages.map((message) => toQueued(withDefaults(message, now), now.getTime()));
    return c.json({ queued: messages.length, queue_ids: await enqueueMessages(c.env, account.id, queued) }, 202);
  }
  const requests = relayRequests(account.id, messages.map((message) => withDefaults(message, now)), account.gist!.base_url, bulk);
  const { name, stub } = limiterFor(c.env, account);
  const outcomes = await stub.acceptPrepared(name, requests.map(prepareAccept));
  const refused = outcomes.find((outcome) => !outcome.ok);
  if (refused && !refused.ok) throw new AppError(refused.reason === "too_large" ? "payload_too_large" : "unavailable", refused.message);
  return c.json({ queued: messages.length, delivery_ids: outcomes.map((outcome) => (outcome.ok ? outcome.deliveryId : null)) }, 202);
}

/** The account the Gist headers name, once its service key is checked; it must relay to Gist. */
async function gistAccount(c: Context<AppEnv>): Promise<Account> {
  const organization = c.req.header("x-bourbon-organization-id");
  const presented = c.req.header("x-gist-service-key");
  if (!organization || !presented) throw new AppError("unauthorized", "Send X-Bourbon-Organization-Id (the edgehook account) and X-Gist-Service-Key (a service key of it)");
  const id = parseWith(AccountId, organization, "X-Bourbon-Organization-Id");
  const key = await findServiceKey(c.env.CONFIG, presented);
  if (!key || key.account !== id) throw new AppError("unauthorized", "X-Gist-Service-Key is not a service key of this account");
  const account = await getAccount(c.env.CONFIG, id);
  if (!account) throw new AppError("not_found", `Account ${id} does not exist`);
  if (!account.gist && !account.gist_queue) {
    throw new AppError("conflict", `Account ${id} has no Gist set up: PUT /v1/accounts/${id} with gist: {mode: "relay", organization_id, service_key} or {mode: "serve", site_id}`);
  }
  return account;
}
