/**
 * Live delivery updates for the dashboard: one Server-Sent Events stream per
 * open table. The browser side (app.js) only knows "a `rows` event carries
 * the table's rows as HTML".
 *
 * The rows are re-read when the account's limiter Durable Object says they
 * changed: the stream holds a hibernatable WebSocket to it
 * (limiter/live-feed.ts), and every accept, permit, attempt and failure there
 * sends a notice. Notices that arrive together are read once. Without a
 * socket (the account is gone, or the limiter cannot be reached) the stream
 * falls back to re-reading once a second.
 */
import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { Bindings, Principal } from "../env";
import { limiterFor } from "../limiter/client";
import { LIVE_PATH } from "../limiter/live-feed";
import { getAccount } from "../store/accounts";
import { AccountId } from "../store/ids";
import type { UiEnv } from "./env";
import { DeliveryRows, filterFrom, loadDeliveries, type DeliveryFilter } from "./delivery-rows";
import { currentSession } from "./guard";
import { htmlOf } from "./layout";

/** The fallback's re-read interval, and how long notices are gathered before one re-read. */
const POLL_MS = 1_000;
const GATHER_MS = 150;
/** Without any notice, rows are re-read this often anyway (a lease expiring changes nothing in the log). */
const QUIET_MS = 15_000;
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
  const notices = await changeNotices(c.env, account);
  stream.onAbort(() => notices?.close());
  try {
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
      if (notices) await notices.next(Math.min(QUIET_MS, RECHECK_MS));
      else await stream.sleep(POLL_MS);
    }
  } finally {
    notices?.close();
  }
}

interface Notices {
  /** Resolves at the next notice (plus GATHER_MS for the ones right behind it), or after `timeoutMs`. */
  next(timeoutMs: number): Promise<void>;
  close(): void;
}

/** A socket to the account's limiter that resolves `next()` on each change notice; null when it cannot be opened. */
async function changeNotices(env: Bindings, accountId: string): Promise<Notices | null> {
  const id = AccountId.safeParse(accountId);
  const account = id.success ? await getAccount(env.CONFIG, id.data) : null;
  if (!account) return null;
  const { name, stub } = limiterFor(env, account);
  let socket: WebSocket | null;
  try {
    const url = `https://limiter${LIVE_PATH}?account=${encodeURIComponent(account.id)}&limiter=${encodeURIComponent(name)}`;
    socket = (await stub.fetch(url, { headers: { upgrade: "websocket" } })).webSocket;
  } catch (err) {
    console.error("live deliveries: no socket to the limiter", err);
    return null;
  }
  if (!socket) return null;
  socket.accept();
  let pending = false;
  let wake: (() => void) | null = null;
  socket.addEventListener("message", () => {
    pending = true;
    wake?.();
  });
  socket.addEventListener("close", () => wake?.());
  return {
    async next(timeoutMs) {
      if (!pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      if (pending) await scheduler.wait(GATHER_MS);
      pending = false;
    },
    close() {
      try {
        socket.close(1000, "stream ended");
      } catch {
        // Already closed.
      }
    },
  };
}
