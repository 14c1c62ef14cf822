// `node bench/profile.mjs`: where a trigger's time goes, in two views.
//
//   1. A ladder of routes, each adding one step of the trigger path, loaded
//      one after another in the same Miniflare: requests/s, and the CPU the
//      workerd process and this Node process (the load generator) spent per
//      request, read from /proc; then 2,000 triggers end to end, for the CPU
//      a delivery costs in all (accept and consume).
//   2. A V8 CPU profile of the edgehook isolate (workerd's inspector) taken
//      while triggers are loaded, self time summed per source module of the
//      bundle (esbuild marks each module with a `// src/…` comment).
//
// Local KV, Queues and Durable Object storage are Miniflare's simulations:
// their cost here is CPU on the same two cores, not a network round trip.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import WebSocket from "ws";
import { PLAIN, adminHeaders, buildWorkers, cpuSeconds, drained, load, log, sendCount, setUpBenchAccount, startMiniflare, startSink, workerdPids } from "./harness.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Loads one route and reports requests/s with the CPU ms per request of workerd and of this process. */
async function measure(name, makeRequest, status, pids) {
  const sum = () => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  const [workerd0, node0] = [sum(), process.cpuUsage()];
  const started = performance.now();
  const rps = await load(makeRequest, status, { seconds: SECONDS, concurrency: CONCURRENCY });
  const requests = rps * ((performance.now() - started) / 1000);
  const node = process.cpuUsage(node0);
  return { name, rps, workerdMs: ((sum() - workerd0) * 1000) / requests, nodeMs: (node.user + node.system) / 1000 / requests };
}

/**
 * A delivery's whole cost: 2,000 triggers from CONCURRENCY loops, timed
 * until the sink has them all; CPU per delivery, accept and consume together.
 */
async function endToEnd(trigger, sink, pids) {
  const count = 2_000;
  const sum = () => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  await drained(sink); // the ladder's triggers are still being delivered
  sink.reset();
  const [workerd0, node0] = [sum(), process.cpuUsage()];
  const started = performance.now();
  await sendCount(trigger, count, CONCURRENCY);
  await sink.until(count);
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(node0);
  return { name: `end to end: ${count} triggers until the sink has them (deliveries/s; CPU per delivery)`, rps: count / seconds, workerdMs: ((sum() - workerd0) * 1000) / count, nodeMs: (node.user + node.system) / 1000 / count };
}

/** Bundle line → source module, from esbuild's `// path` comments in dist/index.js. */
function moduleMap() {
  const starts = [];
  readFileSync("dist/index.js", "utf8").split("\n").forEach((line, index) => {
    const match = line.match(/^\/\/ ((?:src|node_modules)\/\S+)$/);
    if (match) starts.push({ line: index, module: match[1] });
  });
  return (line) => {
    let found = "(bundle prelude)";
    for (const start of starts) {
      if (start.line > line) break;
      found = start.module;
    }
    return found;
  };
}

function category(frame, moduleOf) {
  if (!frame.url) return frame.functionName.startsWith("(") ? frame.functionName : `native ${frame.functionName || "(anonymous)"}`;
  if (!frame.url.endsWith("index.js")) return `runtime ${frame.url.split("/").pop()}`;
  const module = moduleOf(frame.lineNumber);
  const pkg = module.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  return module.replace(/\.ts$/, "");
}

/** Rolls modules up into the steps of the path. */
function area(name) {
  if (name === "(program)" || name === "(garbage collector)" || name.startsWith("runtime ")) return "runtime: workerd's own work (bindings, RPC, SQLite, I/O) and GC";
  if (/^src\/(delivery|reporting)\/|^native fetch$/.test(name)) return "consumer: sending the deliveries (runs alongside)";
  if (/^src\/limiter\//.test(name)) return "limiter: accept, acquire, settle (Durable Object)";
  if (/^(zod|src\/http\/|src\/routes\/triggers|src\/store\/ids)/.test(name)) return "body parsing and validation";
  if (/^src\/(auth|store)\//.test(name)) return "auth and config (hash, cache, KV reads)";
  if (/^(liquidjs|src\/templates\/)/.test(name)) return "render (liquidjs)";
  if (name === "hono" || name === "src/app" || name === "src/index") return "routing (Hono)";
  return "other (natives, encoding, ids)";
}

async function cpuProfile(inspectorPort, run) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => t.title.includes("edgehook")) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let nextId = 1;
  const pending = new Map();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString());
    if (message.id && pending.has(message.id)) pending.get(message.id)(message.result);
  });
  const send = (method, params = {}) => new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  const result = await run();
  const { profile } = await send("Profiler.stop");
  ws.close();
  return { profile, result };
}

function selfTimes(profile) {
  const moduleOf = moduleMap();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  profile.samples.forEach((id, index) => {
    const key = category(byId.get(id).callFrame, moduleOf);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return totals;
}

async function main() {
  await buildWorkers();
  const sink = await startSink();
  const inspectorPort = await freePort();
  // PROFILE_NO_CONSUMER=1: deliveries stay queued, so the numbers are the accept path's alone.
  const mf = startMiniflare({ inspectorPort }, { deliveryConsumer: process.env.PROFILE_NO_CONSUMER !== "1" });
  const base = (await mf.ready).toString().replace(/\/$/, "");
  const pids = workerdPids();
  const admin = adminHeaders;
  await setUpBenchAccount(base, sink);
  const { key } = await (await fetch(`${base}/v1/accounts/bench/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "bench" }) })).json();
  const keyed = { ...PLAIN, authorization: `Bearer ${key}` };
  const body = JSON.stringify({ customer: { id: "42", email: "ada@example.com" }, event: { plan: "pro" } });
  const post = (path, headers = admin) => () => fetch(`${base}${path}`, { method: "POST", headers, body });
  const get = (path) => () => fetch(`${base}${path}`, { headers: admin });

  log(`workerd pids ${pids.join(", ")}; ${SECONDS} s a step, ${CONCURRENCY} concurrent clients${process.env.PROFILE_NO_CONSUMER === "1" ? "; delivery consumer off" : ""}`);
  const ladder = [
    await measure("bare Hono route (baseline)", post("/baseline"), 202, pids),
    await measure("GET /healthz (edgehook's app, no auth)", get("/healthz"), 200, pids),
    await measure("GET account (admin auth + 1 KV read)", get("/v1/accounts/bench"), 200, pids),
    await measure("GET action (admin auth + 2 KV reads)", get("/v1/accounts/bench/actions/hook"), 200, pids),
    await measure("preview (+ attributes KV read, zod, render)", post("/v1/accounts/bench/actions/hook/preview"), 200, pids),
    await measure("trigger, admin token (+ limiter DO: SQLite + queue send)", post("/v1/accounts/bench/actions/hook/trigger"), 202, pids),
    await measure("trigger, service key (+ key-hash KV read)", post("/v1/accounts/bench/actions/hook/trigger", keyed), 202, pids),
  ];
  if (process.env.PROFILE_NO_CONSUMER !== "1") ladder.push(await endToEnd(post("/v1/accounts/bench/actions/hook/trigger"), sink, pids));
  log("");
  log("| step | requests/s | workerd CPU ms/request | load generator CPU ms/request |");
  log("| --- | ---: | ---: | ---: |");
  for (const row of ladder) log(`| ${row.name} | ${row.rps.toFixed(0)} | ${row.workerdMs.toFixed(2)} | ${row.nodeMs.toFixed(2)} |`);

  const { profile, result: rps } = await cpuProfile(inspectorPort, () => load(post("/v1/accounts/bench/actions/hook/trigger"), 202, { seconds: SECONDS, concurrency: CONCURRENCY }));
  const triggers = rps * SECONDS;
  // PROFILE_OUT=file.cpuprofile keeps the profile, to open in Chrome DevTools.
  if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
  const totals = selfTimes(profile);
  totals.delete("(idle)");
  const busy = [...totals].reduce((sum, [, micros]) => sum + micros, 0);
  const byArea = new Map();
  for (const [name, micros] of totals) byArea.set(area(name), (byArea.get(area(name)) ?? 0) + micros);
  log("");
  log(`CPU profile of the edgehook isolate (Worker and limiter) during ${SECONDS} s of triggers (${rps.toFixed(0)}/s): ${(busy / triggers).toFixed(0)} µs busy per trigger`);
  log("");
  log("| area | µs per trigger | share |");
  log("| --- | ---: | ---: |");
  for (const [name, micros] of [...byArea].sort((a, b) => b[1] - a[1])) log(`| ${name} | ${(micros / triggers).toFixed(0)} | ${((100 * micros) / busy).toFixed(0)} % |`);
  log("");
  log("| self time in | µs per trigger | share |");
  log("| --- | ---: | ---: |");
  for (const [name, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 20)) log(`| ${name} | ${(micros / triggers).toFixed(1)} | ${((100 * micros) / busy).toFixed(1)} % |`);
  await mf.dispose();
  sink.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
