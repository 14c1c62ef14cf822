import { env, exports } from "cloudflare:workers";
import { afterEach, vi } from "vitest";
import type { EventsMessage, TrackingEvent } from "../../src/pipelines/event-message";
import { makeAccount, makeKey } from "../helpers";

/** `Authorization: Basic base64(key + ":")`, as the analytics libraries send it. */
export const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;

/** Gzips text the way a client would, with the platform's CompressionStream. */
export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Response(text).body!.pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

interface PostOptions {
  /** A write key sent as HTTP Basic. */
  key?: string;
  headers?: Record<string, string>;
}

/** Posts to the tracking API; a string or bytes body is sent as is, anything else as JSON. */
export async function post(path: string, body: unknown, { key, headers = {} }: PostOptions = {}) {
  const all: Record<string, string> = { "content-type": "application/json", ...headers };
  if (key) all.authorization = basic(key);
  const payload = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  const res = await exports.default.fetch(`http://edgehook.test${path}`, { method: "POST", headers: all, body: payload });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/** A new account and a write key of it. */
export async function writeKeyOfNewAccount() {
  const account = await makeAccount();
  const { key, id } = await makeKey(account);
  return { account, key, keyId: id };
}

/**
 * Watches the real EVENTS binding without replacing it (the messages are still
 * sent), so a test sees what a request queued. Restored after each test.
 */
export function watchQueue() {
  const sendBatch = vi.spyOn(env.EVENTS, "sendBatch");
  // The inbox queues each message as its JSON text.
  const messages = () => sendBatch.mock.calls.flatMap(([batch]) => [...batch].map((m) => JSON.parse(m.body as string) as EventsMessage));
  return {
    sendBatch,
    /** Every message queued so far. */
    messages,
    /** The events queued so far for `account`. */
    eventsOf: (account: string): TrackingEvent[] => messages().filter((m) => m.account === account).flatMap((m) => m.events),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});
