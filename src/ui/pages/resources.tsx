/** @jsxImportSource hono/jsx */
/**
 * List views of the account's other delivery sources: Data Pipelines
 * destinations, inbound webhook sources (with their received events) and Gist
 * (relay mode: the deliveries it made; serve mode: a user's pending messages
 * and views). Read through the API;
 * editing them stays with the API for now.
 */
import { Hono } from "hono";
import type { DeliveryView } from "../../delivery/model";
import { accountPath, apiOrThrow } from "../api";
import { DeliveryTable } from "../delivery-rows";
import type { UiEnv } from "../env";
import { requireAccountAccess } from "../guard";
import { chrome, Csrf, Page, render, Time } from "../layout";

interface DestinationView {
  id: string;
  url: string;
  method: string;
  enabled: boolean;
  trigger: { types?: string[]; events?: string[] };
  batch: { size: number; window_ms: number } | null;
  updated_at: string;
}

interface SourceView {
  id: string;
  provider: string;
  forward_url: string | null;
  events: string[] | null;
  updated_at: string;
}

interface InboundEvent {
  id: string;
  type?: string | null;
  status: string;
  received_at?: string;
  delivery_id?: string | null;
}

type GistView = { mode: "relay"; base_url: string | null } | { mode: "serve"; site_id: string; polling_interval_s: number };

interface PendingMessage {
  queueId: string;
  messageId: string;
  priority: number;
  scheduledFor?: string;
  expiry: string;
}

interface GistViewLog {
  queueId: string | null;
  messageId: string;
  viewedAt: string;
}

const list = (values: string[] | undefined | null) => (values && values.length ? values.join(", ") : "all");

export const resourcePages = new Hono<UiEnv>()
  .use("/a/:account/*", requireAccountAccess)
  .get("/a/:account/destinations", async (c) => {
    const account = c.req.param("account");
    const { destinations } = await apiOrThrow<{ destinations: DestinationView[] }>(c.env, c.get("session").principal, "GET", accountPath(account, "destinations"));
    return render(
      c,
      <Page title="Destinations" {...chrome(c, account, "destinations")}>
        <p class="hint">Data Pipelines webhook destinations: tracking events that match are sent here.</p>
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Destination</th><th scope="col">Method</th><th scope="col">URL</th><th scope="col">Types</th><th scope="col">Events</th><th scope="col">Batch</th><th scope="col">Enabled</th><th scope="col">Updated</th></tr></thead>
            <tbody>
              {destinations.length === 0 ? <tr><td colspan={8}>No destinations yet.</td></tr> : destinations.map((d) => (
                <tr>
                  <td><a href={`/ui/a/${encodeURIComponent(account)}/deliveries?q=${encodeURIComponent(d.id)}`}>{d.id}</a></td>
                  <td>{d.method}</td>
                  <td class="wrap"><code>{d.url}</code></td>
                  <td>{list(d.trigger.types)}</td>
                  <td class="wrap">{list(d.trigger.events)}</td>
                  <td>{d.batch ? `${d.batch.size} / ${d.batch.window_ms} ms` : "no"}</td>
                  <td>{d.enabled ? "yes" : "no"}</td>
                  <td><Time at={d.updated_at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Page>,
    );
  })
  .get("/a/:account/sources", async (c) => {
    const account = c.req.param("account");
    const principal = c.get("session").principal;
    const { sources } = await apiOrThrow<{ sources: SourceView[] }>(c.env, principal, "GET", accountPath(account, "sources"));
    const events = await Promise.all(
      sources.map((s) => apiOrThrow<{ events: InboundEvent[] }>(c.env, principal, "GET", `${accountPath(account, "sources", s.id, "events")}?limit=10`)),
    );
    return render(
      c,
      <Page title="Sources" {...chrome(c, account, "sources")}>
        <p class="hint">Inbound webhook sources: verified, recorded and forwarded. Each shows its latest events.</p>
        {sources.length === 0 ? <p>No sources yet.</p> : sources.map((source, i) => (
          <section aria-labelledby={`src-${source.id}`}>
            <h2 id={`src-${source.id}`}>{source.id}</h2>
            <p>
              Provider {source.provider} · forwards to {source.forward_url ? <code>{source.forward_url}</code> : "nowhere (recorded only)"} · events {list(source.events)} · updated <Time at={source.updated_at} />
            </p>
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">Event</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Received</th><th scope="col">Forward</th><th scope="col">Replay</th></tr></thead>
                <tbody>
                  {(events[i]?.events ?? []).length === 0 ? <tr><td colspan={6}>No events yet.</td></tr> : events[i]!.events.map((event) => (
                    <tr>
                      <td><code>{event.id}</code></td>
                      <td>{event.type ?? "—"}</td>
                      <td>{event.status}</td>
                      <td><Time at={event.received_at} /></td>
                      <td>{event.delivery_id ? <a href={`/ui/a/${encodeURIComponent(account)}/deliveries/${encodeURIComponent(event.delivery_id)}`}>{event.delivery_id}</a> : "—"}</td>
                      <td>
                        {event.delivery_id ? (
                          <form method="post" action={`/ui/a/${encodeURIComponent(account)}/sources/${encodeURIComponent(source.id)}/events/${encodeURIComponent(event.id)}/replay`} class="inline">
                            <Csrf token={c.get("csrf")} />
                            <button type="submit" class="secondary" aria-label={`Replay the forward of ${event.id}`}>Replay</button>
                          </form>
                        ) : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))}
      </Page>,
    );
  })
  // Sends an event's forward again (the API's replay): a new delivery, shown on its own page.
  .post("/a/:account/sources/:src/events/:event/replay", async (c) => {
    const account = c.req.param("account");
    const path = accountPath(account, "sources", c.req.param("src"), "events", c.req.param("event"), "replay");
    const answer = await apiOrThrow<{ delivery_id: string }>(c.env, c.get("session").principal, "POST", path);
    return c.redirect(`/ui/a/${encodeURIComponent(account)}/deliveries/${encodeURIComponent(answer.delivery_id)}?replayed=1`, 303);
  })
  .get("/a/:account/gist", async (c) => {
    const account = c.req.param("account");
    const principal = c.get("session").principal;
    const user = c.req.query("user")?.trim() || undefined;
    const [info, recent] = await Promise.all([
      apiOrThrow<{ gist: GistView | null }>(c.env, principal, "GET", accountPath(account)),
      apiOrThrow<{ deliveries: DeliveryView[] }>(c.env, principal, "GET", `${accountPath(account, "deliveries")}?limit=100`),
    ]);
    const serve = info.gist?.mode === "serve" ? info.gist : null;
    const serving = serve !== null;
    const queue = serving && user
      ? await Promise.all([
          apiOrThrow<{ messages: PendingMessage[] }>(c.env, principal, "GET", accountPath(account, "gist", "users", user, "messages")),
          apiOrThrow<{ views: GistViewLog[] }>(c.env, principal, "GET", accountPath(account, "gist", "users", user, "views")),
        ])
      : null;
    // The API filters deliveries by action or destination only, so the relay's are picked from the latest 100.
    const relayed = recent.deliveries.filter((d) => d.kind === "gist");
    return render(
      c,
      <Page title="Gist" {...chrome(c, account, "gist")}>
        {!info.gist ? <p>Gist is not configured for this account (PUT the account with a <code>gist</code> block).</p> : null}
        {info.gist?.mode === "relay" ? (
          <p>Relay mode{info.gist.base_url ? <> to <code>{info.gist.base_url}</code></> : null}: messages posted to /api/v1/messages are relayed to Gist as deliveries.</p>
        ) : null}
        {serve ? (
          <>
            <p>Serve mode: edgehook is the queue the Gist web SDK polls (site <code>{serve.site_id}</code>, every {serve.polling_interval_s} s).</p>
            <h2>A user's queue</h2>
            <form method="get" class="filters">
              <div>
                <label for="user">User token</label>
                <input id="user" name="user" type="text" value={user ?? ""} required />
              </div>
              <button type="submit">Show</button>
            </form>
            {queue ? (
              <>
                <h2>Pending for {user}</h2>
                <div class="table-wrap">
                  <table>
                    <thead><tr><th scope="col">Queue id</th><th scope="col">Message</th><th scope="col">Priority</th><th scope="col">Scheduled</th><th scope="col">Expires</th></tr></thead>
                    <tbody>
                      {queue[0].messages.length === 0 ? <tr><td colspan={5}>Nothing pending.</td></tr> : queue[0].messages.map((m) => (
                        <tr><td><code>{m.queueId}</code></td><td>{m.messageId}</td><td>{m.priority}</td><td><Time at={m.scheduledFor} /></td><td><Time at={m.expiry} /></td></tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <h2>Views by {user}</h2>
                <div class="table-wrap">
                  <table>
                    <thead><tr><th scope="col">Message</th><th scope="col">Queue id</th><th scope="col">Viewed</th></tr></thead>
                    <tbody>
                      {queue[1].views.length === 0 ? <tr><td colspan={3}>No views yet.</td></tr> : queue[1].views.map((v) => (
                        <tr><td>{v.messageId}</td><td><code>{v.queueId ?? "—"}</code></td><td><Time at={v.viewedAt} /></td></tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            ) : null}
          </>
        ) : null}
        {info.gist?.mode !== "serve" ? (
          <>
            <h2>Relayed message batches (latest)</h2>
            <DeliveryTable account={account} deliveries={relayed} />
          </>
        ) : null}
      </Page>,
    );
  });
