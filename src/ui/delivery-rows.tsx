/** @jsxImportSource hono/jsx */
/**
 * The delivery table: what the list page renders first and what the live
 * stream (live.ts) re-renders, so a row looks the same either way. The search
 * box takes a delivery id, a customer id or an action id; each maps onto the
 * API's own filters (GET …/deliveries/{id}, ?customer=, ?action=).
 */
import type { DeliveryStatus, DeliveryView } from "../delivery/model";
import type { Principal, Bindings } from "../env";
import { ActionId, DeliveryId } from "../store/ids";
import { accountPath, api, apiOrThrow, errorOf } from "./api";
import { StatusBadge, Time } from "./layout";

export const STATUSES: DeliveryStatus[] = ["queued", "sending", "retrying", "sent", "failed"];

export interface DeliveryFilter {
  status?: DeliveryStatus;
  q?: string;
  limit?: number;
  /** Older than this delivery id (the "Older" link); such a page is not live. */
  before?: string;
}

export function filterFrom(query: Record<string, string | undefined>): DeliveryFilter {
  const status = STATUSES.find((s) => s === query.status);
  const q = query.q?.trim().slice(0, 256) || undefined;
  const limit = Number(query.limit);
  const before = query.before && DeliveryId.safeParse(query.before).success ? query.before : undefined;
  return { status, q, limit: Number.isInteger(limit) && limit >= 1 && limit <= 100 ? limit : undefined, before };
}

function listPath(account: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${accountPath(account, "deliveries")}?${search}`;
}

/** Newest first, as the API lists them. */
function newestFirst(a: DeliveryView, b: DeliveryView): number {
  return b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);
}

/** The deliveries the filter selects, through the API (a key of another account gets the API's 403). */
export async function loadDeliveries(env: Bindings, principal: Principal, account: string, filter: DeliveryFilter): Promise<DeliveryView[]> {
  const limit = String(filter.limit ?? 50);
  const { status, q, before } = filter;
  if (q && DeliveryId.safeParse(q).success) {
    const answer = await api<DeliveryView>(env, principal, "GET", accountPath(account, "deliveries", q));
    if (answer.status === 404) return [];
    if (!answer.ok) throw errorOf(answer);
    return !status || answer.body.status === status ? [answer.body] : [];
  }
  if (q) {
    const byAction = ActionId.safeParse(q).success
      ? apiOrThrow<{ deliveries: DeliveryView[] }>(env, principal, "GET", listPath(account, { status, action: q, cursor: before, limit }))
      : Promise.resolve({ deliveries: [] });
    const byCustomer = apiOrThrow<{ deliveries: DeliveryView[] }>(env, principal, "GET", listPath(account, { status, customer: q, cursor: before, limit }));
    const seen = new Map<string, DeliveryView>();
    for (const { deliveries } of await Promise.all([byAction, byCustomer])) for (const d of deliveries) seen.set(d.id, d);
    return [...seen.values()].sort(newestFirst).slice(0, Number(limit));
  }
  return (await apiOrThrow<{ deliveries: DeliveryView[] }>(env, principal, "GET", listPath(account, { status, cursor: before, limit }))).deliveries;
}

export function DeliveryRow({ account, delivery }: { account: string; delivery: DeliveryView }) {
  const href = `/ui/a/${encodeURIComponent(account)}/deliveries/${encodeURIComponent(delivery.id)}`;
  return (
    <tr id={`row-${delivery.id}`} data-status={delivery.status}>
      <td><a href={href}><code>{delivery.id}</code></a></td>
      <td><StatusBadge status={delivery.status} /></td>
      <td>{delivery.kind} <code>{delivery.source}</code></td>
      <td class="wrap">{delivery.customer_id ?? "—"}</td>
      <td>{delivery.attempts.length}</td>
      <td>{delivery.response ? delivery.response.status : "—"}</td>
      <td><Time at={delivery.updated_at} /></td>
    </tr>
  );
}

export function DeliveryRows({ account, deliveries }: { account: string; deliveries: DeliveryView[] }) {
  if (deliveries.length === 0) return <tr id="row-none"><td colspan={7}>No deliveries match.</td></tr>;
  return <>{deliveries.map((delivery) => <DeliveryRow account={account} delivery={delivery} />)}</>;
}

/**
 * The table, with the address of its live stream: the page script opens it
 * and swaps in rows that changed, without a reload.
 */
export function DeliveryTable({ account, deliveries, live }: { account: string; deliveries: DeliveryView[]; live?: string }) {
  return (
    <>
      {live ? <p class="live" id="live-state" data-state="off" aria-live="polite">Live updates connecting…</p> : null}
      <div class="table-wrap">
        <table>
          <caption class="skip">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Delivery</th><th scope="col">Status</th><th scope="col">From</th><th scope="col">Customer</th>
              <th scope="col">Attempts</th><th scope="col">Response</th><th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody id="delivery-rows" data-live-src={live}>
            <DeliveryRows account={account} deliveries={deliveries} />
          </tbody>
        </table>
      </div>
    </>
  );
}

/** A filter as a query string, for the page's links and its live stream. */
function filterQuery(filter: DeliveryFilter): string {
  const search = new URLSearchParams();
  if (filter.status) search.set("status", filter.status);
  if (filter.q) search.set("q", filter.q);
  if (filter.limit) search.set("limit", String(filter.limit));
  if (filter.before) search.set("before", filter.before);
  return search.toString();
}

/** The list page for a filter. */
export function listUrl(account: string, filter: DeliveryFilter): string {
  return `/ui/a/${encodeURIComponent(account)}/deliveries?${filterQuery(filter)}`;
}

/** The live stream's address for a filter. */
export function liveUrl(account: string, filter: DeliveryFilter): string {
  return `/ui/a/${encodeURIComponent(account)}/deliveries/live?${filterQuery(filter)}`;
}
