// `npm run bench`: throughput of edgehook against baselines measured in the
// same run, on this machine, all on 127.0.0.1. Prints ratios, never asserts.
//
//   1. triggers accepted/s       vs a bare Hono route (same Miniflare, same load)
//   2. deliveries/s end to end   vs a plain Node fetch loop to the same sink
//   3. render time per template  cached parse vs parse + render every time
//   4. events accepted/s         /v1/batch with 100-event batches vs the bare route with the same body
//   5. events/s delivered        through a destination batching 1000 vs the Node fetch loop of 2.
//
// Plain Miniflare over the built Worker (`wrangler deploy --dry-run`), not
// `wrangler dev`, whose proxy process halves throughput.
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { build } from "esbuild";
import { Miniflare, Log, LogLevel } from "miniflare";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Load phases alternate edgehook and baseline this many times; the medians are compared, so drift hits both. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 1000);
/** Events pushed through a batching destination in phase 5. */
const PIPELINE_EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const EVENTS_PER_REQUEST = 100;
const ADMIN = "bench-admin-token";
const quiet = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

function log(line) {
  process.stdout.write(`${line}\n`);
}

async function buildWorkers() {
  execFileSync("node_modules/.bin/wrangler", ["deploy", "--dry-run", "--outdir", "dist"], { env: quiet, stdio: "ignore" });
  await build({ entryPoints: ["bench/baseline-worker.ts"], bundle: true, format: "esm", outfile: "dist/bench/baseline.js", logLevel: "silent" });
  await build({ entryPoints: ["bench/render-entry.ts"], bundle: true, format: "esm", platform: "node", outfile: "dist/bench/render.mjs", packages: "external", logLevel: "silent" });
}

function startSink() {
  let received = 0;
  let events = 0;
  const waiters = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      received++;
      // A batch is a JSON array: count its events too.
      if (req.url.startsWith("/batch")) events += JSON.parse(Buffer.concat(chunks).toString()).length;
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
      while (waiters.length && waiters[0].count <= received) waiters.shift().resolve();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        get received() { return received; },
        get events() { return events; },
        reset() { received = 0; events = 0; },
        until(count) { return count <= received ? Promise.resolve() : new Promise((done) => waiters.push({ count, resolve: done })); },
        close() { server.closeAllConnections(); server.close(); },
      }),
    ),
  );
}

function startMiniflare() {
  return new Miniflare({
    log: new Log(LogLevel.ERROR),
    host: "127.0.0.1",
    port: 0,
    cf: false,
    workers: [
      {
        name: "edgehook",
        modules: true,
        scriptPath: "dist/index.js",
        compatibilityDate: "2026-04-20",
        compatibilityFlags: ["nodejs_compat"],
        routes: ["*/v1/*", "*/healthz"],
        kvNamespaces: ["CONFIG", "ATTRIBUTES"],
        queueProducers: { DELIVERIES: "edgehook-deliveries", EVENTS: "edgehook-events" },
        queueConsumers: {
          "edgehook-deliveries": { maxBatchSize: 50, maxBatchTimeout: 0, maxRetries: 5 },
          "edgehook-events": { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 10 },
        },
        durableObjects: {
          ACCOUNT_LIMITER: { className: "AccountLimiter", useSQLite: true },
          BATCH_BUFFER: { className: "BatchBuffer", useSQLite: true },
        },
        bindings: { ADMIN_TOKEN: ADMIN, ALLOW_PRIVATE_TARGETS: "true", RETRY_SCHEDULE: "1,1,1", EGRESS_IPS: "", ENCRYPTION_KEY: "bench:ZWRnZWhvb2stbG9jYWwtZGV2LW9ubHkta2V5LTAwMDE=" },
      },
      { name: "baseline", modules: true, scriptPath: "dist/bench/baseline.js", compatibilityDate: "2026-04-20", routes: ["*/baseline"] },
    ],
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Sends requests from CONCURRENCY loops for SECONDS; returns accepted requests per second. */
async function load(makeRequest, expectStatus) {
  const deadline = performance.now() + SECONDS * 1000;
  let ok = 0;
  let failed = 0;
  async function loop() {
    while (performance.now() < deadline) {
      const res = await makeRequest();
      await res.arrayBuffer();
      if (res.status === expectStatus) ok++;
      else failed++;
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const seconds = (performance.now() - started) / 1000;
  if (failed) log(`  (${failed} requests answered other than ${expectStatus})`);
  return ok / seconds;
}

async function main() {
  log(`edgehook bench: ${ROUNDS} rounds of ${SECONDS} s load phases (medians), ${CONCURRENCY} concurrent clients, ${DELIVERIES} deliveries end to end`);
  await buildWorkers();
  const sink = await startSink();
  const mf = startMiniflare();
  const base = (await mf.ready).toString().replace(/\/$/, "");
  const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  const put = (path, body) => fetch(`${base}${path}`, { method: "PUT", headers: admin, body: JSON.stringify(body) });

  await put("/v1/accounts/bench", { name: "bench", concurrency: 600 });
  await put("/v1/accounts/bench/actions/hook", {
    url: `${sink.url}/hook`,
    headers: { "X-Customer": "{{ customer.id }}" },
    body: '{"id": "{{ customer.id }}", "email": {{ customer.email | json }}, "plan": "{{ event.plan | default: "free" }}"}',
  });
  const triggerBody = JSON.stringify({ customer: { id: "42", email: "ada@example.com" }, event: { plan: "pro" } });

  // 1. Accepting triggers (the consumer runs meanwhile, as it would in production).
  const baselineRuns = [];
  const triggerRuns = [];
  for (let round = 0; round < ROUNDS; round++) {
    baselineRuns.push(await load(() => fetch(`${base}/baseline`, { method: "POST", headers: admin, body: triggerBody }), 202));
    triggerRuns.push(await load(() => fetch(`${base}/v1/accounts/bench/actions/hook/trigger`, { method: "POST", headers: admin, body: triggerBody }), 202));
  }
  const baselineRps = median(baselineRuns);
  const triggerRps = median(triggerRuns);
  await sink.until(sink.received); // let the backlog drain before the next phase
  await new Promise((resolve) => setTimeout(resolve, 2000));

  // 2. End to end: DELIVERIES triggers, timed until the sink has them all.
  sink.reset();
  let started = performance.now();
  for (let sent = 0; sent < DELIVERIES; sent += CONCURRENCY) {
    const batch = Math.min(CONCURRENCY, DELIVERIES - sent);
    await Promise.all(Array.from({ length: batch }, () =>
      fetch(`${base}/v1/accounts/bench/actions/hook/trigger`, { method: "POST", headers: admin, body: triggerBody }).then((r) => r.arrayBuffer())));
  }
  await Promise.race([sink.until(DELIVERIES), new Promise((resolve) => setTimeout(resolve, 120_000))]);
  const endToEndSeconds = (performance.now() - started) / 1000;
  const delivered = sink.received;
  const deliveriesPerSecond = delivered / endToEndSeconds;

  sink.reset();
  started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < DELIVERIES) {
      const res = await fetch(`${sink.url}/direct`, { method: "POST", headers: { "content-type": "application/json" }, body: triggerBody });
      await res.arrayBuffer();
    }
  }));
  const directPerSecond = DELIVERIES / ((performance.now() - started) / 1000);

  // 4. Accepting events: /v1/batch with 100 events a request, against the bare route reading the same body.
  const { key: writeKey } = await (await fetch(`${base}/v1/accounts/bench/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "bench" }) })).json();
  const ingest = { authorization: `Basic ${btoa(`${writeKey}:`)}`, "content-type": "application/json" };
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
  let nextRequest = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (nextRequest++ < PIPELINE_EVENTS / EVENTS_PER_REQUEST) {
      await (await fetch(`${base}/v1/batch`, { method: "POST", headers: ingest, body: eventBatch() })).arrayBuffer();
    }
  }));
  const deadline = performance.now() + 120_000;
  while (sink.events < PIPELINE_EVENTS && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const pipelineEventsPerSecond = sink.events / ((performance.now() - started) / 1000);
  const pipelineEvents = sink.events;

  await mf.dispose();
  sink.close();

  // 3. Rendering, in Node with the same engine module.
  const { benchRender } = await import(`${process.cwd()}/dist/bench/render.mjs`);
  const render = benchRender(Math.min(SECONDS, 3) * 1000);

  log("");
  log("| measure | edgehook | baseline | ratio |");
  log("| --- | ---: | ---: | ---: |");
  log(`| triggers accepted /s (vs bare Hono route) | ${triggerRps.toFixed(0)} | ${baselineRps.toFixed(0)} | ${(triggerRps / baselineRps).toFixed(2)} |`);
  log(`| deliveries /s end to end (vs Node fetch loop) | ${deliveriesPerSecond.toFixed(0)} | ${directPerSecond.toFixed(0)} | ${(deliveriesPerSecond / directPerSecond).toFixed(2)} |`);
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
