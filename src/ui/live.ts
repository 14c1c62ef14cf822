/**
 * Live delivery updates for the dashboard: one Server-Sent Events stream per
 * open table. The browser side (app.js) only knows "an `rows` event carries
 * the table's rows as HTML"; where the changes come from is this module's
 * business alone.
 *
 * For now the Worker polls the account's delivery list through the API's own
 * route (loadDeliveries → GET …/deliveries) about once a second and sends the
 * rows when they changed. The limiter Durable Object, which writes every
 * status change, is the right source: the plan is to move the events into it
 * (a hibernatable WebSocket the DO pushes to on each change, so an idle
 * dashboard costs nothing) behind this same client-facing stream, with no
 * change to the page or its script.
 */
import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { Principal } from "../env";
import type { UiEnv } from "./env";
import { DeliveryRows, filterFrom, loadDeliveries, type DeliveryFilter } from "./delivery-rows";
import { currentSession } from "./guard";
import { htmlOf } from "./layout";

const POLL_MS = 1_000;
/** A stream ends after this; EventSource reconnects by itself, re-checking the session. */
const STREAM_MS = 5 * 60_000;
/** How often a key's session is re-checked while streaming (a revoked key stops its stream). */
const RECHECK_MS = 10_000;

export function liveDeliveries(c: Context<UiEnv>, account: string) {
  const filter = filterFrom(c.req.query());
  const principal = c.get("session").principal;
  c.header("cache-control", "no-store");
  return streamSSE(c, async (stream) => {
    try {
      await pump(c, stream, account, filter, principal);
    } catch (err) {
      // The browser reconnects; what failed stays in the log, not in the page.
      console.error("live deliveries stream failed", err);
      await stream.writeSSE({ event: "failed", data: "" }).catch(() => {});
    }
  });
}

/** Sends the table's rows now and whenever they change, until the client leaves, the stream's time is up or the session ends. */
async function pump(c: Context<UiEnv>, stream: SSEStreamingApi, account: string, filter: DeliveryFilter, principal: Principal) {
  const started = Date.now();
  let lastCheck = started;
  let last = "";
  await stream.writeSSE({ event: "ready", data: "", retry: 2_000 });
  while (!stream.aborted && Date.now() - started < STREAM_MS) {
    if (Date.now() - lastCheck > RECHECK_MS) {
      if (!(await currentSession(c))) {
        await stream.writeSSE({ event: "signed-out", data: "" });
        return;
      }
      lastCheck = Date.now();
    }
    const deliveries = await loadDeliveries(c.env, principal, account, filter);
    const html = await htmlOf(DeliveryRows({ account, deliveries }));
    if (html !== last) {
      last = html;
      await stream.writeSSE({ event: "rows", data: JSON.stringify({ html }) });
    }
    await stream.sleep(POLL_MS);
  }
}
