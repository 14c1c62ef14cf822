import { createApp } from "./app";
import { consumeDeadLetters } from "./delivery/dead-letter";
import { consumeDeliveries } from "./delivery/consume";
import { consumeEvents } from "./pipelines/consume-events";
import type { Bindings } from "./env";

export { AccountLimiter } from "./limiter/account-limiter.do";
export { BatchBuffer } from "./pipelines/batch-buffer.do";
export { EventInbox } from "./pipelines/event-inbox.do";
export { GistQueue } from "./gist/queue.do";

const app = createApp();

/** Wiring only: HTTP to the Hono app, queue batches to their consumer. */
export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    // Events, and events that kept failing, take the same route.
    if (batch.queue.startsWith("edgehook-events")) await consumeEvents(batch, env);
    else if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else await consumeDeliveries(batch, env);
  },
} satisfies ExportedHandler<Bindings>;
