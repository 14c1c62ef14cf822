// `wrangler dev` as `npm start` runs it, on a state directory the caller keeps,
// so a second start picks up what the first one persisted (Durable Object
// SQLite, alarms, KV). Unlike test/clients/global-setup.ts, which runs one
// relay for a whole project, this one is killed and started again by its test.
import { join } from "node:path";
import { freePort, signalGroup, spawnWranglerDev, waitUntilHealthy } from "../clients/wrangler-dev";

export interface WranglerDev {
  url: string;
  /** SIGKILL to the whole process group (wrangler and its workerd children), as a crash would; resolves once wrangler is gone. */
  kill(): Promise<void>;
}

export async function startWranglerDev(options: { root: string; stateDir: string; adminToken: string }): Promise<WranglerDev> {
  const wrangler = spawnWranglerDev({
    root: options.root,
    port: await freePort(),
    stateDir: options.stateDir,
    logDir: join(options.stateDir, "..", "logs"),
    adminToken: options.adminToken,
    logEnv: "EDGEHOOK_CRASH_LOG",
  });
  const { url, child } = wrangler;
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
    await waitUntilHealthy(wrangler);
  } catch (error) {
    await kill();
    throw error;
  }
  return { url, kill };
}
