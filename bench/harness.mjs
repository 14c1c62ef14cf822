// What bench/run.mjs and bench/profile.mjs share: building the Worker, the
// node:http sink, plain Miniflare over the built script (not `wrangler dev`,
// whose proxy process halves throughput), and the load loop.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { build } from "esbuild";
import { Miniflare, Log, LogLevel } from "miniflare";

export const ADMIN = "bench-admin-token";
const TICKS = 100; // /proc times are in clock ticks (USER_HZ)
const quiet = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/**
 * Every request the load generator makes asks for an uncompressed answer.
 * Node's fetch asks for gzip by default, and workerd obliges, while the sink
 * never compresses: gunzipping each tiny answer cost this process 0.25–0.5
 * ms a request, bound the bare route by the load generator and, on two
 * cores, took CPU from workerd. In production the edge compresses, not the
 * Worker, so neither side of a ratio should pay for it here.
 */
export const PLAIN = { "content-type": "application/json", "accept-encoding": "identity" };

/** Admin headers for the bench's set-up calls and the admin-token loads. */
export const adminHeaders = { ...PLAIN, authorization: `Bearer ${ADMIN}` };

/**
 * The account both benches load: "bench" (concurrency 600) with the action
 * "hook" aimed at the sink. Returns a PUT helper for further set-up.
 */
export async function setUpBenchAccount(base, sink) {
  const put = (path, body) => fetch(`${base}${path}`, { method: "PUT", headers: adminHeaders, body: JSON.stringify(body) });
  await put("/v1/accounts/bench", { name: "bench", concurrency: 600 });
  await put("/v1/accounts/bench/actions/hook", {
    url: `${sink.url}/hook`,
    headers: { "X-Customer": "{{ customer.id }}" },
    body: '{"id": "{{ customer.id }}", "email": {{ customer.email | json }}, "plan": "{{ event.plan | default: "free" }}"}',
  });
  return put;
}

export function log(line) {
  process.stdout.write(`${line}\n`);
}

export async function buildWorkers() {
  execFileSync("node_modules/.bin/wrangler", ["deploy", "--dry-run", "--outdir", "dist"], { env: quiet, stdio: "ignore" });
  await build({ entryPoints: ["bench/baseline-worker.ts"], bundle: true, format: "esm", outfile: "dist/bench/baseline.js", logLevel: "silent" });
  await build({ entryPoints: ["bench/render-entry.ts"], bundle: true, format: "esm", platform: "node", outfile: "dist/bench/render.mjs", packages: "external", logLevel: "silent" });
}

/** A node:http sink answering 200 to everything; counts requests, and the events of /batch arrays. */
export function startSink() {
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

const DELIVERY_QUEUES = ["edgehook-deliveries", "edgehook-deliveries-1", "edgehook-deliveries-2", "edgehook-deliveries-3"];

/**
 * The Worker as wrangler.toml configures it, plus the bare baseline route, in
 * one Miniflare. `deliveryConsumer: false` (profiling only) leaves deliveries
 * on the queue, to tell the accept path's cost from the consumer's;
 * `scriptPath` runs another build (a variant, to compare side by side).
 */
export function startMiniflare(shared = {}, { deliveryConsumer = true, scriptPath = "dist/index.js" } = {}) {
  return new Miniflare({
    log: new Log(LogLevel.ERROR),
    host: "127.0.0.1",
    port: 0,
    cf: false,
    ...shared,
    workers: [
      {
        name: "edgehook",
        modules: true,
        scriptPath,
        compatibilityDate: "2026-04-20",
        compatibilityFlags: ["nodejs_compat"],
        routes: ["*/v1/*", "*/healthz"],
        kvNamespaces: ["CONFIG", "ATTRIBUTES"],
        // The four delivery queues of wrangler.toml (src/delivery/queues.ts).
        queueProducers: { ...Object.fromEntries(DELIVERY_QUEUES.map((queue, shard) => [shard ? `DELIVERIES_${shard}` : "DELIVERIES", queue])), EVENTS: "edgehook-events" },
        queueConsumers: {
          ...(deliveryConsumer ? Object.fromEntries(DELIVERY_QUEUES.map((queue) => [queue, { maxBatchSize: 50, maxBatchTimeout: 0, maxRetries: 5 }])) : {}),
          "edgehook-events": { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 10 },
        },
        durableObjects: {
          ACCOUNT_LIMITER: { className: "AccountLimiter", useSQLite: true },
          BATCH_BUFFER: { className: "BatchBuffer", useSQLite: true },
          EVENT_INBOX: { className: "EventInbox", useSQLite: true },
        },
        bindings: { ADMIN_TOKEN: ADMIN, ALLOW_PRIVATE_TARGETS: "true", RETRY_SCHEDULE: "1,1,1", EGRESS_IPS: "", ENCRYPTION_KEY: "bench:ZWRnZWhvb2stbG9jYWwtZGV2LW9ubHkta2V5LTAwMDE=" },
      },
      { name: "baseline", modules: true, scriptPath: "dist/bench/baseline.js", compatibilityDate: "2026-04-20", routes: ["*/baseline"] },
    ],
  });
}

/** Waits until the sink has received nothing new for a second: the deliveries of earlier phases are all in. */
export async function drained(sink) {
  for (let last = -1; last !== sink.received; ) {
    last = sink.received;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Sends requests from `concurrency` loops for `seconds`; returns answers with `expectStatus` per second. */
export async function load(makeRequest, expectStatus, { seconds, concurrency }) {
  const deadline = performance.now() + seconds * 1000;
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
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  if (failed) log(`  (${failed} requests answered other than ${expectStatus})`);
  return ok / elapsed;
}

/** Sends `count` requests from `concurrency` loops, each reading its answer before the next; resolves when all are answered. */
export async function sendCount(makeRequest, count, concurrency) {
  let next = 0;
  async function loop() {
    while (next++ < count) {
      const res = await makeRequest();
      await res.arrayBuffer();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
}

/** CPU seconds (user + system) of a process and its children so far. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

export function workerdPids() {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.includes("(workerd)") && Number(stat.split(") ")[1].split(" ")[1]) === process.pid;
    } catch {
      return false;
    }
  });
}
