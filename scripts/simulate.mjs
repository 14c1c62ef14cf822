// `npm run simulate`: edgehook's delivery throughput under Cloudflare's
// production limits, on paper (docs/scale.md explains the model). Plain Node,
// no dependencies, a few seconds.
//
// Two views of each design:
//   - capacity(): the closed-form ceiling of every stage, and which binds;
//   - simulate(): a time-stepped run (10 ms ticks) of triggers arriving,
//     limiter (Durable Object) request budgets, queue write budgets, and
//     consumer invocations that each take a batch and send it 6 connections
//     at a time against targets with the given latency. It checks the
//     closed form: delivered/s settles at min(offered, ceiling).
//
// `node scripts/simulate.mjs --json` prints the numbers for tests.

/** Cloudflare's limits (Queues, Durable Objects, Workers), as docs/scale.md cites them. */
export const LIMITS = {
  queueMessagesPerSecond: 5_000, // per queue
  consumersPerQueue: 250, // concurrent consumer invocations per queue
  maxBatch: 100, // messages per consumer batch
  durableObjectRequestsPerSecond: 1_000, // per object, order of magnitude
  connectionsPerInvocation: 6, // simultaneous outbound connections
};

/**
 * The design as the code has it (wrangler.toml, limiter/*, delivery/consume.ts,
 * routes/triggers.ts), and the knobs a sharded design turns.
 */
export const CURRENT = {
  name: "as built, no triggers overlapping (4 queues, 1 delivery a message, batches of 50)",
  queues: 4, // DELIVERIES, DELIVERIES_1 … _3 in wrangler.toml (src/delivery/queues.ts)
  deliveriesPerMessage: 1,
  batch: 50, // max_batch_size in wrangler.toml
  /** Triggers per limiter call at accept: 1 without group commit; group-accept.ts raises it under load. */
  acceptGroup: 1,
  /** Limiter calls per batch and limiter in the consumer: acquire, then settle (which acquires what still waits). */
  consumerCallsPerBatch: 2,
  limiterShardsPerAccount: 1,
  concurrencyPerAccount: 600, // default cap, per limiter
  /** Share of deliveries that are handed back to the queue once more (a retry, or no permit yet). */
  handBackRate: 0.05,
  /** Limiter round trip, seconds. */
  limiterRttS: 0.01,
};

/** The same code when triggers overlap ten at a time: group commit puts ten deliveries in a message. */
export const CURRENT_GROUPED = { ...CURRENT, name: "as built, ten triggers overlapping (4 queues, 10 deliveries a message, batches of 50)", deliveriesPerMessage: 10 };

/** The design before the delivery queues were sharded: the same, on one queue. */
export const ONE_QUEUE = { ...CURRENT, name: "before sharding, no triggers overlapping (1 queue, 1 delivery a message, batches of 50)", queues: 1 };

/** Ceiling of each stage (deliveries/s) for a design, at target latency `latencyS`, with `accounts` equally busy accounts. */
export function capacity(design, latencyS, accounts = 1_000) {
  const d = design.deliveriesPerMessage;
  const deliveriesPerBatch = design.batch * d;
  const waves = Math.ceil(deliveriesPerBatch / LIMITS.connectionsPerInvocation);
  const invocationS = waves * latencyS + design.consumerCallsPerBatch * design.limiterRttS;
  const perQueue = {
    queueWrites: (LIMITS.queueMessagesPerSecond * d) / (1 + design.handBackRate),
    // A handed-back delivery takes a connection and comes round again.
    consumers: (LIMITS.consumersPerQueue * deliveriesPerBatch * (1 - design.handBackRate)) / invocationS,
  };
  // A batch of one queue holds deliveries of up to accounts / queues limiters, and the consumer calls each.
  const account = accountCeiling(design, latencyS, limitersPerBatch(design, accounts));
  const stages = {
    "queue writes": design.queues * perQueue.queueWrites,
    "consumer connections": design.queues * perQueue.consumers,
    "accounts × per-account ceiling": accounts * account.ceiling,
  };
  const [binding, deployment] = Object.entries(stages).sort((a, b) => a[1] - b[1])[0];
  return { stages, binding, deployment, account, invocationS };
}

/**
 * One account: its limiter Durable Object(s) serve accept calls (one per
 * acceptGroup triggers) and the consumer's calls (consumerCallsPerBatch per
 * batch and limiter: `limiters` is how many share a batch, 1 when the
 * account fills it); its in-flight cap allows concurrency / latency sends a
 * second.
 */
export function accountCeiling(design, latencyS, limiters = 1) {
  const deliveriesPerBatch = design.batch * design.deliveriesPerMessage;
  const callsPerDelivery = 1 / design.acceptGroup + (design.consumerCallsPerBatch * limiters) / deliveriesPerBatch;
  const limiter = (design.limiterShardsPerAccount * LIMITS.durableObjectRequestsPerSecond) / callsPerDelivery;
  const inFlight = (design.limiterShardsPerAccount * design.concurrencyPerAccount) / latencyS;
  return { ceiling: Math.min(limiter, inFlight), limiter, inFlight, binding: limiter <= inFlight ? "limiter requests" : "in-flight cap", callsPerDelivery };
}

/** How many limiters one consumer batch spans when `accounts` equally busy accounts share the queues. */
export function limitersPerBatch(design, accounts) {
  return Math.max(1, Math.min(accounts / design.queues, design.batch * design.deliveriesPerMessage));
}

/** A deterministic pseudo-random source, so a run repeats exactly. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Time-stepped: `offered` triggers/s spread over `accounts`; each limiter has
 * a request budget per tick, each queue a write budget per tick (hand-backs
 * written last tick come out of it first); a trigger the limiter or queue
 * cannot take is refused (the caller sees a 503 and retries). A free consumer
 * invocation takes up to `batch` messages and is busy for its waves of sends
 * (latency jittered ±20 %) plus its limiter calls; its deliveries count when
 * it finishes. Runs 30 invocation times (at least 20 s) and returns
 * delivered/s over the second half.
 */
export function simulate(design, { latencyS, offered, accounts = 1_000, seed = 7 }) {
  const { invocationS } = capacity(design, latencyS, accounts);
  const seconds = Math.max(20, 30 * invocationS);
  const tick = Math.max(0.01, invocationS / 100);
  const rand = random(seed);
  const d = design.deliveriesPerMessage;
  const limiterBudget = LIMITS.durableObjectRequestsPerSecond * design.limiterShardsPerAccount * tick;
  const queueBudget = LIMITS.queueMessagesPerSecond * tick;
  const queues = Array.from({ length: design.queues }, () => ({
    backlog: 0,
    handBackWrites: 0,
    consumers: Array.from({ length: LIMITS.consumersPerQueue }, () => ({ busyUntil: 0, carrying: 0 })),
  }));
  const perAccount = (offered / accounts) * tick;
  const measureFrom = seconds / 2;
  let delivered = 0;
  let refused = 0;
  let consumerCalls = 0;
  const steps = Math.round(seconds / tick);
  for (let step = 0; step < steps; step++) {
    const now = step * tick;
    const measuring = now >= measureFrom;
    // Accept: every account's triggers this tick, through its limiter (less what the consumers asked of it) and a queue.
    const writes = queues.map((queue) => queue.handBackWrites);
    const limiterRoom = Math.max(0, limiterBudget - consumerCalls / accounts) * design.acceptGroup;
    consumerCalls = 0;
    for (let a = 0; a < accounts; a++) {
      const q = a % design.queues;
      const queued = Math.min(perAccount, limiterRoom, Math.max(0, (queueBudget - writes[q]) * d));
      writes[q] += queued / d;
      queues[q].backlog += queued;
      if (measuring) refused += perAccount - queued;
    }
    // Consume.
    for (const queue of queues) {
      queue.handBackWrites = 0;
      for (const consumer of queue.consumers) {
        if (consumer.busyUntil > now) continue;
        if (measuring) delivered += consumer.carrying;
        consumer.carrying = 0;
        if (queue.backlog < 1) continue;
        const take = Math.min(queue.backlog, design.batch * d);
        queue.backlog -= take;
        const waves = Math.ceil(take / LIMITS.connectionsPerInvocation);
        consumer.busyUntil = now + waves * latencyS * (0.8 + 0.4 * rand()) + design.consumerCallsPerBatch * design.limiterRttS;
        const handedBack = take * design.handBackRate;
        consumer.carrying = take - handedBack;
        queue.backlog += handedBack;
        queue.handBackWrites += handedBack / d;
        consumerCalls += design.consumerCallsPerBatch * Math.min(accounts / design.queues, take);
      }
    }
  }
  const measured = seconds - measureFrom;
  return { deliveredPerSecond: delivered / measured, refusedPerSecond: refused / measured, backlog: queues.reduce((sum, q) => sum + q.backlog, 0) };
}

/** The designs docs/scale.md compares. */
export function designs() {
  // Batches of 100 deliveries: 100 messages of one, or 10 messages of ten.
  const sharded = (queues, deliveriesPerMessage) => ({
    ...CURRENT,
    name: `${queues} queue${queues === 1 ? "" : "s"}, ${deliveriesPerMessage} deliver${deliveriesPerMessage === 1 ? "y" : "ies"} a message, 100 deliveries a batch`,
    queues,
    deliveriesPerMessage,
    batch: 100 / deliveriesPerMessage,
  });
  return [CURRENT, CURRENT_GROUPED, ONE_QUEUE, sharded(1, 1), sharded(2, 1), sharded(4, 1), sharded(8, 1), sharded(1, 10), sharded(4, 10), sharded(8, 10), sharded(16, 10)];
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");

function main() {
  const json = process.argv.includes("--json");
  const latencies = [0.05, 0.2, 1];
  const out = { limits: LIMITS, designs: [] };
  for (const design of designs()) {
    const rows = latencies.map((latencyS) => {
      const cap = capacity(design, latencyS);
      // Offer 20 % more than the ceiling: the simulation should settle at it.
      const sim = simulate(design, { latencyS, offered: cap.deployment * 1.2 });
      return { latencyS, ...cap, simulated: sim.deliveredPerSecond };
    });
    out.designs.push({ design, rows });
  }
  const accountRows = [1, 4, 16].flatMap((acceptGroup) =>
    [1, 4].map((limiterShardsPerAccount) => {
      const design = { ...CURRENT, acceptGroup, limiterShardsPerAccount };
      return { acceptGroup, limiterShardsPerAccount, ...accountCeiling(design, 0.2) };
    }),
  );
  out.accounts = accountRows;
  if (json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  console.log("Deliveries/s for a deployment with 1,000 equally busy accounts (ceiling from the model; simulated at 1.2 × the ceiling offered)\n");
  console.log(`| design | target latency | queue writes | consumer connections | accounts | ceiling | binds | simulated |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |`);
  for (const { design, rows } of out.designs) {
    for (const r of rows) {
      console.log(`| ${design.name} | ${r.latencyS * 1000} ms | ${fmt(r.stages["queue writes"])} | ${fmt(r.stages["consumer connections"])} | ${fmt(r.stages["accounts × per-account ceiling"])} | **${fmt(r.deployment)}** | ${r.binding} | ${fmt(r.simulated)} |`);
    }
  }
  console.log("\nOne account at 200 ms target latency (its limiter: ~1,000 requests/s each; 600 in flight each)\n");
  console.log(`| triggers per accept call | limiter shards | limiter calls per delivery | limiter bound | in-flight bound | ceiling |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const r of accountRows) {
    console.log(`| ${r.acceptGroup} | ${r.limiterShardsPerAccount} | ${r.callsPerDelivery.toFixed(3)} | ${fmt(r.limiter)} | ${fmt(r.inFlight)} | **${fmt(r.ceiling)}** (${r.binding}) |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
