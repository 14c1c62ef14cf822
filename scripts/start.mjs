// `npm start`: install dependencies if they are missing, then run the relay
// locally with wrangler dev — local Queues, KV and Durable Objects, no login,
// no network. The admin token, encryption key and private-target switch are
// for local use only: the key below is public, so what it seals is not secret.
// Deployments set their own with `wrangler secret put ENCRYPTION_KEY`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const LOCAL_ADMIN_TOKEN = process.env.ADMIN_TOKEN ?? "dev-admin-token";
// keyId:base64(32 bytes); the bytes spell "edgehook-local-dev-only-key-0001".
const LOCAL_ENCRYPTION_KEY = process.env.ENCRYPTION_KEY ?? "dev:ZWRnZWhvb2stbG9jYWwtZGV2LW9ubHkta2V5LTAwMDE=";
const port = process.env.PORT ?? "8787";

if (!existsSync("node_modules/.bin/wrangler")) {
  console.log("edgehook: installing dependencies (npm ci) …");
  const install = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const quiet = {
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

const args = [
  "dev", "--local", "--ip", "127.0.0.1", "--port", port,
  "--inspector-port", "0", "--show-interactive-dev-session=false",
  "--var", `ADMIN_TOKEN:${LOCAL_ADMIN_TOKEN}`,
  "--var", `ENCRYPTION_KEY:${LOCAL_ENCRYPTION_KEY}`,
  "--var", "ALLOW_PRIVATE_TARGETS:true",
  ...process.argv.slice(2),
];
const base = `http://127.0.0.1:${port}`;
console.log(`edgehook: ${base}  (admin token: ${LOCAL_ADMIN_TOKEN === "dev-admin-token" ? "dev-admin-token" : "from ADMIN_TOKEN"})`);
// On 127.0.0.1 and localhost the dashboard's session cookie is not Secure, so it works over plain HTTP.
console.log(`  dashboard: ${base}/ui  (sign in with the admin token or a service key)`);
console.log(`  API docs:  ${base}/docs  (OpenAPI document: ${base}/openapi.json)`);
const dev = spawn("node_modules/.bin/wrangler", args, {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, ...quiet },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
