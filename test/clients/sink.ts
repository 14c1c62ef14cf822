// The destinations' target for the client-library tests: a node:http server on
// 127.0.0.1, started once by test/clients/global-setup.ts. It answers 200 to
// everything under `/s/<key>` and records it; `GET /_requests/<key>` returns
// what arrived under that key, so each test reads only its own traffic (the
// tests run in other processes than the one holding the recordings).
// `?fail=N` on a delivery makes the first N requests under its key answer 503
// (still recorded): a target that fails, then recovers, to watch retries.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the sink saw it: `body` is the exact bytes, as UTF-8. */
export interface SinkRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

export interface Sink {
  url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startSink(): Promise<Sink> {
  const recorded = new Map<string, SinkRequest[]>();
  const failuresServed = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const path = req.url ?? "/";
    const [, kind = "", key = ""] = new URL(path, "http://127.0.0.1").pathname.split("/");
    const body = await readBody(req);
    if (kind === "_requests" && req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(recorded.get(key) ?? []));
      return;
    }
    if (kind !== "s" || !key) {
      res.writeHead(404).end();
      return;
    }
    const list = recorded.get(key) ?? [];
    list.push({ method: req.method ?? "", path, headers: req.headers, body, at: Date.now() });
    recorded.set(key, list);
    const failFirst = Number(new URL(path, "http://127.0.0.1").searchParams.get("fail") ?? 0);
    const served = failuresServed.get(key) ?? 0;
    if (served < failFirst) {
      failuresServed.set(key, served + 1);
      res.writeHead(503, { "content-type": "application/json" });
      res.end('{"ok":false}');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
