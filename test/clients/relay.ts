// Helpers for the client-library tests: talk to the relay under wrangler dev
// over real HTTP, and read what its destinations delivered to the sink.
import { inject } from "vitest";
import type { SinkRequest } from "./sink";

/** A JSON object as the libraries send it and the sink receives it. */
export type Json = Record<string, unknown>;

export interface ApiAnswer {
  status: number;
  body: any;
}

/** One HTTP call to the relay, with the admin token unless another is given. */
export async function relay(method: string, path: string, body?: unknown, token = inject("relayAdminToken")): Promise<ApiAnswer> {
  const res = await fetch(`${inject("relayUrl")}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: keep the text for the error message.
  }
  return { status: res.status, body: json };
}

function expectStatus(answer: ApiAnswer, expected: number[], what: string): void {
  if (!expected.includes(answer.status)) {
    throw new Error(`${what}: expected ${expected.join(" or ")}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

let counter = 0;
/** An id of this test's own: the relay and the sink are shared by the whole run. */
export function uniqueId(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A fresh account and a service key for it: the key is the libraries' write key. */
export async function makeAccountAndKey(): Promise<{ account: string; writeKey: string }> {
  const account = uniqueId("clients");
  expectStatus(await relay("PUT", `/v1/accounts/${account}`, { name: "Client libraries" }), [201], "create account");
  const key = await relay("POST", `/v1/accounts/${account}/keys`, { name: "analytics" });
  expectStatus(key, [201], "create key");
  return { account, writeKey: key.body.key as string };
}

/**
 * A destination that delivers to a sink key of its own; returns that key.
 * Without `batch`, one request per event; with it, a JSON array of events.
 */
export async function makeDestination(account: string, fields: Json = {}): Promise<string> {
  const sinkKey = uniqueId("sink");
  const destination = uniqueId("dest");
  const answer = await relay("PUT", `/v1/accounts/${account}/destinations/${destination}`, {
    url: `${inject("sinkUrl")}/s/${sinkKey}`,
    ...fields,
  });
  expectStatus(answer, [200, 201], "create destination");
  return sinkKey;
}

/** What the sink has recorded under `sinkKey` so far. */
export async function sinkRequests(sinkKey: string): Promise<SinkRequest[]> {
  const res = await fetch(`${inject("sinkUrl")}/_requests/${sinkKey}`, { signal: AbortSignal.timeout(5_000) });
  return (await res.json()) as SinkRequest[];
}

/** The events in a delivered request: a batch body is an array of them, otherwise the body is one event. */
export function eventsOf(request: SinkRequest): Json[] {
  const body: unknown = JSON.parse(request.body);
  return Array.isArray(body) ? (body as Json[]) : [body as Json];
}

/**
 * Polls the sink until `count` events have arrived under `sinkKey` (or `timeoutMs`
 * passes, which fails with what did arrive), then returns the requests.
 */
export async function waitForEvents(sinkKey: string, count: number, timeoutMs = 20_000): Promise<SinkRequest[]> {
  const deadline = Date.now() + timeoutMs;
  let requests: SinkRequest[] = [];
  while (Date.now() < deadline) {
    requests = await sinkRequests(sinkKey);
    if (requests.flatMap(eventsOf).length >= count) return requests;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the sink got ${requests.flatMap(eventsOf).length} of ${count} events in ${timeoutMs} ms: ${JSON.stringify(requests)}`);
}

/** The event with this messageId among the delivered ones (fails if it is missing or repeated). */
export function byMessageId(events: Json[], messageId: unknown): Json {
  const found = events.filter((event) => event.messageId === messageId);
  if (found.length !== 1) throw new Error(`expected one delivered event with messageId ${String(messageId)}, found ${found.length}`);
  return found[0]!;
}

/** Turns a library's node-style callback into a promise of its error (undefined on success). */
export function settled(call: (callback: (err?: unknown) => void) => void): Promise<unknown> {
  return new Promise((resolve) => call((err) => resolve(err)));
}

/** The parts of a tracking request the tests look at, as the library built it. */
export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  body: Json & { batch: Json[] };
}

/** Basic auth with the write key as user and no password: what all three libraries send. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;
}
