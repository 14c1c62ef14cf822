/**
 * Change notices for open dashboards, from the limiter that writes every
 * delivery's status. A dashboard's stream (src/ui/live.ts) opens a WebSocket
 * here tagged with its account; each accept, acquire, settle and failure
 * sends the word "changed" to the sockets of the accounts it touched, and the
 * stream then re-reads its rows. The sockets use the hibernation API, so a
 * limiter with open dashboards and nothing happening can be evicted and costs
 * nothing; with no dashboard open a notice is one empty lookup.
 */
export const LIVE_PATH = "/live";
export const CHANGED = "changed";

/** Answers a dashboard's upgrade request with a hibernatable socket for `account`. */
export function openLiveSocket(ctx: DurableObjectState, request: Request): Response {
  const account = new URL(request.url).searchParams.get("account");
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !account) {
    return new Response("expected a WebSocket upgrade with ?account=", { status: 400 });
  }
  const { 0: client, 1: server } = new WebSocketPair();
  ctx.acceptWebSocket(server, [account]);
  return new Response(null, { status: 101, webSocket: client });
}

/** Tells the dashboards of these accounts (of every account, without a list) that their deliveries changed. */
export function notifyLive(ctx: DurableObjectState, accounts?: Iterable<string>): void {
  const sockets = accounts === undefined ? ctx.getWebSockets() : [...new Set(accounts)].flatMap((account) => ctx.getWebSockets(account));
  for (const socket of sockets) {
    try {
      socket.send(CHANGED);
    } catch {
      // A socket closing right now: its stream reconnects.
    }
  }
}
