import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Every test runs inside workerd with the bindings from wrangler.toml; outbound
// webhooks go to a real node:http server started by test/global-setup.ts.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        cf: false,
        bindings: {
          ADMIN_TOKEN: "test-admin-token",
          ALLOW_PRIVATE_TARGETS: "true",
          RETRY_SCHEDULE: "1,1,1",
          EGRESS_IPS: "203.0.113.10, 203.0.113.11",
        },
      },
    }),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
