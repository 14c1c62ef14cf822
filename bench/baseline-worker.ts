import { Hono } from "hono";

// The baseline for trigger throughput: a bare Hono route that reads the same
// JSON body and answers 202, with no auth, rendering, storage or queue.
const app = new Hono();
app.post("/baseline", async (c) => {
  const body = await c.req.json();
  return c.json({ accepted: Boolean(body) }, 202);
});
export default app;
