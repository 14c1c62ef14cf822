import { sortableId } from "../lib/sortable-id";
import type { GistMessage } from "./messages";

/** A message as the Gist web SDK reads it from `POST /api/v4/users`. */
export interface SdkMessage {
  queueId: string;
  messageId: string;
  priority: number;
  userToken?: string;
  scheduledFor?: string;
  expiry: string;
  /** Passed through untouched: the SDK reads `properties.gist` and hands the rest to the renderer. */
  properties?: Record<string, unknown>;
}

/** What a queue shard stores for one accepted message. */
export interface QueuedMessage {
  /** The id it gets if it is new; a pending message with the same messageId keeps its own. */
  queueId: string;
  /** null: a broadcast, shown to every user of the account. */
  userToken: string | null;
  messageId: string;
  priority: number;
  scheduledAt: number | null;
  expiresAt: number;
  sdk: Omit<SdkMessage, "queueId">;
}

/** Queue ids as newQueueId makes them; path parameters are checked against this. */
export const QUEUE_ID = /^q_[0-9a-z]{19}$/;

export function newQueueId(now = Date.now()): string {
  return sortableId("q", now);
}

export function isBroadcast(message: GistMessage): boolean {
  return Boolean(message.properties?.gist?.broadcast);
}

/** A validated message (its expiry already defaulted) as a queue entry. */
export function toQueued(message: GistMessage, now: number): QueuedMessage {
  const broadcast = isBroadcast(message);
  const userToken = broadcast ? null : message.userToken!;
  const { messageId, priority, scheduledFor, expiry, properties } = message;
  return {
    queueId: newQueueId(now),
    userToken,
    messageId,
    priority,
    scheduledAt: scheduledFor ? Date.parse(scheduledFor) : null,
    expiresAt: Date.parse(expiry!),
    sdk: {
      messageId,
      priority,
      ...(userToken ? { userToken } : {}),
      ...(scheduledFor ? { scheduledFor } : {}),
      expiry: expiry!,
      ...(properties ? { properties } : {}),
    },
  };
}
