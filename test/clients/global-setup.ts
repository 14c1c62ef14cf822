// globalSetup of the `clients` project: the relay as `npm start` runs it
// (wrangler dev, local queues, KV and Durable Objects) on a free port with a
// fresh state directory (removed at the end), plus the sink its destinations
// deliver to. Tests get both URLs and the admin token with inject().
// Wrangler runs in its own process group, which is killed at teardown (and,
// failing that, when this process exits).
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startSink, type Sink } from "./sink";
import { freePort, signalGroup, sleep, spawnWranglerDev, waitUntilHealthy } from "./wrangler-dev";

const STOP_TIMEOUT_MS = 5_000;

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
    const wrangler = spawnWranglerDev({ root, port, stateDir: join(workDir, "state"), logDir: join(workDir, "logs"), adminToken, logEnv: "EDGEHOOK_CLIENTS_LOG" });
    const { url, child } = wrangler;
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
      await waitUntilHealthy(wrangler);
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
