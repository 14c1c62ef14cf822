import type { Bindings } from "../env";
import { AppError } from "../errors";
import { limiterFor } from "./client";
import { prepareAccept, type AcceptOutcome, type AcceptRequest, type PreparedAccept } from "./protocol";
import { limiterName, type Account } from "../store/accounts";

/**
 * Group commit for triggers: concurrent triggers in this isolate for one
 * limiter go to it as one `acceptPrepared` call instead of one call each. The
 * limiter then writes their rows and sends their queue message together, so
 * a busy account costs its Durable Object one request per group, not one
 * per trigger. Each job is serialized here (prepareAccept), not in the
 * limiter, which is the account's one serial point.
 *
 * One call per limiter is under way at a time. A trigger that finds the
 * limiter idle in this isolate is sent at once; otherwise it waits. When the
 * call returns, the waiting triggers linger one more POLL_MS, unless
 * MIN_GROUP are already waiting, and then a waiting request sends every
 * trigger waiting then (up to MAX_GROUP) as one call. A call's fixed cost
 * (the RPC, the commit, the queue send) dominates the limiter's share of a
 * trigger: allowing four calls at once made groups of about 2 under
 * `npm run bench`, one call made about 4.5, and the linger about 11, each
 * step taking 0.1–0.2 ms of workerd CPU off a trigger (README, "Where a
 * trigger's time goes"). The linger costs a trigger at most one POLL_MS of
 * latency, and only while the account is busy in this isolate. In
 * production a call takes one round trip to the Durable Object, so an
 * isolate still accepts up to MAX_GROUP triggers per round trip for one
 * account, and the limiter sees at most one request per round trip from it.
 *
 * Each trigger gets its own outcome, only after the limiter has recorded and
 * queued it (a 202 still means durably queued), and acceptPrepared answers
 * a repeated idempotency key within one group as a duplicate of the first.
 *
 * Requests never wait on each other's promises: workerd runs a promise's
 * continuation in the context of the request that resolved it, and I/O made
 * there then belongs to the wrong request ("Cannot perform I/O on behalf of
 * a different request"; waking waiters by resolving their own promises made
 * workerd cancel some as hung). So a sending request only writes each
 * trigger's outcome into a plain slot, and every waiting request reads its
 * slot on a timer of its own (POLL_MS), in its own context. Any waiting
 * request may send the next group, so one whose client went away cannot
 * stall the rest.
 */
const MAX_IN_FLIGHT = 1;
/** A group travels as one queue message (at most 100 deliveries); a smaller group keeps the RPC well under its size limit. */
const MAX_GROUP = 64;
const MAX_GROUP_BYTES = 4_000_000;
/** A group this large goes without lingering: waiting longer would add latency for little saving. */
const MIN_GROUP = 16;
const POLL_MS = 1;
/** A sending request that died without writing its group's outcomes (an isolate limit) must not hold the others forever. */
const MAX_WAIT_MS = 20_000;

type Outcome = { outcome: AcceptOutcome } | { error: unknown };

interface Waiting {
  request: PreparedAccept;
  bytes: number;
  /** Written by whichever request sends this trigger's group; read only by this trigger's own request. */
  result: Outcome | null;
}

/** Per limiter: calls under way, and triggers waiting for room. */
interface Lane {
  inFlight: number;
  waiting: Waiting[];
}

const lanes = new Map<string, Lane>();

/**
 * Accepts one delivery through the account's limiter, grouped with the
 * triggers waiting for it. `keepAlive` is the request's waitUntil: a call
 * that carries other requests' triggers must finish even if this request's
 * client goes away.
 */
export async function groupAccept(env: Bindings, account: Account, request: AcceptRequest, keepAlive: (work: Promise<unknown>) => void): Promise<AcceptOutcome> {
  // Only the name here: the stub is made once per group, in sendGroup.
  const name = limiterName(account);
  let lane = lanes.get(name);
  // The limiter is idle in this isolate: nothing to wait for, so no linger either.
  let lingered = !lane;
  if (!lane) {
    lane = { inFlight: 0, waiting: [] };
    lanes.set(name, lane);
  }
  const prepared = prepareAccept(request);
  const me: Waiting = { request: prepared, bytes: approximateBytes(prepared), result: null };
  lane.waiting.push(me);
  const deadline = Date.now() + MAX_WAIT_MS;
  while (me.result === null) {
    const room = lane.inFlight < MAX_IN_FLIGHT && lane.waiting.length > 0;
    if (room && (lingered || lane.waiting.length >= MIN_GROUP)) {
      // This request sends the oldest waiting group (its own trigger, unless others came first).
      lane.inFlight++;
      const sent = sendGroup(env, account, name, lane, takeGroup(lane.waiting));
      keepAlive(sent);
      await sent;
      continue;
    }
    if (Date.now() > deadline) return gaveUp(lane, me);
    // Room, but a small group: one more tick lets the triggers arriving meanwhile join it.
    if (room) lingered = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if ("error" in me.result) throw me.result.error;
  return me.result.outcome;
}

/** Sends one group and writes each trigger's outcome (or the call's error) into its slot. */
async function sendGroup(env: Bindings, account: Account, name: string, lane: Lane, group: Waiting[]): Promise<void> {
  try {
    const outcomes = await limiterFor(env, account).stub.acceptPrepared(name, group.map((w) => w.request));
    group.forEach((w, index) => (w.result = { outcome: outcomes[index]! }));
  } catch (error) {
    for (const w of group) w.result = { error };
  } finally {
    if (--lane.inFlight === 0 && lane.waiting.length === 0) lanes.delete(name);
  }
}

/** Still waiting: withdrawn, nothing was accepted. Taken into a group that never answered: the outcome is unknown, as after a failed call. */
function gaveUp(lane: Lane, me: Waiting): never {
  const index = lane.waiting.indexOf(me);
  if (index >= 0) lane.waiting.splice(index, 1);
  throw new AppError("unavailable", index >= 0 ? "The limiter did not answer in time; nothing was accepted. Try again." : "The limiter did not answer in time. Retry with the same idempotency key to be sure of one delivery.");
}

function takeGroup(waiting: Waiting[]): Waiting[] {
  let count = 0;
  let bytes = 0;
  while (count < waiting.length && count < MAX_GROUP && (count === 0 || bytes + waiting[count]!.bytes <= MAX_GROUP_BYTES)) {
    bytes += waiting[count]!.bytes;
    count++;
  }
  return waiting.splice(0, count);
}

/** What a job adds to the call, roughly (UTF-16 worst case). */
function approximateBytes({ job }: PreparedAccept): number {
  return 1_000 + 2 * (job.json.length + job.view.length);
}
