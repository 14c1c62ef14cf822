// The real Gist web SDK (customerio-gist-web's published dist/gist.min.js) in
// Chromium, polling edgehook in serve mode.
//
// With env "local" the SDK's queue host is http://localhost:3010 and its
// renderer http://localhost:9998. This test SERVES edgehook there: a plain
// node:http proxy on 127.0.0.1:3010 forwards every request, unchanged, to the
// relay under `wrangler dev`, so the browser's CORS preflights and checks run
// against edgehook's real answers. Port 9998 serves a stub renderer that does
// what Gist's renderer does once a message is drawn: it posts `routeLoaded`
// back to the page. Chromium resolves only localhost (to 127.0.0.1); every
// other host name fails to resolve, so nothing leaves the machine.
import { readFile } from "node:fs/promises";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { relay, uniqueId } from "../clients/relay";
import { launchChromium, screenshot } from "./chromium";

const QUEUE_PORT = 3010;
const RENDERER_PORT = 9998;

interface Exchange {
  path: string;
  status: number;
  body: string;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new Error(`Port ${port} is taken: the Gist SDK's local env needs it free for this test`) : err),
    );
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The answer's text, as the browser reads it after undoing the compression it asked for. */
function decoded(body: Buffer, encoding: string | undefined): string {
  if (body.length === 0) return "";
  if (encoding === "gzip") return gunzipSync(body).toString("utf8");
  if (encoding === "br") return brotliDecompressSync(body).toString("utf8");
  return body.toString("utf8");
}

/** Forwards to the relay as is, and keeps each exchange so the test can read what the SDK was told. */
function queueProxy(relayUrl: string, exchanges: Exchange[]): Server {
  const upstream = new URL(relayUrl);
  return createServer(async (req, res) => {
    const body = await readBody(req);
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      async (answer) => {
        const answerBody = await readBody(answer);
        exchanges.push({ path: `${req.method} ${req.url}`, status: answer.statusCode ?? 0, body: decoded(answerBody, answer.headers["content-encoding"]) });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(answerBody);
      },
    );
    forwarded.on("error", (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    forwarded.end(body);
  });
}

/** Gist's renderer, reduced to its handshake: take the options, draw, say `routeLoaded`. */
const RENDERER_HTML = `<!doctype html><html><body><h1 id="rendered">edgehook test message</h1><script>
  window.addEventListener("message", (event) => {
    const options = event.data && event.data.options;
    if (!options) return;
    document.getElementById("rendered").textContent = "Message " + options.messageId;
    window.parent.postMessage({ gist: { instanceId: options.instanceId, method: "routeLoaded", parameters: { route: "index" } } }, "*");
  });
</script></body></html>`;

function staticServer(files: Record<string, { type: string; body: string | Buffer }>): Server {
  return createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://localhost").pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": file.type }).end(file.body);
  });
}

const pageHtml = (siteId: string, userToken: string) => `<!doctype html><html><head><title>edgehook × Gist web SDK</title></head>
<body><main><h1>Shop</h1><p>A page with the Gist web SDK, polling edgehook.</p></main>
<script src="/gist.min.js"></script>
<script>
  window.shown = [];
  (async () => {
    await Gist.setup({ siteId: ${JSON.stringify(siteId)}, env: "local", logging: true });
    Gist.events.on("messageShown", (message) => window.shown.push({ messageId: message.messageId, queueId: message.queueId }));
    await Gist.setUserToken(${JSON.stringify(userToken)});
  })();
</script></body></html>`;

describe("the Gist web SDK in Chromium, against edgehook's serve mode", () => {
  const exchanges: Exchange[] = [];
  const servers: Server[] = [];
  let browser: Browser;
  let page: Page;
  let account: string;
  let key: string;
  const site = uniqueId("site");
  const userToken = uniqueId("shopper");

  beforeAll(async () => {
    // The published bundle, as a page would load it (the package's exports do not list it).
    const sdk = await readFile("node_modules/customerio-gist-web/dist/gist.min.js");
    const pages = staticServer({ "/": { type: "text/html", body: pageHtml(site, userToken) }, "/gist.min.js": { type: "text/javascript", body: sdk } });
    servers.push(pages, queueProxy(inject("relayUrl"), exchanges), staticServer({ "/index.html": { type: "text/html", body: RENDERER_HTML } }));
    const pagePort = await listen(pages, 0);
    await listen(servers[1]!, QUEUE_PORT);
    await listen(servers[2]!, RENDERER_PORT);
    const pageOrigin = `http://localhost:${pagePort}`;

    account = uniqueId("gist-sdk");
    const created = await relay("PUT", `/v1/accounts/${account}`, { gist: { mode: "serve", site_id: site, polling_interval_s: 1, allowed_origins: [pageOrigin] } });
    expect(created.status).toBe(201);
    key = (await relay("POST", `/v1/accounts/${account}/keys`, { name: "customer.io webhook" })).body.key;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await page.goto(`${pageOrigin}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it("picks up a message queued through Gist's API, shows it, logs the view, and no later poll returns it", async () => {
    // The SDK polls with the page's site and user before anything is queued.
    await expect.poll(() => exchanges.some((e) => e.path.startsWith("POST /api/v4/users") && e.status === 200), { timeout: 15_000 }).toBe(true);

    const queued = await fetch(`${inject("relayUrl")}/api/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-bourbon-organization-id": account, "x-gist-service-key": key },
      body: JSON.stringify({ messageId: "welcome-offer", userToken, priority: 1, properties: { title: "10% off", gist: { position: "center" } } }),
    });
    expect(queued.status).toBe(202);
    const [queueId] = ((await queued.json()) as { queue_ids: string[] }).queue_ids;

    // The next poll brings it: the SDK holds its queueId and draws the message frame.
    await expect.poll(() => page.evaluate(() => (window as any).Gist.currentMessages.map((m: any) => m.queueId)), { timeout: 15_000 }).toContain(queueId);
    const frame = page.locator(`iframe[src^="http://localhost:${RENDERER_PORT}/index.html"]`);
    await expect.poll(() => frame.count(), { timeout: 10_000 }).toBe(1);

    // The renderer said routeLoaded: the SDK fires messageShown and logs the view with edgehook.
    await expect.poll(() => page.evaluate(() => (window as any).shown), { timeout: 10_000 }).toEqual([{ messageId: "welcome-offer", queueId }]);
    await expect.poll(() => exchanges.find((e) => e.path === `POST /api/v1/logs/queue/${queueId}`)?.status, { timeout: 10_000 }).toBe(200);
    const views = await relay("GET", `/v1/accounts/${account}/gist/users/${encodeURIComponent(userToken)}/views`);
    expect(views.body.views).toMatchObject([{ queueId, messageId: "welcome-offer" }]);

    // Every poll answered after the view leaves the message out.
    const viewedAt = exchanges.findIndex((e) => e.path === `POST /api/v1/logs/queue/${queueId}`);
    await expect
      .poll(() => exchanges.slice(viewedAt + 1).filter((e) => e.path.startsWith("POST /api/v4/users")).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    for (const poll of exchanges.slice(viewedAt + 1).filter((e) => e.path.startsWith("POST /api/v4/users"))) {
      expect(JSON.parse(poll.body).inAppMessages).toEqual([]);
    }

    await screenshot(page, "gist-sdk-message-shown");
  });
});
