#!/usr/bin/env node
// Mutation testing for edgehook: `npm run mutate [-- options]`.
//
// Each mutant in scripts/mutants.mjs is one small source edit (an exact
// snippet and its replacement). They are applied one at a time to a temporary
// copy of the project (src/, test/, the config files; node_modules linked),
// never to the working tree, and each runs only the test files that cover the
// edited file. A mutant is killed when those tests fail or time out, and
// survives when they pass. Score = killed / (mutants run − listed equivalents).
//
// StrykerJS 9 (the last line for Node 20) can drive the workers pool, but it
// generates ~1,400 mutants for these folders (about four hours here, mostly
// string and regex edits with no behaviour to test), and it has no mutator for
// numbers, so the mutants the issue names (30 → 7 days, a flat 5 s lease,
// Retry-After ignored, the tenant check dropped) would need a hand-written
// list anyway. This runner is that list.
//
//   --changed <git ref>   only mutants of files changed since <ref> (CI: HEAD~1)
//   --file <src/x.ts>     only mutants of this file (repeatable)
//   --id <n[,n…]>         only these mutants (repeatable)
//   --list                print the selected mutants and exit
//   --timeout <s>         per-mutant limit (default: 2.5 × the unmutated run + 30 s)
//   --budget <minutes>    start no new mutant after this long (the rest are reported as not run)
//   --no-baseline         skip the unmutated run of each test set (then --timeout, default 300 s)
//   --keep                keep the temporary copy
//   --verbose             print vitest's output for survivors and errors
//
// Exit status: 0 when every mutant run was killed or is listed as equivalent;
// 1 when one survived unlisted; 2 when the list is stale or invalid, or some
// mutants could not be judged because their tests fail without any mutant.
// Concurrency is 1 on purpose: the machine has 2 cores and workerd uses both.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync, symlinkSync, realpathSync, rmSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { mutants, testsFor, projects = [] } = await import("./mutants.mjs");

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { files: [], ids: [], changed: null, list: false, timeout: null, budget: null, baseline: true, keep: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) fail(`${arg} needs a value`);
      return next;
    };
    if (arg === "--changed") opts.changed = value();
    else if (arg === "--file") opts.files.push(value().replace(/^\.\//, ""));
    else if (arg === "--id") opts.ids.push(...value().split(",").map((n) => Number(n.trim())));
    else if (arg === "--list") opts.list = true;
    else if (arg === "--timeout") opts.timeout = Number(value());
    else if (arg === "--budget") opts.budget = Number(value());
    else if (arg === "--no-baseline") opts.baseline = false;
    else if (arg === "--keep") opts.keep = true;
    else if (arg === "--verbose") opts.verbose = true;
    else if (arg === "--help" || arg === "-h") {
      console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("//")).map((l) => l.slice(3)).join("\n"));
      process.exit(0);
    } else fail(`unknown option ${arg} (see --help)`);
  }
  if (opts.ids.some((id) => !Number.isInteger(id))) fail("--id takes whole numbers");
  if (opts.timeout !== null && !(opts.timeout > 0)) fail("--timeout takes seconds");
  if (opts.budget !== null && !(opts.budget > 0)) fail("--budget takes minutes");
  return opts;
}

function fail(message) {
  console.error(`mutate: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------- the list

/** Every problem with the list, checked against the files as they are now: a stale list fails loudly. */
async function checkList() {
  const problems = [];
  const seen = new Set();
  const sources = new Map();
  let esbuild = null;
  try {
    esbuild = await import("esbuild");
  } catch {
    // Without esbuild the syntax check is skipped; vitest would report a broken mutant as a load error.
  }
  for (const m of mutants) {
    const where = `mutant #${m.id}${m.file ? ` (${m.file})` : ""}`;
    if (!Number.isInteger(m.id) || m.id <= 0) problems.push(`${where}: id must be a positive whole number`);
    if (seen.has(m.id)) problems.push(`${where}: id used twice`);
    seen.add(m.id);
    if (!m.description) problems.push(`${where}: no description`);
    if (typeof m.find !== "string" || typeof m.replace !== "string" || m.find === m.replace) problems.push(`${where}: find and replace must be different strings`);
    const path = join(root, m.file ?? "");
    if (!m.file || !existsSync(path)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (!sources.has(m.file)) sources.set(m.file, readFileSync(path, "utf8"));
    const source = sources.get(m.file);
    const count = occurrences(source, m.find);
    if (count !== 1) {
      problems.push(`${where}: the snippet occurs ${count} times (must be exactly once): ${JSON.stringify(m.find.length > 120 ? `${m.find.slice(0, 120)}…` : m.find)}`);
      continue;
    }
    const tests = testsOf(m);
    if (tests.length === 0) problems.push(`${where}: no test files cover ${m.file} (add it to testsFor)`);
    for (const test of tests) if (!existsSync(join(root, test))) problems.push(`${where}: test file ${test} does not exist`);
    if (esbuild) {
      try {
        await esbuild.transform(source.replace(m.find, () => m.replace), { loader: "ts", sourcefile: m.file });
      } catch (err) {
        problems.push(`${where}: the mutated file does not parse: ${String(err.message).split("\n").slice(0, 3).join(" ")}`);
      }
    }
  }
  return problems;
}

function occurrences(text, snippet) {
  if (!snippet) return 0;
  let count = 0;
  for (let at = text.indexOf(snippet); at !== -1; at = text.indexOf(snippet, at + 1)) count++;
  return count;
}

/** The test files a mutant runs: those mapped to its file, plus any it names itself. */
function testsOf(m) {
  return [...new Set([...(testsFor[m.file] ?? []), ...(m.tests ?? [])])].sort();
}

function changedFiles(ref) {
  try {
    const out = execFileSync("git", ["diff", "--name-only", ref, "--"], { cwd: root, encoding: "utf8" });
    return new Set(out.split("\n").filter(Boolean));
  } catch (err) {
    fail(`git diff --name-only ${ref} failed: ${String(err.stderr ?? err.message).trim()}`);
  }
}

// ---------------------------------------------------------------- the copy

// public/ is the Workers Static Assets directory wrangler.toml names: the workers pool refuses to start without it.
const COPIED = ["src", "test", "public", "package.json", "tsconfig.json", "tsconfig.node.json", "vitest.config.ts", "wrangler.toml"];

/**
 * A copy of the project to mutate. node_modules is a directory of links to
 * each installed package, so vite's cache (node_modules/.vite) stays in the
 * copy instead of the working tree's.
 */
function makeCopy() {
  const dir = mkdtempSync(join(tmpdir(), "edgehook-mutate-"));
  for (const entry of COPIED) if (existsSync(join(root, entry))) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  const modules = join(root, "node_modules");
  if (!existsSync(modules)) fail("node_modules is missing: run npm ci first");
  const real = realpathSync(modules);
  mkdirSync(join(dir, "node_modules"));
  for (const name of readdirSync(real)) {
    if (name === ".vite" || name === ".cache") continue;
    symlinkSync(join(real, name), join(dir, "node_modules", name));
  }
  return dir;
}

// ---------------------------------------------------------------- running vitest

const childEnv = {
  ...process.env,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  FORCE_COLOR: "0",
};

/** Runs vitest on `tests` in `dir`. Resolves with how it ended; never rejects. */
function runVitest(dir, tests, timeoutMs, tag, bail = false) {
  const report = join(dir, `.mutate-${tag}.json`);
  rmSync(report, { force: true });
  // A mutant is decided by its first failing test: --bail stops there.
  const args = ["run", ...projects.map((name) => `--project=${name}`), ...tests, "--reporter=dot", "--reporter=json", `--outputFile.json=${report}`, ...(bail ? ["--bail=1"] : [])];
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(join(dir, "node_modules", ".bin", "vitest"), args, { cwd: dir, env: childEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk) => {
      output += chunk;
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // workerd children may outlive vitest; the group goes with it.
      killGroup(child.pid);
      let failed = [];
      let total = 0;
      try {
        const r = JSON.parse(readFileSync(report, "utf8"));
        total = r.numTotalTests ?? 0;
        failed = r.testResults.flatMap((file) =>
          file.assertionResults.filter((a) => a.status === "failed").map((a) => `${relative(dir, file.name)} › ${a.fullName}`),
        );
        if (failed.length === 0 && r.testResults.some((file) => file.status === "failed")) {
          failed = r.testResults.filter((file) => file.status === "failed").map((file) => `${relative(dir, file.name)}: ${(file.message ?? "failed to load").split("\n")[0]}`);
        }
      } catch {
        // No report: vitest did not get as far as running tests.
      }
      done({ code: code ?? (signal ? 1 : 0), timedOut, seconds: (Date.now() - started) / 1000, failed, total, output });
    });
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

// ---------------------------------------------------------------- main

const opts = parseArgs(process.argv.slice(2));
const problems = await checkList();
if (problems.length > 0) {
  console.error(`mutate: the mutant list does not match the source (${problems.length} problem${problems.length === 1 ? "" : "s"}); fix scripts/mutants.mjs:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(2);
}

let selected = mutants;
if (opts.changed) {
  const changed = changedFiles(opts.changed);
  selected = selected.filter((m) => changed.has(m.file));
}
if (opts.files.length > 0) {
  for (const file of opts.files) if (!mutants.some((m) => m.file === file)) fail(`no mutants for ${file}`);
  selected = selected.filter((m) => opts.files.includes(m.file));
}
if (opts.ids.length > 0) {
  for (const id of opts.ids) if (!mutants.some((m) => m.id === id)) fail(`no mutant #${id}`);
  selected = selected.filter((m) => opts.ids.includes(m.id));
}

if (opts.list) {
  for (const m of selected) console.log(`#${m.id}\t${m.file}\t${m.description}${m.equivalent ? "\t(equivalent)" : ""}\n\ttests: ${testsOf(m).join(" ")}`);
  console.log(`${selected.length} of ${mutants.length} mutants`);
  process.exit(0);
}
if (selected.length === 0) {
  console.log(`mutation score: n/a (no mutants in the selected files; ${mutants.length} in the list)`);
  process.exit(0);
}

const dir = makeCopy();
const cleanup = () => {
  if (!opts.keep) rmSync(dir, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});
console.log(`mutate: ${selected.length} mutant${selected.length === 1 ? "" : "s"} in ${dir}${opts.keep ? " (kept)" : ""}`);

// The unmutated tests must pass, or a "kill" means nothing; their time sets each set's timeout.
// A set that fails twice unmutated leaves its mutants unjudged (and the run exits 2); the others go on.
const setKey = (tests) => tests.join(" ");
const timeouts = new Map();
const brokenSets = new Set();
if (opts.baseline) {
  for (const key of [...new Set(selected.map((m) => setKey(testsOf(m))))]) {
    const tests = key.split(" ");
    let base;
    for (let attempt = 1; attempt <= 2; attempt++) {
      base = await runVitest(dir, tests, 600_000, "baseline");
      if (base.code === 0 && !base.timedOut && base.total > 0) break;
    }
    if (base.code !== 0 || base.timedOut || base.total === 0) {
      brokenSets.add(key);
      console.error(`mutate: the unmutated tests fail, so their mutants cannot be judged: ${tests.join(" ")}`);
      for (const f of base.failed.slice(0, 10)) console.error(`  ✗ ${f}`);
      if (base.failed.length === 0) console.error(base.output.slice(-3000));
      continue;
    }
    timeouts.set(key, opts.timeout ? opts.timeout * 1000 : Math.ceil(base.seconds * 2.5 + 30) * 1000);
    console.log(`  baseline ${base.seconds.toFixed(1).padStart(5)} s  ${base.total} tests  ${tests.join(" ")}`);
  }
}

const startedAt = Date.now();
const results = [];
for (const m of selected) {
  if (opts.budget && Date.now() - startedAt > opts.budget * 60_000) {
    results.push({ m, status: "not run" });
    continue;
  }
  const tests = testsOf(m);
  if (brokenSets.has(setKey(tests))) {
    results.push({ m, status: "unjudged" });
    console.log(`#${String(m.id).padEnd(4)}UNJUDGED       ${m.file}: ${m.description}\n        its tests fail without the mutant`);
    continue;
  }
  const file = join(dir, m.file);
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replace(m.find, () => m.replace));
  let run;
  try {
    run = await runVitest(dir, tests, timeouts.get(setKey(tests)) ?? (opts.timeout ?? 300) * 1000, `m${m.id}`, true);
  } finally {
    writeFileSync(file, original);
  }
  const killed = run.timedOut || run.code !== 0;
  const status = killed ? "killed" : m.equivalent ? "equivalent" : "survived";
  const how = run.timedOut ? "timed out" : killed ? (run.failed[0] ?? "vitest failed without a failing test") : `${run.total} tests passed`;
  results.push({ m, status, seconds: run.seconds, how, failedCount: run.failed.length });
  const label = { killed: "KILLED  ", survived: "SURVIVED", equivalent: "equiv.  " }[status];
  console.log(`#${String(m.id).padEnd(4)}${label} ${run.seconds.toFixed(1).padStart(5)} s  ${m.file}: ${m.description}`);
  console.log(`        ${killed ? "by " : ""}${how}${run.failed.length > 1 ? ` (+${run.failed.length - 1} more)` : ""}`);
  if (killed && m.equivalent) console.log(`        note: listed as equivalent but killed; remove its "equivalent" note`);
  if (opts.verbose && (!killed || run.failed.length === 0)) console.log(run.output.slice(-4000));
}
cleanup();

// ---------------------------------------------------------------- summary

const count = (status) => results.filter((r) => r.status === status).length;
const killed = count("killed");
const equivalent = count("equivalent");
const survived = results.filter((r) => r.status === "survived");
const notRun = count("not run");
const unjudged = count("unjudged");
const judged = results.length - notRun - unjudged;
const score = judged - equivalent > 0 ? (100 * killed) / (judged - equivalent) : 100;
if (survived.length > 0) {
  console.log("\nsurvivors (not listed as equivalent):");
  for (const { m } of survived) console.log(`  #${m.id} ${m.file}: ${m.description}`);
}
if (notRun > 0) console.log(`\n${notRun} mutant(s) not run: the --budget of ${opts.budget} min ran out (${results.filter((r) => r.status === "not run").map((r) => `#${r.m.id}`).join(" ")})`);
console.log(
  `\nmutation score ${score.toFixed(1)}%: ${killed} killed of ${judged - equivalent} (${judged} run − ${equivalent} equivalent); ` +
    `${survived.length} survived${survived.length ? ` (${survived.map((r) => `#${r.m.id}`).join(" ")})` : ""}` +
    `${notRun ? `; ${notRun} not run` : ""}${unjudged ? `; ${unjudged} unjudged (their tests fail unmutated)` : ""}; ${((Date.now() - startedAt) / 60_000).toFixed(1)} min`,
);
process.exit(unjudged > 0 ? 2 : survived.length > 0 ? 1 : 0);
