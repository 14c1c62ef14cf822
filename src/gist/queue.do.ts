import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";
import { RETENTION_MS } from "../limiter/delivery-log";
import type { QueuedMessage, SdkMessage } from "./queue-model";

/** A user's pending messages are bounded, because every poll returns all of them. */
export const MAX_PENDING_PER_USER = 1_000;

/** `user_token` is '' for a broadcast: user tokens are never empty, and '' keeps the unique index strict (NULLs would not be). */
const BROADCAST = "";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
    queue_id TEXT PRIMARY KEY,
    user_token TEXT NOT NULL,
    message_id TEXT NOT NULL,
    priority INTEGER NOT NULL,
    scheduled_at INTEGER,
    expires_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    queued_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS messages_by_user ON messages (user_token, message_id);
  CREATE INDEX IF NOT EXISTS messages_by_expiry ON messages (expires_at);
  CREATE TABLE IF NOT EXISTS views (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id TEXT,
    message_id TEXT NOT NULL,
    user_token TEXT NOT NULL,
    viewed_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS views_by_time ON views (viewed_at);
`;

interface MessageRow extends Record<string, SqlStorageValue> {
  queue_id: string;
  user_token: string;
  body: string;
}

export type EnqueueOutcome = { ok: true; queueIds: string[] } | { ok: false; userToken: string };

/**
 * One shard of an account's Gist user queue (serve mode): the messages of
 * the users whose token hashes to this shard, plus a copy of every broadcast
 * of the account, in SQLite. The Gist web SDK's poll is one read here.
 *
 * Queuing a messageId that is already pending for the same user (or as a
 * broadcast) replaces it and keeps its queueId, so a retried webhook does not
 * show a message twice.
 */
export class GistQueue extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** Stores messages, all or none: a user past MAX_PENDING_PER_USER refuses the whole call. */
  enqueue(messages: QueuedMessage[], now = Date.now()): EnqueueOutcome {
    this.sql.exec("DELETE FROM messages WHERE expires_at <= ?", now);
    try {
      return this.ctx.storage.transactionSync(() => {
        const queueIds = messages.map((message) => this.upsert(message, now));
        for (const userToken of new Set(messages.map((message) => message.userToken ?? BROADCAST))) {
          if (this.count(userToken) > MAX_PENDING_PER_USER) throw new QueueFull(userToken);
        }
        return { ok: true as const, queueIds };
      });
    } catch (err) {
      if (err instanceof QueueFull) return { ok: false, userToken: err.userToken };
      throw err;
    }
  }

  /** What the SDK's poll gets: the user's messages and the broadcasts, due and unexpired, highest priority (1) first. */
  forUser(userToken: string, now = Date.now()): SdkMessage[] {
    return this.rows(
      "(user_token = ? OR user_token = ?) AND (scheduled_at IS NULL OR scheduled_at <= ?) AND expires_at > ?",
      userToken, BROADCAST, now, now,
    );
  }

  /** The queue API's view: the user's messages not yet expired, including those scheduled for later. */
  pending(userToken: string, now = Date.now()): SdkMessage[] {
    return this.rows("(user_token = ? OR user_token = ?) AND expires_at > ?", userToken, BROADCAST, now);
  }

  /**
   * The SDK showed a message: the view is recorded and the user's message
   * leaves the queue; a broadcast stays (the SDK applies its frequency).
   * An unknown queueId (already viewed, say) is recorded as viewed too.
   */
  logQueueView(userToken: string, queueId: string, now = Date.now()): { removed: boolean } {
    const row = this.sql
      .exec<MessageRow>("SELECT queue_id, user_token, body FROM messages WHERE queue_id = ? AND (user_token = ? OR user_token = ?)", queueId, userToken, BROADCAST)
      .toArray()[0];
    const messageId = row ? (JSON.parse(row.body) as SdkMessage).messageId : "";
    this.recordView(queueId, messageId, userToken, now);
    if (!row || row.user_token === BROADCAST) return { removed: false };
    this.sql.exec("DELETE FROM messages WHERE queue_id = ?", queueId);
    return { removed: true };
  }

  /** A view of a message the SDK knows only by messageId (one shown without a queue entry). */
  logMessageView(userToken: string, messageId: string, now = Date.now()): void {
    this.recordView(null, messageId, userToken, now);
  }

  /** Deletes one of the user's messages, or (in this shard) the broadcast with that queueId. */
  remove(userToken: string, queueId: string): { removed: boolean; broadcast: boolean } {
    const row = this.sql
      .exec<MessageRow>("SELECT queue_id, user_token, body FROM messages WHERE queue_id = ? AND (user_token = ? OR user_token = ?)", queueId, userToken, BROADCAST)
      .toArray()[0];
    if (!row) return { removed: false, broadcast: false };
    this.sql.exec("DELETE FROM messages WHERE queue_id = ?", queueId);
    return { removed: true, broadcast: row.user_token === BROADCAST };
  }

  /** Drops this shard's copy of a broadcast (every shard holds one). */
  removeBroadcast(queueId: string): void {
    this.sql.exec("DELETE FROM messages WHERE queue_id = ? AND user_token = ?", queueId, BROADCAST);
  }

  /** Views recorded for a user, newest first (the queue API and tests read them). */
  views(userToken: string, limit = 100): Array<{ queueId: string | null; messageId: string; viewedAt: string }> {
    return this.sql
      .exec<{ queue_id: string | null; message_id: string; viewed_at: number }>(
        "SELECT queue_id, message_id, viewed_at FROM views WHERE user_token = ? ORDER BY seq DESC LIMIT ?",
        userToken, limit,
      )
      .toArray()
      .map((view) => ({ queueId: view.queue_id, messageId: view.message_id, viewedAt: new Date(view.viewed_at).toISOString() }));
  }

  private upsert(message: QueuedMessage, now: number): string {
    const userToken = message.userToken ?? BROADCAST;
    const existing = this.sql
      .exec<{ queue_id: string }>("SELECT queue_id FROM messages WHERE user_token = ? AND message_id = ?", userToken, message.messageId)
      .toArray()[0];
    const queueId = existing?.queue_id ?? message.queueId;
    const body = JSON.stringify({ ...message.sdk, queueId } satisfies SdkMessage);
    if (existing) {
      this.sql.exec(
        "UPDATE messages SET priority = ?, scheduled_at = ?, expires_at = ?, body = ?, queued_at = ? WHERE queue_id = ?",
        message.priority, message.scheduledAt, message.expiresAt, body, now, queueId,
      );
    } else {
      this.sql.exec(
        "INSERT INTO messages (queue_id, user_token, message_id, priority, scheduled_at, expires_at, body, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        queueId, userToken, message.messageId, message.priority, message.scheduledAt, message.expiresAt, body, now,
      );
    }
    return queueId;
  }

  private count(userToken: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE user_token = ?", userToken).one().n;
  }

  private rows(where: string, ...bindings: SqlStorageValue[]): SdkMessage[] {
    return this.sql
      .exec<MessageRow>(`SELECT queue_id, user_token, body FROM messages WHERE ${where} ORDER BY priority, queued_at, rowid`, ...bindings)
      .toArray()
      .map((row) => JSON.parse(row.body) as SdkMessage);
  }

  private recordView(queueId: string | null, messageId: string, userToken: string, now: number): void {
    this.sql.exec("INSERT INTO views (queue_id, message_id, user_token, viewed_at) VALUES (?, ?, ?, ?)", queueId, messageId, userToken, now);
    this.sql.exec("DELETE FROM views WHERE viewed_at < ?", now - RETENTION_MS);
  }
}

class QueueFull extends Error {
  constructor(readonly userToken: string) {
    super(`queue full for ${userToken}`);
  }
}
