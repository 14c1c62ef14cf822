// Debian's Chromium driven by playwright-core, for the browser tests (the
// Gist web SDK, the dashboard). `.ci/run` installs it with apt-get; set
// CHROMIUM_PATH to use another build. The flags keep Chromium off the
// network it would otherwise probe at start (this machine's network is
// closed, and tests only ever talk to 127.0.0.1 and localhost; the resolver
// rules make that a guarantee).
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where screenshots go: CI keeps `test-results/` as an artifact. */
export const RESULTS_DIR = "test-results";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      // Only localhost resolves (to 127.0.0.1); any other host name fails, so a page can reach nothing else.
      "--host-resolver-rules=MAP localhost 127.0.0.1, MAP * ~NOTFOUND",
    ],
  });
}

/** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
