import { createApp } from "./app";
import type { Bindings } from "./env";

export { AccountLimiter } from "./limiter/account-limiter.do";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>;
