/** @jsxImportSource hono/jsx */
/**
 * The account overview (chart + latest deliveries), the delivery list with
 * filters and live updates, a delivery's detail page, and replay. Everything
 * is read through the API (GET …/deliveries, …/{id}) and replay is its POST.
 */
import { Hono } from "hono";
import type { DeliveryView } from "../../delivery/model";
import { accountPath, apiOrThrow } from "../api";
import { DeliveryChart, lastHour } from "../chart";
import { DeliveryTable, filterFrom, listUrl, liveUrl, loadDeliveries, STATUSES } from "../delivery-rows";
import type { UiEnv } from "../env";
import { requireAccountAccess } from "../guard";
import { chrome, Csrf, Notice, Page, render, Time } from "../layout";
import { liveDeliveries } from "../live";

function Headers({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p>No headers.</p>;
  return <pre>{entries.map(([name, value]) => `${name}: ${value}`).join("\n")}</pre>;
}

function Timeline({ delivery }: { delivery: DeliveryView }) {
  if (delivery.attempts.length === 0) return <p>No attempts yet.</p>;
  return (
    <ol class="timeline">
      {delivery.attempts.map((attempt, i) => {
        const ok = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
        return (
          <li class={ok ? "ok" : "bad"}>
            <strong>Attempt {i + 1}</strong> · <Time at={attempt.at} /> · {attempt.status !== undefined ? `HTTP ${attempt.status}` : "no response"} · {attempt.duration_ms} ms
            {attempt.error ? <div class="field-error">{attempt.error}</div> : null}
          </li>
        );
      })}
      {delivery.next_attempt_at ? (
        <li>
          Next attempt at <Time at={delivery.next_attempt_at} />
        </li>
      ) : null}
    </ol>
  );
}

export const deliveryPages = new Hono<UiEnv>()
  .use("/a/:account", requireAccountAccess)
  .use("/a/:account/deliveries", requireAccountAccess)
  .use("/a/:account/deliveries/*", requireAccountAccess)
  .get("/a/:account", async (c) => {
    const account = c.req.param("account");
    const principal = c.get("session").principal;
    const filter = { limit: 10 };
    const [counts, latest] = await Promise.all([lastHour(c.env, principal, account), loadDeliveries(c.env, principal, account, filter)]);
    return render(
      c,
      <Page title={`Account ${account}`} {...chrome(c, account, "overview")}>
        <h2>Deliveries per minute, last hour</h2>
        <DeliveryChart counts={counts} />
        <h2>Latest deliveries</h2>
        <DeliveryTable account={account} deliveries={latest} live={liveUrl(account, filter)} />
        <p><a href={`/ui/a/${encodeURIComponent(account)}/deliveries`}>All deliveries</a></p>
      </Page>,
    );
  })
  .get("/a/:account/deliveries", async (c) => {
    const account = c.req.param("account");
    const filter = filterFrom(c.req.query());
    const deliveries = await loadDeliveries(c.env, c.get("session").principal, account, filter);
    return render(
      c,
      <Page title="Deliveries" {...chrome(c, account, "deliveries")}>
        <form method="get" class="filters" role="search">
          <div>
            <label for="status">Status</label>
            <select id="status" name="status">
              <option value="">any</option>
              {STATUSES.map((status) => <option selected={filter.status === status}>{status}</option>)}
            </select>
          </div>
          <div>
            <label for="q">Delivery id, customer or action</label>
            <input id="q" name="q" type="search" value={filter.q ?? ""} />
          </div>
          <button type="submit">Filter</button>
        </form>
        {/* Only the newest page is live: an older page would have its rows pushed off by new ones. */}
        <DeliveryTable account={account} deliveries={deliveries} live={filter.before ? undefined : liveUrl(account, filter)} />
        <p class="actions-row">
          {filter.before ? <a href={listUrl(account, { ...filter, before: undefined })}>Newest</a> : null}
          {deliveries.length === (filter.limit ?? 50) ? <a href={listUrl(account, { ...filter, before: deliveries.at(-1)!.id })}>Older deliveries</a> : null}
        </p>
      </Page>,
    );
  })
  .get("/a/:account/deliveries/live", (c) => liveDeliveries(c, c.req.param("account")))
  .get("/a/:account/deliveries/:id", async (c) => {
    const account = c.req.param("account");
    const id = c.req.param("id");
    const delivery = await apiOrThrow<DeliveryView>(c.env, c.get("session").principal, "GET", accountPath(account, "deliveries", id));
    const base = `/ui/a/${encodeURIComponent(account)}/deliveries`;
    return render(
      c,
      <Page title={`Delivery ${delivery.id}`} {...chrome(c, account, "deliveries")}>
        {c.req.query("replayed") ? <Notice kind="ok">Replay queued as this new delivery.</Notice> : null}
        <DeliveryTable account={account} deliveries={[delivery]} live={liveUrl(account, { q: delivery.id })} />
        <p id="detail-stale" class="notice" role="status" hidden>
          This delivery has moved on since the page loaded. <a href={`${base}/${encodeURIComponent(delivery.id)}`}>Show its latest attempts</a>
        </p>
        <dl class="facts">
          <dt>From</dt><dd>{delivery.kind} <code>{delivery.source}</code></dd>
          <dt>Customer</dt><dd>{delivery.customer_id ?? "—"}</dd>
          <dt>Created</dt><dd><Time at={delivery.created_at} /></dd>
          {delivery.replay_of ? (<><dt>Replay of</dt><dd><a href={`${base}/${encodeURIComponent(delivery.replay_of)}`}>{delivery.replay_of}</a></dd></>) : null}
        </dl>
        <div class="actions-row">
          <form method="post" action={`${base}/${encodeURIComponent(delivery.id)}/replay`}>
            <Csrf token={c.get("csrf")} />
            <button type="submit">Replay</button>
          </form>
          <span class="hint">Sends the stored request again as a new delivery.</span>
        </div>
        <h2>Attempts</h2>
        <Timeline delivery={delivery} />
        {delivery.error ? (<><h2>Error</h2><Notice kind="error">{delivery.error}</Notice></>) : null}
        <h2>Request</h2>
        <p class="hint">Secrets in headers are redacted.</p>
        <pre>{`${delivery.request.method} ${delivery.request.url}`}</pre>
        <Headers headers={delivery.request.headers} />
        {delivery.request.body !== null ? <pre aria-label="Request body">{delivery.request.body}</pre> : null}
        <h2>Response</h2>
        {delivery.response ? (
          <>
            <p>HTTP <strong>{delivery.response.status}</strong></p>
            <Headers headers={delivery.response.headers} />
            <pre aria-label="Response body">{delivery.response.body || "(empty body)"}</pre>
          </>
        ) : <p>No response recorded.</p>}
      </Page>,
    );
  })
  .post("/a/:account/deliveries/:id/replay", async (c) => {
    const account = c.req.param("account");
    const answer = await apiOrThrow<{ delivery_id: string }>(c.env, c.get("session").principal, "POST", accountPath(account, "deliveries", c.req.param("id"), "replay"));
    return c.redirect(`/ui/a/${encodeURIComponent(account)}/deliveries/${encodeURIComponent(answer.delivery_id)}?replayed=1`, 303);
  });
