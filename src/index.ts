import { createApp } from "./app";
import { consumeDeadLetters } from "./delivery/dead-letter";
import { consumeDeliveries } from "./delivery/consume";
import type { Bindings } from "./env";

export { AccountLimiter } from "./limiter/account-limiter.do";

const app = createApp();

/** Wiring only: HTTP to the Hono app, queue batches to their consumer. */
export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumeDeliveries(batch, env);
  },
} satisfies ExportedHandler<Bindings>;
