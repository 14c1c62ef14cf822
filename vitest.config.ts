import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Every test runs inside workerd with the bindings from wrangler.toml; outbound
// webhooks go to a real node:http server started by test/global-setup.ts.
function workers(allowPrivateTargets: boolean) {
  return cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      cf: false,
      bindings: {
        ADMIN_TOKEN: "test-admin-token",
        // A test value (key id "test"); test/routes/account-secrets.test.ts opens what KV holds with it.
        ENCRYPTION_KEY: "test:ZWRnZWhvb2stdGVzdC1lbmNyeXB0aW9uLWtleS0zMmI=",
        ALLOW_PRIVATE_TARGETS: String(allowPrivateTargets),
        RETRY_SCHEDULE: "1,1,1",
        EGRESS_IPS: "203.0.113.10, 203.0.113.11",
      },
    },
  });
}

const shared = { globalSetup: ["./test/global-setup.ts"], testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    projects: [
      // Local targets allowed, as in `npm start`: most tests talk to the local target server.
      { plugins: [workers(true)], test: { ...shared, name: "relay", include: ["test/**/*.test.ts"], exclude: ["test/production/**", "test/clients/**", "test/browser/**", "test/crash/**"] } },
      // As deployed: private targets refused end to end.
      { plugins: [workers(false)], test: { ...shared, name: "production", include: ["test/production/**/*.test.ts"] } },
      // In Node: the real analytics libraries, and Chromium (test/browser/), against the relay under `wrangler dev` (test/clients/global-setup.ts).
      {
        test: {
          name: "clients",
          environment: "node",
          include: ["test/clients/**/*.test.ts", "test/browser/**/*.test.ts"],
          globalSetup: ["./test/clients/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      // In Node: `wrangler dev` SIGKILLed mid-delivery and restarted on its persisted state (test/crash).
      { test: { name: "crash", environment: "node", include: ["test/crash/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 30_000 } },
    ],
  },
});
