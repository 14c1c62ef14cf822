// `wrangler dev` as `npm start` runs it, on a state directory the caller keeps,
// so a second start picks up what the first one persisted (Durable Object
// SQLite, alarms, KV). Unlike test/clients/global-setup.ts, which runs one
// relay for a whole project, this one is killed and started again by its test.
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, signalGroup, waitUntilHealthy } from "../clients/global-setup";

// The public local-only key from scripts/start.mjs: what it seals here is throwaway test data.
const DEV_ENCRYPTION_KEY = "dev:ZWRnZWhvb2stbG9jYWwtZGV2LW9ubHkta2V5LTAwMDE=";

export interface WranglerDev {
  url: string;
  /** SIGKILL to the whole process group (wrangler and its workerd children), as a crash would; resolves once wrangler is gone. */
  kill(): Promise<void>;
}

export async function startWranglerDev(options: { root: string; stateDir: string; adminToken: string }): Promise<WranglerDev> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    "node_modules/.bin/wrangler",
    [
      "dev", "--local", "--ip", "127.0.0.1", "--port", String(port),
      "--inspector-port", "0", "--show-interactive-dev-session=false",
      "--persist-to", options.stateDir,
      "--var", `ADMIN_TOKEN:${options.adminToken}`,
      "--var", "ALLOW_PRIVATE_TARGETS:true",
      "--var", `ENCRYPTION_KEY:${DEV_ENCRYPTION_KEY}`,
      "--var", "RETRY_SCHEDULE:1,1,1",
    ],
    {
      cwd: options.root,
      detached: true, // its own process group, so the kill reaches workerd too
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        CI: "true",
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        WRANGLER_LOG_PATH: join(options.stateDir, "..", "logs"),
      },
    },
  );
  let log = "";
  const logFile = process.env.EDGEHOOK_CRASH_LOG; // set it to keep wrangler's whole output, to debug a run
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-20_000);
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Last resort if the test never gets to kill it: exit handlers must be synchronous.
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);
  const kill = async () => {
    signalGroup(child, "SIGKILL");
    if (child.exitCode === null && child.signalCode === null) await exited;
    process.off("exit", killOnExit);
  };
  try {
    await waitUntilHealthy(url, child, () => log);
  } catch (error) {
    await kill();
    throw error;
  }
  return { url, kill };
}
