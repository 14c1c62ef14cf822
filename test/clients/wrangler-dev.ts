// `wrangler dev` as `npm start` runs it (local Queues, KV and Durable Objects),
// for the Node test projects: the clients project runs one for the whole
// project (global-setup.ts); the crash project kills one and starts it again
// on the same state (test/crash/). Wrangler runs in its own process group, so
// a signal reaches its workerd children too.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createServer } from "node:net";

// The public local-only key from scripts/start.mjs: what it seals here is throwaway test data.
const DEV_ENCRYPTION_KEY = "dev:ZWRnZWhvb2stbG9jYWwtZGV2LW9ubHkta2V5LTAwMDE=";
const READY_TIMEOUT_MS = 45_000;

/** A port nothing listens on right now (the kernel's pick, released again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals wrangler's whole process group: wrangler and its workerd children. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone.
  }
}

export interface WranglerProcess {
  url: string;
  child: ChildProcess;
  /** The tail of wrangler's output, for error messages. */
  output(): string;
}

/**
 * Spawns `wrangler dev` on `port` with `stateDir` as its persisted state,
 * retries on (RETRY_SCHEDULE 1,1,1) and private targets allowed, as the tests
 * need. Set the environment variable `logEnv` names to a file path to keep
 * wrangler's whole output when debugging a run.
 */
export function spawnWranglerDev(options: { root: string; port: number; stateDir: string; logDir: string; adminToken: string; logEnv: string }): WranglerProcess {
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(
    "node_modules/.bin/wrangler",
    [
      "dev", "--local", "--ip", "127.0.0.1", "--port", String(options.port),
      "--inspector-port", "0", "--show-interactive-dev-session=false",
      "--persist-to", options.stateDir,
      "--var", `ADMIN_TOKEN:${options.adminToken}`,
      "--var", "ALLOW_PRIVATE_TARGETS:true",
      "--var", `ENCRYPTION_KEY:${DEV_ENCRYPTION_KEY}`,
      "--var", "RETRY_SCHEDULE:1,1,1",
    ],
    {
      cwd: options.root,
      detached: true, // its own process group, so a signal reaches workerd too
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        CI: "true",
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        WRANGLER_LOG_PATH: options.logDir, // not the user's ~/.config/.wrangler
      },
    },
  );
  // Keep the tail of the output for error messages; reading it also keeps the pipes from filling.
  let log = "";
  const logFile = process.env[options.logEnv];
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-20_000);
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("error", (err) => keep(Buffer.from(`\nspawning wrangler failed: ${err.message}\n`)));
  return { url, child, output: () => log };
}

export async function waitUntilHealthy({ url, child, output }: WranglerProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode ?? "not started"}) before /healthz answered:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`wrangler dev did not answer /healthz within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}
