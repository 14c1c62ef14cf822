import type { Bindings } from "../env";
import { AppError } from "../errors";
import { fnv1a } from "../lib/fnv1a";
import type { AccountId } from "../store/ids";
import { MAX_PENDING_PER_USER } from "./queue.do";
import type { QueuedMessage, SdkMessage } from "./queue-model";

/**
 * An account's Gist queue is split over QUEUE_SHARDS Durable Objects by a
 * hash of the user token, so one account's polling is not capped by one
 * object (~1,000 requests/s each): 16 shards take ~16,000 polls/s, a million
 * users polling every minute. A poll is one call to its user's shard; a
 * broadcast is written to every shard, so a poll still needs no second call.
 * The count is fixed: changing it would move users to other shards.
 */
export const QUEUE_SHARDS = 16;

/** The user's shard: a hash of the token, so it never moves. */
export function shardOf(userToken: string): number {
  return fnv1a(userToken) % QUEUE_SHARDS;
}

function shard(env: Bindings, account: AccountId, index: number) {
  return env.GIST_QUEUE.getByName(`gist:${account}:${index}`);
}

export function userShard(env: Bindings, account: AccountId, userToken: string) {
  return shard(env, account, shardOf(userToken));
}

/**
 * Stores accepted messages: each user's in its shard, broadcasts in every
 * shard. Returns their queueIds in the order given. A user over the pending
 * limit is a 409 naming the user; shards that took their part keep it, and a
 * retry replaces those (same messageId) instead of adding copies.
 */
export async function enqueueMessages(env: Bindings, account: AccountId, messages: QueuedMessage[]): Promise<string[]> {
  const byShard = new Map<number, Array<{ index: number; message: QueuedMessage }>>();
  const add = (shardIndex: number, index: number, message: QueuedMessage) => {
    const list = byShard.get(shardIndex) ?? [];
    list.push({ index, message });
    byShard.set(shardIndex, list);
  };
  messages.forEach((message, index) => {
    if (message.userToken === null) for (let s = 0; s < QUEUE_SHARDS; s++) add(s, index, message);
    else add(shardOf(message.userToken), index, message);
  });
  const queueIds: string[] = new Array(messages.length);
  await Promise.all(
    [...byShard].map(async ([shardIndex, entries]) => {
      const outcome = await shard(env, account, shardIndex).enqueue(entries.map((entry) => entry.message));
      if (!outcome.ok) {
        throw new AppError("conflict", `${outcome.userToken ? `User ${outcome.userToken}` : "The account's broadcasts"} would pass ${MAX_PENDING_PER_USER} pending messages`);
      }
      // A broadcast gets the same queueId in every shard unless a shard already held its messageId; report the first shard's.
      entries.forEach((entry, i) => (queueIds[entry.index] ??= outcome.queueIds[i]!));
    }),
  );
  return queueIds;
}

export async function messagesForUser(env: Bindings, account: AccountId, userToken: string): Promise<SdkMessage[]> {
  return userShard(env, account, userToken).forUser(userToken);
}

/** Removes one of the user's messages; a broadcast's queueId removes the broadcast for everyone. */
export async function removeMessage(env: Bindings, account: AccountId, userToken: string, queueId: string): Promise<boolean> {
  const { removed, broadcast } = await userShard(env, account, userToken).remove(userToken, queueId);
  if (broadcast) {
    await Promise.all(Array.from({ length: QUEUE_SHARDS }, (_, s) => shard(env, account, s).removeBroadcast(queueId)));
  }
  return removed;
}
