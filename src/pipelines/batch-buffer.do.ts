import { DurableObject } from "cloudflare:workers";
import type { DeliveryJob } from "../delivery/model";
import { allowPrivateTargets, type Bindings } from "../env";
import { byteLength } from "../lib/encoding";
import { limiterByName } from "../limiter/client";
import { openSharedSecret, type Destination } from "../store/destinations";
import type { AccountId } from "../store/ids";
import { secretBox } from "../store/secret-box";
import { destinationRequest } from "./destination-request";
import { batchBody } from "./mapping";

/** A batch body stays well under what a stored delivery may hold (1.8 MB), whatever `size` says. */
const MAX_BATCH_BODY_BYTES = 1_000_000;
/** A messageId seen by this destination within this long is not buffered again. */
const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** After a flush that could not be handed to the limiter, try again this much later. */
const RETRY_FLUSH_MS = 5_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    mapped TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    added_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS seen (message_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS target (id INTEGER PRIMARY KEY CHECK (id = 1), limiter TEXT NOT NULL, account TEXT NOT NULL, destination TEXT NOT NULL);
`;

/** What the events consumer hands a destination's buffer: mapped events, and where and how a batch goes. */
export interface BufferedEvents {
  limiter: string;
  account: AccountId;
  /** The destination as saved (its shared secret sealed); the newest one given is used at flush. */
  destination: Destination;
  entries: Array<{ messageId: string; mapped: string }>;
}

interface PendingRow extends Record<string, SqlStorageValue> {
  seq: number;
  mapped: string;
  bytes: number;
}

interface Target {
  limiter: string;
  account: AccountId;
  destination: Destination;
}

/**
 * One per batching destination: holds mapped events until `batch.size` are
 * waiting or `batch.window_ms` has passed since the oldest, then hands the
 * batch to the account's limiter as ONE delivery, whose body (the JSON array)
 * is stored there, so every retry sends the same bytes. A messageId is
 * buffered once per 24 h, so a redelivered queue message adds nothing.
 */
export class BatchBuffer extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** Buffers new events, flushes every full batch, and arms the window alarm for the rest. */
  async add(events: BufferedEvents): Promise<{ buffered: number }> {
    const now = Date.now();
    this.sql.exec(
      `INSERT INTO target (id, limiter, account, destination) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET limiter = excluded.limiter, account = excluded.account, destination = excluded.destination`,
      events.limiter, events.account, JSON.stringify(events.destination),
    );
    let buffered = 0;
    for (const { messageId, mapped } of events.entries) {
      const fresh = this.sql.exec("INSERT INTO seen (message_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING", messageId, now).rowsWritten > 0;
      if (!fresh) continue;
      this.sql.exec("INSERT INTO pending (message_id, mapped, bytes, added_at) VALUES (?, ?, ?, ?)", messageId, mapped, byteLength(mapped), now);
      buffered++;
    }
    await this.flush({ fullOnly: true });
    return { buffered };
  }

  /** The window has passed (or a flush failed): send whatever is waiting, and forget old messageIds. */
  override async alarm(): Promise<void> {
    this.sql.exec("DELETE FROM seen WHERE at < ?", Date.now() - DEDUPE_WINDOW_MS);
    await this.flush({ fullOnly: false });
  }

  /**
   * Hands batches to the limiter, oldest events first. With `fullOnly`, only
   * batches that reached `size` (or the byte bound) go; the alarm sends the
   * rest. Rows leave the buffer only once the limiter has queued their batch.
   */
  private async flush({ fullOnly }: { fullOnly: boolean }): Promise<void> {
    const target = this.target();
    if (!target) return;
    const size = target.destination.batch?.size ?? 1;
    for (;;) {
      const { rows, full } = this.nextBatch(size);
      if (rows.length === 0 || (fullOnly && !full)) break;
      if (!(await this.send(target, rows))) {
        await this.ctx.storage.setAlarm(Date.now() + RETRY_FLUSH_MS);
        return;
      }
      this.sql.exec("DELETE FROM pending WHERE seq <= ?", rows.at(-1)!.seq);
    }
    await this.armWindow(target);
  }

  /**
   * The oldest pending events, up to `size` and the byte bound (always at
   * least one); `full` when either bound was reached, so the batch goes now.
   */
  private nextBatch(size: number): { rows: PendingRow[]; full: boolean } {
    const candidates = this.sql.exec<PendingRow>("SELECT seq, mapped, bytes FROM pending ORDER BY seq LIMIT ?", size).toArray();
    const rows: PendingRow[] = [];
    let bytes = 2; // the brackets
    for (const row of candidates) {
      if (rows.length > 0 && bytes + row.bytes + 1 > MAX_BATCH_BODY_BYTES) return { rows, full: true };
      rows.push(row);
      bytes += row.bytes + 1;
    }
    return { rows, full: rows.length >= size };
  }

  /**
   * One batch → one delivery. Its idempotency key names the buffered rows, so
   * a flush repeated after a crash (before the rows were deleted) yields the
   * same delivery, not a second one. A batch that can never be sent (say, its
   * URL now renders to a refused target) is recorded as failed, not kept.
   */
  private async send(target: Target, rows: PendingRow[]): Promise<boolean> {
    const { destination, account, limiter } = target;
    const body = batchBody(rows.map((row) => row.mapped));
    const key = `batch:${destination.id}:${rows[0]!.seq}-${rows.at(-1)!.seq}`;
    const stub = limiterByName(this.env, limiter);
    try {
      const secret = await openSharedSecret(destination, secretBox(this.env.ENCRYPTION_KEY));
      const request = await destinationRequest(destination, body, rows[0]!.mapped, secret, { allowPrivate: allowPrivateTargets(this.env) });
      const job: DeliveryJob = { v: 2, account, source: { kind: "destination", id: destination.id }, customerId: null, request, onSuccess: null };
      const outcome = await stub.accept(limiter, job, { idempotencyKey: key });
      if (outcome.ok || outcome.reason === "too_large") {
        if (!outcome.ok) console.error("a batch was too large to store; dropped", destination.id, outcome.message);
        return true;
      }
      return false;
    } catch (err) {
      console.error("batch flush failed; retrying", destination.id, String(err));
      return false;
    }
  }

  private target(): Target | null {
    const row = this.sql.exec<{ limiter: string; account: string; destination: string }>("SELECT limiter, account, destination FROM target").toArray()[0];
    if (!row) return null;
    return { limiter: row.limiter, account: row.account as AccountId, destination: JSON.parse(row.destination) };
  }

  /** The alarm fires `window_ms` after the oldest waiting event; with nothing waiting, only to prune dedupe ids. */
  private async armWindow(target: Target): Promise<void> {
    const oldest = this.sql.exec<{ at: number | null }>("SELECT MIN(added_at) AS at FROM pending").one().at;
    const windowMs = target.destination.batch?.window_ms ?? 1_000;
    const at = oldest !== null ? oldest + windowMs : Date.now() + DEDUPE_WINDOW_MS;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
