/**
 * Concurrency permits as leases in SQLite. A consumer takes a batch of
 * permits under one lease and returns them together; a lease that is never
 * returned (the consumer crashed) simply expires, so permits cannot leak.
 */
export const PERMIT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS leases (
    id TEXT PRIMARY KEY,
    permits INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
`;

export class Permits {
  constructor(private readonly sql: SqlStorage) {}

  /** Permits held by leases that have not expired. */
  inUse(now: number): number {
    const row = this.sql.exec<{ n: number | null }>("SELECT SUM(permits) AS n FROM leases WHERE expires_at > ?", now).one();
    return row.n ?? 0;
  }

  /**
   * Grants up to `wanted` permits under cap; 0 when none are free (no lease is
   * created then). The lease expires at `expiresAt`, or, given a function, at
   * what it answers for the number granted.
   */
  take(leaseId: string, wanted: number, cap: number, expiresAt: number | ((granted: number) => number), now: number): number {
    this.dropExpired(now);
    const granted = Math.max(0, Math.min(wanted, cap - this.inUse(now)));
    const expires = typeof expiresAt === "number" ? expiresAt : expiresAt(granted);
    if (granted > 0) this.sql.exec("INSERT INTO leases (id, permits, expires_at) VALUES (?, ?, ?)", leaseId, granted, expires);
    return granted;
  }

  isLive(leaseId: string, now: number): boolean {
    return this.sql.exec("SELECT 1 FROM leases WHERE id = ? AND expires_at > ?", leaseId, now).toArray().length > 0;
  }

  release(leaseId: string): void {
    this.sql.exec("DELETE FROM leases WHERE id = ?", leaseId);
  }

  dropExpired(now: number): void {
    this.sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
  }

  /** When the next lease expires, for the alarm. */
  nextExpiry(): number | null {
    const row = this.sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM leases").one();
    return row.at ?? null;
  }
}
