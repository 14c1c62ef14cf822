import type { AccountId } from "../store/ids";
// Received events are kept as long as deliveries.
import { RETENTION_MS } from "./delivery-log";


export const INBOUND_SCHEMA = `
  CREATE TABLE IF NOT EXISTS inbound_events (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    type TEXT,
    received_at INTEGER NOT NULL,
    sent_at INTEGER,
    dedupe_key TEXT,
    body TEXT,
    reason TEXT,
    delivery_id TEXT
  );
  CREATE INDEX IF NOT EXISTS inbound_by_source ON inbound_events (account, source, id);
  CREATE INDEX IF NOT EXISTS inbound_by_dedupe ON inbound_events (account, source, dedupe_key) WHERE dedupe_key IS NOT NULL;
`;

/** accepted: verified and kept (and forwarded, with a forward URL); filtered: verified, a type the source does not take; duplicate: a replay; refused: failed verification. */
export type InboundStatus = "accepted" | "filtered" | "duplicate" | "refused";

export interface InboundEvent {
  id: string;
  source: string;
  status: InboundStatus;
  type: string | null;
  received_at: string;
  sent_at: string | null;
  body: string | null;
  reason: string | null;
  delivery_id: string | null;
}

interface InboundRow extends Record<string, SqlStorageValue> {
  id: string;
  source: string;
  status: string;
  type: string | null;
  received_at: number;
  sent_at: number | null;
  body: string | null;
  reason: string | null;
  delivery_id: string | null;
}

export interface InboundFilter {
  type?: string;
  status?: InboundStatus;
  before?: string;
  limit: number;
}

/** What was received on an account's inbound sources, in the account's limiter (SQLite). */
export class InboundLog {
  constructor(private readonly sql: SqlStorage) {}

  /** The first event with this dedupe key received since `since`, if any. */
  firstWith(account: AccountId, source: string, dedupeKey: string, since: number): string | null {
    const row = this.sql
      .exec<{ id: string }>(
        "SELECT id FROM inbound_events WHERE account = ? AND source = ? AND dedupe_key = ? AND status IN ('accepted', 'filtered') AND received_at >= ? ORDER BY id LIMIT 1",
        account, source, dedupeKey, since,
      )
      .toArray()[0];
    return row?.id ?? null;
  }

  insert(entry: { id: string; account: AccountId; source: string; status: InboundStatus; type: string | null; receivedAt: number; sentAt: number | null; dedupeKey: string | null; body: string | null; reason: string | null }): void {
    this.sql.exec(
      `INSERT INTO inbound_events (id, account, source, status, type, received_at, sent_at, dedupe_key, body, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      entry.id, entry.account, entry.source, entry.status, entry.type, entry.receivedAt, entry.sentAt, entry.dedupeKey, entry.body, entry.reason,
    );
  }

  setDelivery(id: string, deliveryId: string): void {
    this.sql.exec("UPDATE inbound_events SET delivery_id = ? WHERE id = ?", deliveryId, id);
  }

  delete(id: string): void {
    this.sql.exec("DELETE FROM inbound_events WHERE id = ?", id);
  }

  get(account: AccountId, source: string, id: string): InboundEvent | null {
    const row = this.sql.exec<InboundRow>(`SELECT ${COLUMNS} FROM inbound_events WHERE account = ? AND source = ? AND id = ?`, account, source, id).toArray()[0];
    return row ? toEvent(row) : null;
  }

  /** Newest first (ids sort by time). */
  list(account: AccountId, source: string, filter: InboundFilter): InboundEvent[] {
    const where = ["account = ?", "source = ?"];
    const args: SqlStorageValue[] = [account, source];
    if (filter.type) (where.push("type = ?"), args.push(filter.type));
    if (filter.status) (where.push("status = ?"), args.push(filter.status));
    if (filter.before) (where.push("id < ?"), args.push(filter.before));
    return this.sql
      .exec<InboundRow>(`SELECT ${COLUMNS} FROM inbound_events WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ?`, ...args, filter.limit)
      .toArray()
      .map(toEvent);
  }

  prune(now: number): void {
    this.sql.exec("DELETE FROM inbound_events WHERE received_at < ?", now - RETENTION_MS);
  }
}

const COLUMNS = "id, source, status, type, received_at, sent_at, body, reason, delivery_id";

function toEvent(row: InboundRow): InboundEvent {
  return {
    id: row.id,
    source: row.source,
    status: row.status as InboundStatus,
    type: row.type,
    received_at: new Date(row.received_at).toISOString(),
    sent_at: row.sent_at === null ? null : new Date(row.sent_at).toISOString(),
    body: row.body,
    reason: row.reason,
    delivery_id: row.delivery_id,
  };
}
