import { redactRequest } from "../delivery/redact";
import type { DeliveryOutcome, ReportingMetric } from "../reporting/outcome-events";
import type { AccountId } from "../store/ids";
import { readJob, type Attempt, type DeliveryJob, type DeliveryKind, type DeliveryStatus, type DeliveryView, type LoggedResponse } from "../delivery/model";

/** How long an idempotency key maps to its first delivery. */
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Finished deliveries are kept this long, and at most this many per limiter. */
export const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const RETENTION_ROWS = 50_000;
/**
 * The most a delivery's stored job (rendered request plus the template inputs
 * attribute updates need) may take as JSON. A Durable Object's SQLite refuses
 * a row over 2 MB; this leaves room for the redacted view, the logged
 * response (64 KB) and the attempts. Larger is refused at accept with a 413.
 */
export const MAX_STORED_JOB_BYTES = 1_800_000;
/** Rows per INSERT statement: 11 bound values each, and a Durable Object's SQLite takes at most 100 per statement. */
const INSERT_ROWS = 9;

/**
 * A delivery's job as the log stores it: serialized, with the columns it is
 * found by. Made by storedJob, in the Worker where it can be: the limiter is
 * one per account (a serial point), so it should only check and store.
 */
export interface StoredJob {
  account: AccountId;
  kind: DeliveryKind;
  source: string;
  /** "" for none: customer_id is NOT NULL in logs created by the first release. */
  customerId: string;
  /** The whole job as JSON. */
  json: string;
  /** The redacted request without its body, as JSON; the body is read back from the job. */
  view: string;
}

export function storedJob(job: DeliveryJob): StoredJob {
  const { body: _body, ...view } = redactRequest(job.request);
  return { account: job.account, kind: job.source.kind, source: job.source.id, customerId: job.customerId ?? "", json: JSON.stringify(job), view: JSON.stringify(view) };
}

/** A delivery to record. */
export interface NewDelivery {
  id: string;
  job: StoredJob;
  idempotencyKey?: string;
  replayOf?: string;
}

export const DELIVERY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'action',
    source TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    next_attempt_at INTEGER,
    job TEXT NOT NULL,
    request_view TEXT NOT NULL,
    attempts TEXT NOT NULL DEFAULT '[]',
    attempt_count INTEGER NOT NULL DEFAULT 0,
    response TEXT,
    error TEXT,
    idempotency_key TEXT,
    replay_of TEXT,
    lease_id TEXT
  );
  CREATE INDEX IF NOT EXISTS deliveries_unfinished ON deliveries (status, updated_at) WHERE status NOT IN ('sent', 'failed');
  CREATE INDEX IF NOT EXISTS deliveries_by_account ON deliveries (account, id);
  CREATE INDEX IF NOT EXISTS deliveries_by_idempotency ON deliveries (account, idempotency_key) WHERE idempotency_key IS NOT NULL;
  CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    attempt TEXT NOT NULL,
    PRIMARY KEY (delivery_id, n)
  ) WITHOUT ROWID;
`;

/**
 * Brings a log created by the first release (actions only: an `action`
 * column, no `kind`) to the current columns. Runs before DELIVERY_SCHEMA's
 * CREATE, which leaves an existing table as it is.
 */
export function migrateDeliveryLog(sql: SqlStorage): void {
  const columns = new Set(sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('deliveries')").toArray().map((c) => c.name));
  if (columns.size === 0) return;
  if (columns.has("action")) sql.exec("ALTER TABLE deliveries RENAME COLUMN action TO source");
  if (!columns.has("kind")) sql.exec("ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'action'");
  // Attempts used to be appended to the JSON column; those stay there, later ones go to delivery_attempts.
  if (!columns.has("attempt_count")) {
    sql.exec("ALTER TABLE deliveries ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 0");
    sql.exec("UPDATE deliveries SET attempt_count = json_array_length(attempts)");
  }
}

export interface JobEntry {
  job: DeliveryJob;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attemptCount: number;
  /** The lease the delivery was last granted under. */
  leaseId: string | null;
  nextAttemptAt: number | null;
}

interface DeliveryRow extends Record<string, SqlStorageValue> {
  id: string;
  account: string;
  kind: string;
  source: string;
  customer_id: string;
  status: string;
  created_at: number;
  updated_at: number;
  next_attempt_at: number | null;
  request_view: string;
  attempt_count: number;
  /** The request body, taken from the stored job. */
  body: string | null;
  attempts: string;
  response: string | null;
  error: string | null;
  replay_of: string | null;
  lease_id: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  /** Deliveries of one action or one destination. */
  source?: { kind: DeliveryKind; id: string };
  customer?: string;
  /** Exclusive: the last id of the previous page. */
  before?: string;
  limit: number;
}

/** The delivery log of one limiter (one account, or every account of a shard), in its SQLite. */
/** Where an attempt leaves its delivery. */
export interface AttemptUpdate {
  status: DeliveryStatus;
  response?: LoggedResponse;
  error?: string;
  nextAttemptAt?: number;
}

export class DeliveryLog {
  constructor(private readonly sql: SqlStorage) {}

  findByIdempotencyKey(account: string, key: string, now: number): string | null {
    const row = this.sql
      .exec<{ id: string }>(
        "SELECT id FROM deliveries WHERE account = ? AND idempotency_key = ? AND created_at > ? ORDER BY id LIMIT 1",
        account, key, now - IDEMPOTENCY_WINDOW_MS,
      )
      .toArray()[0];
    return row?.id ?? null;
  }

  insert(id: string, job: DeliveryJob, now: number, extra: { idempotencyKey?: string; replayOf?: string }): void {
    this.insertMany([{ id, job: storedJob(job), ...extra }], now);
  }

  /** New deliveries, `queued`, in one statement per INSERT_ROWS rows. */
  insertMany(rows: readonly NewDelivery[], now: number): void {
    for (let start = 0; start < rows.length; start += INSERT_ROWS) {
      const chunk = rows.slice(start, start + INSERT_ROWS);
      const values = chunk.flatMap(({ id, job, idempotencyKey, replayOf }) =>
        [id, job.account, job.kind, job.source, job.customerId, now, now, job.json, job.view, idempotencyKey ?? null, replayOf ?? null]);
      this.sql.exec(
        `INSERT INTO deliveries (id, account, kind, source, customer_id, status, created_at, updated_at, job, request_view, idempotency_key, replay_of)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)").join(", ")}`,
        ...values,
      );
    }
  }

  delete(id: string): void {
    this.sql.exec("DELETE FROM deliveries WHERE id = ?", id);
  }

  /** The job and where it stands, for the consumer. */
  job(id: string): JobEntry | null {
    return this.jobs([id]).get(id) ?? null;
  }

  /** The jobs of a consumer's batch, in one query; ids not in the log are absent from the map. */
  jobs(ids: readonly string[]): Map<string, JobEntry> {
    const rows = this.sql
      .exec<Pick<DeliveryRow, "id" | "status" | "attempt_count" | "lease_id" | "next_attempt_at"> & { job: string }>(
        "SELECT id, job, status, attempt_count, lease_id, next_attempt_at FROM deliveries WHERE id IN (SELECT value FROM json_each(?))",
        JSON.stringify(ids),
      )
      .toArray();
    return new Map(rows.map((row) => [row.id, {
      job: readJob(row.job),
      status: row.status as DeliveryStatus,
      attemptCount: row.attempt_count,
      leaseId: row.lease_id,
      nextAttemptAt: row.next_attempt_at,
    }]));
  }

  markSending(id: string | readonly string[], leaseId: string, now: number): void {
    this.sql.exec(
      "UPDATE deliveries SET status = 'sending', lease_id = ?, updated_at = ?, next_attempt_at = NULL WHERE id IN (SELECT value FROM json_each(?))",
      leaseId, now, JSON.stringify(typeof id === "string" ? [id] : id),
    );
  }

  /** Notes that deliveries are still being looked after (waiting for a permit, or just re-queued), so recovery leaves them alone. */
  touch(id: string | readonly string[], now: number): void {
    this.sql.exec("UPDATE deliveries SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))", now, JSON.stringify(typeof id === "string" ? [id] : id));
  }

  /**
   * Unfinished deliveries no consumer has seen since `before`, nor is due to
   * (a retry's message appears at next_attempt_at), and not in flight under a
   * live lease: if their queue message were still coming, a consumer would
   * have shown up by now. The recovery (recovery.ts) decides which of them
   * are lost; this only lists candidates, oldest first.
   */
  orphaned(before: number, limit: number, now = Date.now()): Array<{ id: string; account: string }> {
    return this.sql
      .exec<{ id: string; account: string }>(
        `SELECT id, account FROM deliveries
         WHERE status NOT IN ('sent', 'failed') AND ${LAST_SEEN} < ? AND ${NOT_LEASED}
         ORDER BY id LIMIT ?`,
        before, now, limit,
      )
      .toArray();
  }

  /** The earliest last sighting among the deliveries orphaned() could list later, or null when there are none. */
  oldestSighting(now: number): number | null {
    const row = this.sql
      .exec<{ at: number | null }>(`SELECT MIN(${LAST_SEEN}) AS at FROM deliveries WHERE status NOT IN ('sent', 'failed') AND ${NOT_LEASED}`, now)
      .one();
    return row.at ?? null;
  }

  /**
   * Moves the delivery to its next status and appends the attempt as a row of
   * its own: nothing already logged is read back or rewritten.
   */
  recordAttempt(id: string, attempt: Attempt, update: AttemptUpdate, now: number): void {
    this.recordAttempts([{ id, attempt, ...update }], now);
  }

  /**
   * recordAttempt for a consumer batch's attempts, in two statements however
   * many there are (a settle used to cost two per delivery). A delivery no
   * longer in the log gets nothing. Each delivery appears once per call (one
   * lease's results).
   */
  recordAttempts(records: ReadonlyArray<{ id: string; attempt: Attempt } & AttemptUpdate>, now: number): void {
    if (records.length === 0) return;
    const rows = JSON.stringify(records.map(({ id, attempt, status, response, error, nextAttemptAt }) => ({
      id,
      status,
      next: nextAttemptAt ?? null,
      response: response ? JSON.stringify(response) : null,
      error: error ?? null,
      attempt: JSON.stringify(attempt),
    })));
    this.sql.exec(
      `UPDATE deliveries SET status = r.value ->> 'status', attempt_count = attempt_count + 1, updated_at = ?,
         next_attempt_at = r.value ->> 'next', response = COALESCE(r.value ->> 'response', response), error = r.value ->> 'error'
       FROM json_each(?) AS r WHERE deliveries.id = r.value ->> 'id'`,
      now, rows,
    );
    this.sql.exec(
      `INSERT INTO delivery_attempts (delivery_id, n, attempt)
       SELECT d.id, d.attempt_count, r.value ->> 'attempt' FROM json_each(?) AS r JOIN deliveries AS d ON d.id = r.value ->> 'id'`,
      rows,
    );
  }

  /** Ends an unfinished delivery without an attempt (dead-lettered, or its job unreadable); false when it had already finished. */
  fail(id: string, error: string, now: number): boolean {
    return this.sql.exec(
      "UPDATE deliveries SET status = 'failed', error = ?, updated_at = ?, next_attempt_at = NULL WHERE id = ? AND status NOT IN ('sent', 'failed')",
      error, now, id,
    ).rowsWritten > 0;
  }

  /** What a reporting webhook says about a delivery's latest outcome. */
  outcome(id: string, metric: ReportingMetric, detail: { status?: number; error?: string }): DeliveryOutcome | null {
    const row = this.sql
      .exec<{ account: string; kind: string; source: string; customer_id: string; url: string; attempt: number }>(
        `SELECT account, kind, source, customer_id, json_extract(job, '$.request.url') AS url, attempt_count AS attempt
         FROM deliveries WHERE id = ?`,
        id,
      )
      .toArray()[0];
    if (!row) return null;
    return {
      account: row.account as AccountId,
      deliveryId: id,
      kind: row.kind as DeliveryKind,
      source: row.source,
      customerId: row.customer_id === "" ? null : row.customer_id,
      url: row.url,
      metric,
      attempt: row.attempt,
      ...detail,
    };
  }

  get(account: string, id: string): DeliveryView | null {
    const row = this.sql.exec<DeliveryRow>(`SELECT ${VIEW_COLUMNS} FROM deliveries WHERE account = ? AND id = ?`, account, id).toArray()[0];
    return row ? toView(row, this.attemptsOf([row])) : null;
  }

  /** Newest first (ids sort by creation time). */
  list(account: string, filter: DeliveryFilter): DeliveryView[] {
    const where = ["account = ?"];
    const args: SqlStorageValue[] = [account];
    if (filter.status) (where.push("status = ?"), args.push(filter.status));
    if (filter.source) (where.push("kind = ? AND source = ?"), args.push(filter.source.kind, filter.source.id));
    if (filter.customer) (where.push("customer_id = ?"), args.push(filter.customer));
    if (filter.before) (where.push("id < ?"), args.push(filter.before));
    const rows = this.sql
      .exec<DeliveryRow>(`SELECT ${VIEW_COLUMNS} FROM deliveries WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ?`, ...args, filter.limit)
      .toArray();
    const attempts = this.attemptsOf(rows);
    return rows.map((row) => toView(row, attempts));
  }

  /** The attempts of these rows, by delivery id, oldest first: the ones logged before delivery_attempts existed, then its rows. */
  private attemptsOf(rows: DeliveryRow[]): Map<string, Attempt[]> {
    const byId = new Map(rows.map((row) => [row.id, JSON.parse(row.attempts) as Attempt[]]));
    const logged = rows.filter((row) => row.attempt_count > byId.get(row.id)!.length).map((row) => row.id);
    if (logged.length === 0) return byId;
    const attempts = this.sql.exec<{ delivery_id: string; attempt: string }>(
      "SELECT delivery_id, attempt FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, n",
      JSON.stringify(logged),
    );
    for (const { delivery_id, attempt } of attempts) byId.get(delivery_id)!.push(JSON.parse(attempt));
    return byId;
  }

  isEmpty(): boolean {
    return this.sql.exec("SELECT 1 FROM deliveries LIMIT 1").toArray().length === 0;
  }

  /** Drops finished deliveries past the retention bounds. */
  prune(now: number): void {
    const aged = this.sql.exec<{ id: string }>("DELETE FROM deliveries WHERE status IN ('sent', 'failed') AND updated_at < ?" + RETURNING_ID, now - RETENTION_MS).toArray();
    // The row bound spares rows whose idempotency key is still in force.
    const over = this.sql.exec<{ id: string }>(
      `DELETE FROM deliveries WHERE status IN ('sent', 'failed')
         AND (idempotency_key IS NULL OR created_at <= ?)
         AND id IN (SELECT id FROM deliveries ORDER BY id DESC LIMIT -1 OFFSET ?)` + RETURNING_ID,
      now - IDEMPOTENCY_WINDOW_MS, RETENTION_ROWS,
    ).toArray();
    // Only the pruned deliveries' attempts: the alarm prunes often, and a scan of every attempt each time would not be cheap.
    const gone = [...aged, ...over].map(({ id }) => id);
    if (gone.length > 0) this.sql.exec("DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))", JSON.stringify(gone));
  }
}

const RETURNING_ID = " RETURNING id";

/**
 * When a consumer last looked after a delivery (every acquire, wait and
 * settle sets updated_at), or when its scheduled retry's message appears.
 */
const LAST_SEEN = "MAX(updated_at, COALESCE(next_attempt_at, 0))";
/**
 * Not being sent under a lease that is still live (bound: now). The leases
 * table is Permits' (permits.ts), in the same database.
 */
const NOT_LEASED = "(status <> 'sending' OR lease_id IS NULL OR lease_id NOT IN (SELECT id FROM leases WHERE expires_at > ?))";

/** What the API shows of a row: everything but the stored job, of which only the body. */
const VIEW_COLUMNS = `id, account, kind, source, customer_id, status, created_at, updated_at, next_attempt_at,
  request_view, attempts, attempt_count, response, error, replay_of, json_extract(job, '$.request.body') AS body`;

function toView(row: DeliveryRow, attempts: Map<string, Attempt[]>): DeliveryView {
  return {
    id: row.id,
    account: row.account,
    kind: row.kind as DeliveryKind,
    source: row.source,
    customer_id: row.customer_id === "" ? null : row.customer_id,
    status: row.status as DeliveryStatus,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    next_attempt_at: row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null,
    attempts: attempts.get(row.id) ?? [],
    request: { ...JSON.parse(row.request_view), body: row.body },
    response: row.response ? JSON.parse(row.response) : null,
    error: row.error,
    replay_of: row.replay_of,
  };
}
