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
 * re-enqueue) and its concurrency cap, which every account of a shard shares.
 */
export class LimiterSettings {
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

  private read(key: string): string | null {
    return this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  private write(key: string, value: string): void {
    this.sql.exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }
}
