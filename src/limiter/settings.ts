import { DEFAULT_CONCURRENCY } from "../store/accounts";

export const SETTINGS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
`;

/**
 * What a limiter knows about itself: its own name (a Durable Object does not
 * reliably know the name it was reached by, and the sweep needs it to
 * re-enqueue) and its concurrency cap, which every account of a shard shares;
 * and recovery's probe times (recovery.ts). The event inbox keeps its name
 * and probe times here too.
 */
export class LimiterSettings {
  /** Settings change rarely and are read on hot paths; the object is single-threaded, so a copy in memory stays true. */
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly sql: SqlStorage) {}

  get name(): string | null {
    return this.read("name");
  }

  set name(value: string) {
    this.write("name", value);
  }

  get concurrency(): number {
    return Number(this.read("concurrency") ?? DEFAULT_CONCURRENCY);
  }

  set concurrency(value: number) {
    this.write("concurrency", String(value));
  }

  /** When this limiter last sent a queue probe (recovery.ts), for pacing. */
  get probeSentAt(): number | null {
    return this.number("probe_sent_at");
  }

  set probeSentAt(value: number) {
    this.write("probe_sent_at", String(value));
  }

  /** The send time of the latest probe that came back: the queue had delivered everything visible before it. */
  get queueFlowedAt(): number | null {
    return this.number("queue_flowed_at");
  }

  set queueFlowedAt(value: number) {
    this.write("queue_flowed_at", String(value));
  }

  private number(key: string): number | null {
    const value = this.read(key);
    return value === null ? null : Number(value);
  }

  private read(key: string): string | null {
    if (!this.cache.has(key)) {
      const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0];
      this.cache.set(key, row?.value ?? null);
    }
    return this.cache.get(key)!;
  }

  private write(key: string, value: string): void {
    if (this.read(key) === value) return;
    this.sql.exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
    this.cache.set(key, value);
  }
}
