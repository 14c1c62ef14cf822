// globalSetup of the `clients` project: the relay as `npm start` runs it
// (wrangler dev, local queues, KV and Durable Objects) on a free port with a
// fresh state directory (removed at the end), plus the sink its destinations
// deliver to. Tests get both URLs and the admin token with inject().
// Wrangler runs in its own process group, which is killed at teardown (and,
// failing that, when this process exits).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startSink, type Sink } from "./sink";

// The public local-only key from scripts/start.mjs: what it seals here is throwaway test data.
const DEV_ENCRYPTION_KEY = "dev:ZWRnZWhvb2stbG9jYWwtZGV2LW9ubHkta2V5LTAwMDE=";
const READY_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 5_000;

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals wrangler's whole process group: wrangler and its workerd children. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone.
  }
}

/** SIGTERM, up to 5 s for wrangler to exit, then SIGKILL for whatever of the group is left. */
async function stop(child: ChildProcess): Promise<void> {
  const running = child.exitCode === null && child.signalCode === null;
  if (running) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    signalGroup(child, "SIGTERM");
    await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
  }
  signalGroup(child, "SIGKILL");
}

export async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
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

interface Relay {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` on a free port and waits for /healthz. When wrangler
 * exits first (another process took the port in between), it tries again on
 * a new port, up to three times.
 */
async function startRelay(root: string, workDir: string, adminToken: string): Promise<Relay> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      "node_modules/.bin/wrangler",
      [
        "dev", "--local", "--ip", "127.0.0.1", "--port", String(port),
        "--inspector-port", "0", "--show-interactive-dev-session=false",
        "--persist-to", join(workDir, "state"),
        "--var", `ADMIN_TOKEN:${adminToken}`,
        "--var", "ALLOW_PRIVATE_TARGETS:true",
        "--var", `ENCRYPTION_KEY:${DEV_ENCRYPTION_KEY}`,
        "--var", "RETRY_SCHEDULE:1,1,1",
      ],
      {
        cwd: root,
        detached: true, // its own process group, so stopping it reaches workerd too
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          CI: "true",
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          WRANGLER_SEND_ERROR_REPORTS: "false",
          WRANGLER_LOG_PATH: join(workDir, "logs"), // not the user's ~/.config/.wrangler
        },
      },
    );
    // Keep the tail of wrangler's output for error messages; reading it also keeps the pipes from filling.
    let log = "";
    const logFile = process.env.EDGEHOOK_CLIENTS_LOG; // set it to keep wrangler's whole output, to debug a run
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-20_000);
      if (logFile) appendFileSync(logFile, chunk);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("error", (err) => keep(Buffer.from(`\nspawning wrangler failed: ${err.message}\n`)));
    // Last resort if teardown never runs (a crashed or interrupted run): exit handlers must be synchronous.
    const killOnExit = () => signalGroup(child, "SIGKILL");
    process.once("exit", killOnExit);
    const relay = {
      url,
      stop: async () => {
        await stop(child);
        process.off("exit", killOnExit);
      },
    };
    try {
      await waitUntilHealthy(url, child, () => log);
      return relay;
    } catch (error) {
      const exitedEarly = child.exitCode !== null;
      await relay.stop();
      if (!exitedEarly || attempt === 3) throw error;
    }
  }
}

export default async function setup(project: TestProject) {
  const workDir = await mkdtemp(join(tmpdir(), "edgehook-clients-"));
  const adminToken = `clients-${randomUUID()}`;
  let sink: Sink | undefined;
  let relay: Relay | undefined;
  const teardown = async () => {
    await relay?.stop();
    await sink?.close();
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    sink = await startSink();
    relay = await startRelay(project.config.root, workDir, adminToken);
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide("relayUrl", relay.url);
  project.provide("sinkUrl", sink.url);
  project.provide("relayAdminToken", adminToken);
  return teardown;
}
