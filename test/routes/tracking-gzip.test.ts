import { beforeAll, describe, expect, it } from "vitest";
import { gzip, post, watchQueue, writeKeyOfNewAccount } from "./tracking-client";

// Content-Encoding: gzip, and the size limit counted on what it inflates to.

let account: string;
let key: string;
beforeAll(async () => {
  ({ account, key } = await writeKeyOfNewAccount());
});

const GZIP = { "content-encoding": "gzip" };

/** A /v1/batch body padded with whitespace to exactly `size` bytes. */
function batchBodyOfSize(size: number) {
  const json = JSON.stringify({ batch: [{ type: "identify", userId: "u1" }] });
  return json.slice(0, -1) + " ".repeat(size - json.length) + "}";
}

describe("gzip bodies", () => {
  it("a gzipped single call and a gzipped batch are accepted and queued as sent", async () => {
    const queue = watchQueue();
    const single = await post("/v1/track", await gzip(JSON.stringify({ userId: "u1", event: "Zipped" })), { key, headers: GZIP });
    expect(single).toEqual({ status: 200, body: { success: true } });
    const batch = { batch: [{ type: "page", userId: "u2", name: "Home" }], context: { locale: "fr" } };
    expect((await post("/v1/batch", await gzip(JSON.stringify(batch)), { key, headers: GZIP })).status).toBe(200);
    const events = queue.eventsOf(account);
    expect(events).toMatchObject([
      { type: "track", userId: "u1", event: "Zipped" },
      { type: "page", userId: "u2", name: "Home", context: { locale: "fr" } },
    ]);
  });

  it("the write key may come from inside the gzipped body", async () => {
    const queue = watchQueue();
    const body = await gzip(JSON.stringify({ writeKey: key, batch: [{ type: "identify", userId: "u3" }] }));
    expect((await post("/v1/batch", body, { headers: GZIP })).status).toBe(200);
    expect(queue.eventsOf(account).map((e) => e.userId)).toEqual(["u3"]);
  });

  it("bytes that are not gzip, and a truncated gzip stream, are 400s", async () => {
    const queue = watchQueue();
    const notGzip = await post("/v1/track", JSON.stringify({ userId: "u1", event: "E" }), { key, headers: GZIP });
    expect(notGzip.status).toBe(400);
    expect(notGzip.body.error.message).toMatch(/^body: not a valid gzip stream/);
    const whole = await gzip(JSON.stringify({ userId: "u1", event: "E", properties: { text: "abc".repeat(100) } }));
    const truncated = await post("/v1/track", whole.slice(0, whole.length - 12), { key, headers: GZIP });
    expect(truncated.status).toBe(400);
    expect(truncated.body.error.message).toMatch(/^body: not a valid gzip stream/);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });

  it("an encoding other than gzip is a 400 naming it", async () => {
    const res = await post("/v1/track", "{}", { key, headers: { "content-encoding": "br" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Content-Encoding br is not supported; send gzip or an uncompressed body");
  });
});

describe("the size limit counts decompressed bytes", () => {
  it("512,000 bytes once inflated are accepted; 512,001 are a 400, though the wire holds far less", async () => {
    const atLimit = await gzip(batchBodyOfSize(512_000));
    expect(atLimit.byteLength).toBeLessThan(5_000);
    expect((await post("/v1/batch", atLimit, { key, headers: GZIP })).status).toBe(200);
    const over = await post("/v1/batch", await gzip(batchBodyOfSize(512_001)), { key, headers: GZIP });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe("body: more than 512000 bytes once decompressed; the request size limit is 512000 bytes (500 KB)");
  });

  it("a gzip bomb (50 MB of spaces in about 50 KB) is refused without inflating it", async () => {
    const queue = watchQueue();
    const bomb = await gzip(batchBodyOfSize(50_000_000));
    expect(bomb.byteLength).toBeLessThan(100_000);
    const started = Date.now();
    const res = await post("/v1/batch", bomb, { key, headers: GZIP });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^body: more than 512000 bytes once decompressed/);
    // Inflating all 50 MB would take far longer than reading past the first 500 KB.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(queue.sendBatch).not.toHaveBeenCalled();
  });
});
