import { Hono } from "hono";
import type { DeliveryJob } from "../delivery/model";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { pathParam } from "../http/path-param";
import { verifyInbound } from "../inbound/verify-inbound";
import { inboundEventType } from "../inbound/event-type";
import { limiterFor } from "../limiter/client";
import { getAccount } from "../store/accounts";
import { AccountId, SourceId } from "../store/ids";
import { secretBox } from "../store/secret-box";
import { getSource, openSourceSecrets } from "../store/sources";
import { truncateForLog } from "../delivery/send";

/** Inbound bodies above this are refused before they are verified. */
const MAX_INBOUND_BYTES = 1_000_000;
/** A scheme without a timestamp (X-Signature) cannot bound a replay in time: its signatures are remembered this long. */
const UNTIMED_DEDUPE_MS = 24 * 60 * 60 * 1000;

/**
 * `POST /v1/inbound/{account}/{source}`: a public URL, authenticated by the
 * sender's signature alone. Verified requests are recorded and, with a
 * `forward_url`, forwarded through the delivery pipeline with Standard
 * Webhooks headers, so the application verifies one scheme whatever sent it.
 */
export const inboundRoutes = new Hono<AppEnv>().post("/:account/:source", async (c) => {
  const accountId = pathParam(c, "account", AccountId);
  const sourceId = pathParam(c, "source", SourceId);
  const [account, source] = await Promise.all([getAccount(c.env.CONFIG, accountId), getSource(c.env.CONFIG, accountId, sourceId)]);
  if (!account || !source) throw new AppError("not_found", `No inbound source ${sourceId} for account ${accountId}`);

  const declared = Number(c.req.header("content-length") ?? 0);
  const raw = declared > MAX_INBOUND_BYTES ? null : new Uint8Array(await c.req.arrayBuffer());
  if (!raw || raw.byteLength > MAX_INBOUND_BYTES) {
    throw new AppError("payload_too_large", `The body is ${raw?.byteLength ?? declared} bytes; the limit is ${MAX_INBOUND_BYTES}`);
  }
  const { name, stub } = limiterFor(c.env, account);
  const secrets = await openSourceSecrets(source, secretBox(c.env.ENCRYPTION_KEY));
  const verified = await verifyInbound(source.provider, secrets, raw, c.req.raw.headers, source.tolerance_s, new Date());
  if (!verified.ok) {
    await stub.refuseInbound(accountId, sourceId, verified.reason);
    throw new AppError("unauthorized", `Signature not verified: ${verified.reason}`);
  }

  const body = new TextDecoder().decode(raw);
  const type = inboundEventType(source.provider, body);
  const filtered = source.events !== undefined && (type === null || !source.events.includes(type));
  const forward = source.forward_url && !filtered ? forwardRequest(accountId, sourceId, source.forward_url, body, c.req.header("content-type"), verified.dedupeKey) : null;
  const outcome = await stub.receiveInbound(
    name,
    {
      account: accountId,
      source: sourceId,
      type,
      sentAt: verified.sentAt,
      dedupeKey: verified.dedupeKey,
      dedupeWindowMs: verified.sentAt === null ? UNTIMED_DEDUPE_MS : source.tolerance_s * 1000 * 2,
      body: truncateForLog(body),
      filtered,
    },
    forward,
  );
  if (!outcome.ok) throw new AppError(outcome.reason === "too_large" ? "payload_too_large" : "unavailable", outcome.message);
  return c.json({ received: true, event_id: outcome.eventId, duplicate: outcome.duplicate, forwarded: outcome.deliveryId !== null, type });
});

/** The forward: the body exactly as received, to the application, as a delivery of its own. */
function forwardRequest(account: AccountId, source: SourceId, url: string, body: string, contentType: string | undefined, dedupeKey: string) {
  const job: DeliveryJob = {
    v: 2,
    account,
    source: { kind: "forward", id: source },
    customerId: null,
    request: { method: "POST", url, headers: { "Content-Type": contentType ?? "application/json", "X-Edgehook-Source": source }, body },
    onSuccess: null,
  };
  return { job, idempotencyKey: `inbound:${source}:${dedupeKey}` };
}
