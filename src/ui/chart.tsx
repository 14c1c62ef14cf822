/** @jsxImportSource hono/jsx */
/**
 * Deliveries per minute by status over the last hour, as a small inline SVG
 * (stacked bars, no chart library). Each delivery counts in the minute it was
 * created, under its current status.
 */
import type { DeliveryStatus, DeliveryView } from "../delivery/model";
import type { Bindings, Principal } from "../env";
import { accountPath, apiOrThrow } from "./api";
import { STATUSES } from "./delivery-rows";
import { STATUS_COLOURS } from "./styles";

const MINUTES = 60;
/** Pages of 100 read at most for the chart: beyond 2,000 deliveries an hour the chart says it is partial. */
const MAX_PAGES = 20;

export interface MinuteCounts {
  /** Index 0 is 59 minutes ago, 59 the current minute. */
  buckets: Array<Record<DeliveryStatus, number>>;
  totals: Record<DeliveryStatus, number>;
  partial: boolean;
}

function zero(): Record<DeliveryStatus, number> {
  return { queued: 0, sending: 0, retrying: 0, sent: 0, failed: 0 };
}

/** Counts the last hour's deliveries per minute, reading the log newest first until an hour back. */
export async function lastHour(env: Bindings, principal: Principal, account: string, now = Date.now()): Promise<MinuteCounts> {
  const thisMinute = Math.floor(now / 60_000);
  const buckets = Array.from({ length: MINUTES }, zero);
  const totals = zero();
  let cursor: string | null = null;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const query: URLSearchParams = new URLSearchParams({ limit: "100", ...(cursor ? { cursor } : {}) });
    const answer: { deliveries: DeliveryView[]; next_cursor: string | null } = await apiOrThrow(env, principal, "GET", `${accountPath(account, "deliveries")}?${query}`);
    const { deliveries, next_cursor } = answer;
    for (const delivery of deliveries) {
      const index = MINUTES - 1 - (thisMinute - Math.floor(Date.parse(delivery.created_at) / 60_000));
      if (index < 0) return { buckets, totals, partial: false };
      const bucket = buckets[Math.min(index, MINUTES - 1)]!;
      bucket[delivery.status]++;
      totals[delivery.status]++;
    }
    if (!next_cursor) return { buckets, totals, partial: false };
    cursor = next_cursor;
  }
  return { buckets, totals, partial: true };
}

/** Plot units: one minute is 10 wide; the SVG stretches to the box (bars only, so nothing distorts that matters). */
const WIDTH = MINUTES * 10;
const HEIGHT = 100;

export function DeliveryChart({ counts }: { counts: MinuteCounts }) {
  const busiest = Math.max(0, ...counts.buckets.map((b) => STATUSES.reduce((sum, s) => sum + b[s], 0)));
  const peak = Math.max(1, busiest);
  const barWidth = WIDTH / MINUTES;
  const summary = STATUSES.map((s) => `${counts.totals[s]} ${s}`).join(", ");
  return (
    <figure class="chart">
      {/* Labels are HTML below the plot, so they stay readable when the plot is squeezed to a phone's width. */}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">
        <title id="chart-title">Deliveries per minute by status, last hour</title>
        <desc id="chart-desc">{`In the last hour: ${summary}. Busiest minute: ${busiest}.`}</desc>
        {counts.buckets.map((bucket, i) => {
          let y = HEIGHT;
          const total = STATUSES.reduce((sum, s) => sum + bucket[s], 0);
          return (
            <g>
              <title>{`${MINUTES - 1 - i} min ago: ${total} (${STATUSES.filter((s) => bucket[s]).map((s) => `${bucket[s]} ${s}`).join(", ") || "none"})`}</title>
              {STATUSES.map((status) => {
                if (!bucket[status]) return null;
                const h = (bucket[status] / peak) * (HEIGHT - 2);
                y -= h;
                return <rect x={i * barWidth + 1} y={y} width={barWidth - 2} height={h} fill={STATUS_COLOURS[status]} />;
              })}
            </g>
          );
        })}
      </svg>
      <div class="axis" aria-hidden="true">
        <span>60 min ago</span>
        <span>busiest minute: {busiest}</span>
        <span>now</span>
      </div>
      <figcaption>
        <ul class="legend">
          {STATUSES.map((status) => (
            <li><span class={`swatch ${status}`}></span>{status}: {counts.totals[status]}</li>
          ))}
        </ul>
        {counts.partial ? <p class="hint">Only the newest {MAX_PAGES * 100} deliveries of the hour are counted.</p> : null}
      </figcaption>
    </figure>
  );
}
