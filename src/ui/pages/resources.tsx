/** @jsxImportSource hono/jsx */
/**
 * List views of the account's other delivery sources: Data Pipelines
 * destinations, inbound webhook sources (with their received events) and the
 * Gist relay (its settings and the deliveries it made). Read through the API;
 * editing them stays with the API for now.
 */
import { Hono } from "hono";
import type { DeliveryView } from "../../delivery/model";
import { accountPath, apiOrThrow } from "../api";
import { DeliveryTable } from "../delivery-rows";
import type { UiEnv } from "../env";
import { requireAccountAccess } from "../guard";
import { chrome, Page, render, Time } from "../layout";

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
                <thead><tr><th scope="col">Event</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Received</th><th scope="col">Forward</th></tr></thead>
                <tbody>
                  {(events[i]?.events ?? []).length === 0 ? <tr><td colspan={5}>No events yet.</td></tr> : events[i]!.events.map((event) => (
                    <tr>
                      <td><code>{event.id}</code></td>
                      <td>{event.type ?? "—"}</td>
                      <td>{event.status}</td>
                      <td><Time at={event.received_at} /></td>
                      <td>{event.delivery_id ? <a href={`/ui/a/${encodeURIComponent(account)}/deliveries/${encodeURIComponent(event.delivery_id)}`}>{event.delivery_id}</a> : "—"}</td>
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
  .get("/a/:account/gist", async (c) => {
    const account = c.req.param("account");
    const principal = c.get("session").principal;
    const [info, recent] = await Promise.all([
      apiOrThrow<{ gist: { mode: string; base_url: string | null } | null }>(c.env, principal, "GET", accountPath(account)),
      apiOrThrow<{ deliveries: DeliveryView[] }>(c.env, principal, "GET", `${accountPath(account, "deliveries")}?limit=100`),
    ]);
    // The API filters by action or destination only, so the Gist relay's deliveries are picked from the latest 100.
    const gist = recent.deliveries.filter((d) => d.kind === "gist");
    return render(
      c,
      <Page title="Gist" {...chrome(c, account, "gist")}>
        {info.gist ? (
          <p>Gist {info.gist.mode} mode{info.gist.base_url ? <> to <code>{info.gist.base_url}</code></> : null}: messages posted to /api/v1/messages are relayed as deliveries.</p>
        ) : (
          <p>Gist is not configured for this account (PUT the account with a <code>gist</code> block).</p>
        )}
        <h2>Relayed message batches (latest)</h2>
        <DeliveryTable account={account} deliveries={gist} />
      </Page>,
    );
  });
