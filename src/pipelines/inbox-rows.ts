import { byteLength } from "../lib/encoding";

export const INBOX_SCHEMA = `
  CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    accepted_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS inbox_by_seen ON inbox (seen_at);
`;

/** An accepted events message not yet routed: its queued JSON, and that JSON's size. */
export interface InboxRow extends Record<string, SqlStorageValue> {
  id: string;
  body: string;
  bytes: number;
}

/**
 * The inbox's table: one row per events message, from acceptance until the
 * events consumer reports it routed. `seen_at` is when it last went on the
 * queue or a consumer last said it was still on it, which is what recovery
 * (limiter/recovery.ts) measures overdue from.
 */
export class InboxRows {
  constructor(private readonly sql: SqlStorage) {}

  /** Rows for messages about to be queued; each body is the exact JSON text that will be sent. */
  insert(rows: ReadonlyArray<{ id: string; body: string }>, now: number): void {
    for (const { id, body } of rows) {
      this.sql.exec("INSERT INTO inbox (id, body, bytes, accepted_at, seen_at) VALUES (?, ?, ?, ?, ?)", id, body, byteLength(body), now, now);
    }
  }

  /** Routed (or never queued): gone. Unknown ids are ignored, so a copy's report changes nothing. */
  delete(ids: readonly string[]): void {
    if (ids.length > 0) this.sql.exec("DELETE FROM inbox WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify(ids));
  }

  /** Still being looked after: just re-queued, or handed back to the queue by a consumer that could not route it yet. */
  touch(ids: readonly string[], now: number): void {
    if (ids.length > 0) this.sql.exec("UPDATE inbox SET seen_at = ? WHERE id IN (SELECT value FROM json_each(?))", now, JSON.stringify(ids));
  }

  /** Rows not seen since `before`, oldest first. */
  orphaned(before: number, limit: number): InboxRow[] {
    return this.sql.exec<InboxRow>("SELECT id, body, bytes FROM inbox WHERE seen_at < ? ORDER BY id LIMIT ?", before, limit).toArray();
  }

  oldestSighting(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT MIN(seen_at) AS at FROM inbox").one().at ?? null;
  }

  /** Drops rows accepted before `before`; returns how many. */
  expire(before: number): number {
    return this.sql.exec("DELETE FROM inbox WHERE accepted_at < ? RETURNING id", before).toArray().length;
  }
}
