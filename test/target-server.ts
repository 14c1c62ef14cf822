// A real HTTP target for webhook tests, run in Node by vitest globalSetup.
// Each test uses its own key: `/t/<key>?…` behaves as the query asks and is
// recorded; `GET /_inspect/<key>` reports what arrived.
//
//   status=503        answer with this status (default 200)
//   fail=2            the first 2 requests get `status` (default 500), later ones 200
//   delay=300         wait this many ms before answering (a hang when long)
//   delay_first=5000  wait this long on the first request only
//   json={"a":1}      answer with this JSON body (default {"ok":true})
//   retry_after=1     add a Retry-After header
//   location=/x       add a Location header (for 3xx)
//   pad=70000         add a field "pad" of this many "x" to the JSON body (for size limits)
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

interface KeyStats {
  requests: RecordedRequest[];
  inFlight: number;
  maxInFlight: number;
}

export interface TargetServer {
  url: string;
  /** A URL on which nothing listens: connection refused. */
  refusedUrl: string;
  close(): Promise<void>;
}

const stats = new Map<string, KeyStats>();

function statsFor(key: string): KeyStats {
  let entry = stats.get(key);
  if (!entry) {
    entry = { requests: [], inFlight: 0, maxInFlight: 0 };
    stats.set(key, entry);
  }
  return entry;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startTargetServer(): Promise<TargetServer> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, kind, key = "default"] = url.pathname.split("/");
    if (kind === "_inspect") {
      const entry = statsFor(key);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ count: entry.requests.length, maxInFlight: entry.maxInFlight, inFlight: entry.inFlight, requests: entry.requests }));
      return;
    }
    const entry = statsFor(key);
    entry.inFlight++;
    entry.maxInFlight = Math.max(entry.maxInFlight, entry.inFlight);
    const body = await readBody(req);
    entry.requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, at: Date.now() });
    try {
      const query = url.searchParams;
      const isFirst = entry.requests.length === 1;
      const delay = Number(query.get("delay") ?? 0) || (isFirst ? Number(query.get("delay_first") ?? 0) : 0);
      if (delay > 0) await sleep(delay);
      const failures = Number(query.get("fail") ?? 0);
      let status = Number(query.get("status") ?? 200);
      if (failures > 0) status = entry.requests.length <= failures ? Number(query.get("status") ?? 500) : 200;
      const headers: Record<string, string> = { "content-type": "application/json", "x-target": "edgehook-test" };
      if (query.has("retry_after")) headers["retry-after"] = query.get("retry_after")!;
      if (query.has("location")) headers.location = query.get("location")!;
      if (res.destroyed) return;
      res.writeHead(status, headers);
      let answer = query.get("json") ?? JSON.stringify({ ok: status < 300, status });
      if (query.has("pad")) answer = JSON.stringify({ ...JSON.parse(answer), pad: "x".repeat(Number(query.get("pad"))) });
      res.end(answer);
    } finally {
      entry.inFlight--;
    }
  });
  const port = await listen(server);

  // Reserve a port, then free it: connecting there is refused.
  const probe = createServer();
  const refusedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));

  return {
    url: `http://127.0.0.1:${port}`,
    refusedUrl: `http://127.0.0.1:${refusedPort}/refused`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
