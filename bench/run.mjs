// `npm run bench`: throughput of edgehook against baselines measured in the
// same run, on this machine, all on 127.0.0.1. Prints ratios, never asserts.
//
//   1. triggers accepted/s       vs a bare Hono route (same Miniflare, same load),
//                                and workerd's CPU per request for both; again with the
//                                delivery consumer paused (the accept path alone)
//   2. deliveries/s end to end   vs a plain Node fetch loop to the same sink
//   3. render time per template  cached parse vs parse + render every time
//   4. events accepted/s         /v1/batch with 100-event batches vs the bare route with the same body
//   5. events/s delivered        through a destination batching 1000 vs the Node fetch loop of 2.
//
// Plain Miniflare over the built Worker (`wrangler deploy --dry-run`), not
// `wrangler dev`, whose proxy process halves throughput.
import { PLAIN, adminHeaders, buildWorkers, cpuSeconds, drained, load as loadFor, log, median, sendCount, setUpBenchAccount, startMiniflare, startSink, workerdPids } from "./harness.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Load phases alternate edgehook and baseline this many times; the medians are compared, so drift hits both. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 1000);
/** Events pushed through a batching destination in phase 5. */
const PIPELINE_EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const EVENTS_PER_REQUEST = 100;

/** Sends requests from CONCURRENCY loops for SECONDS; returns accepted requests per second. */
const load = (makeRequest, expectStatus) => loadFor(makeRequest, expectStatus, { seconds: SECONDS, concurrency: CONCURRENCY });

async function main() {
  log(`edgehook bench: ${ROUNDS} rounds of ${SECONDS} s load phases (medians), ${CONCURRENCY} concurrent clients, ${DELIVERIES} deliveries end to end`);
  await buildWorkers();
  const sink = await startSink();
  const mf = startMiniflare();
  const base = (await mf.ready).toString().replace(/\/$/, "");
  const pids = workerdPids();
  const workerdCpu = () => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  /** Loads as `load` does, and reads the workerd process's CPU per answered request from /proc: steadier than requests/s on shared cores. */
  const loadWithCpu = async (makeRequest, expectStatus) => {
    const [cpu0, started] = [workerdCpu(), performance.now()];
    const rps = await load(makeRequest, expectStatus);
    return { rps, cpuMs: ((workerdCpu() - cpu0) * 1000) / (rps * ((performance.now() - started) / 1000)) };
  };
  const admin = adminHeaders;
  const put = await setUpBenchAccount(base, sink);
  const triggerBody = JSON.stringify({ customer: { id: "42", email: "ada@example.com" }, event: { plan: "pro" } });

  // 1. Accepting triggers (the consumer runs meanwhile, as it would in production).
  const baselineRuns = [];
  const triggerRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    baselineRuns.push(await loadWithCpu(() => fetch(`${base}/baseline`, { method: "POST", headers: admin, body: triggerBody }), 202));
    triggerRuns.push(await loadWithCpu(() => fetch(`${base}/v1/accounts/bench/actions/hook/trigger`, { method: "POST", headers: admin, body: triggerBody }), 202));
  }
  const baselineRps = median(baselineRuns.map((run) => run.rps));
  const triggerRps = median(triggerRuns.map((run) => run.rps));
  const baselineCpuMs = median(baselineRuns.map((run) => run.cpuMs));
  const triggerCpuMs = median(triggerRuns.map((run) => run.cpuMs));
  await drained(sink); // the backlog of phase 1 is delivered before phase 2 counts

  // 2. End to end: DELIVERIES triggers from CONCURRENCY loops (the shape of the fetch loop below), timed
  // until the sink has them all; alternated with the fetch loop ROUNDS times, like the phases above.
  const endToEndRuns = [];
  const directRuns = [];
  let delivered = DELIVERIES;
  let started;
  for (let round = 0; round < ROUNDS; round++) {
    await drained(sink);
    sink.reset();
    const cpu0 = workerdCpu();
    started = performance.now();
    await sendCount(() => fetch(`${base}/v1/accounts/bench/actions/hook/trigger`, { method: "POST", headers: admin, body: triggerBody }), DELIVERIES, CONCURRENCY);
    await Promise.race([sink.until(DELIVERIES), new Promise((resolve) => setTimeout(resolve, 120_000))]);
    const seconds = (performance.now() - started) / 1000;
    delivered = Math.min(delivered, sink.received);
    endToEndRuns.push({ rps: sink.received / seconds, cpuMs: ((workerdCpu() - cpu0) * 1000) / sink.received });

    sink.reset();
    started = performance.now();
    await sendCount(() => fetch(`${sink.url}/direct`, { method: "POST", headers: PLAIN, body: triggerBody }), DELIVERIES, CONCURRENCY);
    directRuns.push(DELIVERIES / ((performance.now() - started) / 1000));
  }
  const deliveriesPerSecond = median(endToEndRuns.map((run) => run.rps));
  const cpuMsPerDelivery = median(endToEndRuns.map((run) => run.cpuMs));
  const directPerSecond = median(directRuns);

  // 4. Accepting events: /v1/batch with 100 events a request, against the bare route reading the same body.
  const { key: writeKey } = await (await fetch(`${base}/v1/accounts/bench/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "bench" }) })).json();
  const ingest = { ...PLAIN, authorization: `Basic ${btoa(`${writeKey}:`)}` };
  const eventBatch = () => JSON.stringify({
    batch: Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({ type: "track", userId: `u${i}`, event: "Signed Up", properties: { plan: "Startup", n: i } })),
  });
  const batchBaselineRuns = [];
  const batchRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    batchBaselineRuns.push(await load(() => fetch(`${base}/baseline`, { method: "POST", headers: admin, body: eventBatch() }), 202));
    batchRuns.push(await load(() => fetch(`${base}/v1/batch`, { method: "POST", headers: ingest, body: eventBatch() }), 200));
  }
  const batchRps = median(batchRuns);
  const batchBaselineRps = median(batchBaselineRuns);
  await new Promise((resolve) => setTimeout(resolve, 2000));

  // 5. Events through a destination that batches 1000, timed until the sink has every event.
  await put("/v1/accounts/bench/destinations/batched", { url: `${sink.url}/batch`, batch: { size: 1000, window_ms: 1000 } });
  sink.reset();
  started = performance.now();
  await sendCount(() => fetch(`${base}/v1/batch`, { method: "POST", headers: ingest, body: eventBatch() }), PIPELINE_EVENTS / EVENTS_PER_REQUEST, CONCURRENCY);
  const deadline = performance.now() + 120_000;
  while (sink.events < PIPELINE_EVENTS && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const pipelineEventsPerSecond = sink.events / ((performance.now() - started) / 1000);
  const pipelineEvents = sink.events;

  await mf.dispose();

  // 1b. Accepting triggers with the delivery consumer paused (its messages stay queued): the accept
  // path alone, as in production, where consumers run in invocations of their own, not on this thread.
  const acceptOnly = startMiniflare({}, { deliveryConsumer: false });
  const acceptBase = (await acceptOnly.ready).toString().replace(/\/$/, "");
  await setUpBenchAccount(acceptBase, sink);
  const pausedBaselineRuns = [];
  const pausedTriggerRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    pausedBaselineRuns.push(await load(() => fetch(`${acceptBase}/baseline`, { method: "POST", headers: admin, body: triggerBody }), 202));
    pausedTriggerRuns.push(await load(() => fetch(`${acceptBase}/v1/accounts/bench/actions/hook/trigger`, { method: "POST", headers: admin, body: triggerBody }), 202));
  }
  const pausedBaselineRps = median(pausedBaselineRuns);
  const pausedTriggerRps = median(pausedTriggerRuns);
  await acceptOnly.dispose();
  sink.close();

  // 3. Rendering, in Node with the same engine module.
  const { benchRender } = await import(`${process.cwd()}/dist/bench/render.mjs`);
  const render = benchRender(Math.min(SECONDS, 3) * 1000);

  log("");
  log("| measure | edgehook | baseline | ratio |");
  log("| --- | ---: | ---: | ---: |");
  log(`| triggers accepted /s (vs bare Hono route) | ${triggerRps.toFixed(0)} | ${baselineRps.toFixed(0)} | ${(triggerRps / baselineRps).toFixed(2)} |`);
  log(`| triggers accepted /s with the delivery consumer paused (vs bare Hono route, same instance) | ${pausedTriggerRps.toFixed(0)} | ${pausedBaselineRps.toFixed(0)} | ${(pausedTriggerRps / pausedBaselineRps).toFixed(2)} |`);
  log(`| workerd CPU ms per request: trigger (the consumer's work meanwhile included) vs bare route | ${triggerCpuMs.toFixed(2)} | ${baselineCpuMs.toFixed(2)} | ${(triggerCpuMs / baselineCpuMs).toFixed(2)} |`);
  log(`| deliveries /s end to end (vs Node fetch loop) | ${deliveriesPerSecond.toFixed(0)} | ${directPerSecond.toFixed(0)} | ${(deliveriesPerSecond / directPerSecond).toFixed(2)} |`);
  log(`| workerd CPU ms per delivery end to end (accept and consume; the fetch loop spends none) | ${cpuMsPerDelivery.toFixed(2)} | – | – |`);
  log(`| events accepted /s via /v1/batch, 100 a request (requests vs bare route with the same body) | ${(batchRps * EVENTS_PER_REQUEST).toFixed(0)} | ${(batchBaselineRps * EVENTS_PER_REQUEST).toFixed(0)} | ${(batchRps / batchBaselineRps).toFixed(2)} |`);
  log(`| events accepted /s via /v1/batch vs triggers accepted /s | ${(batchRps * EVENTS_PER_REQUEST).toFixed(0)} | ${triggerRps.toFixed(0)} | ${((batchRps * EVENTS_PER_REQUEST) / triggerRps).toFixed(1)} |`);
  log(`| events /s delivered through a size-1000 destination (vs Node fetch loop requests /s) | ${pipelineEventsPerSecond.toFixed(0)} | ${directPerSecond.toFixed(0)} | ${(pipelineEventsPerSecond / directPerSecond).toFixed(2)} |`);
  for (const row of render) {
    log(`| render µs, ${row.name} (cached vs parse every time) | ${row.cachedMicros.toFixed(1)} | ${row.uncachedMicros.toFixed(1)} | ${(row.cachedMicros / row.uncachedMicros).toFixed(2)} |`);
  }
  if (delivered < DELIVERIES) log(`\nonly ${delivered} of ${DELIVERIES} deliveries arrived within 120 s`);
  if (pipelineEvents < PIPELINE_EVENTS) log(`\nonly ${pipelineEvents} of ${PIPELINE_EVENTS} events arrived within 120 s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
