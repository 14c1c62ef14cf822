import { exports } from "cloudflare:workers";
import { inject } from "vitest";

export const ADMIN = "test-admin-token";
const BASE = "http://edgehook.test";

/** The real HTTP target started by global-setup, under a key of this test's own. */
export function target(key: string, query = ""): string {
  return `${inject("targetUrl")}/t/${key}${query ? `?${query}` : ""}`;
}

export interface Recorded {
  count: number;
  maxInFlight: number;
  requests: Array<{ method: string; path: string; headers: Record<string, string>; body: string; at: number }>;
}

/** What the target received under `key`. */
export async function received(key: string): Promise<Recorded> {
  const res = await fetch(`${inject("targetUrl")}/_inspect/${key}`);
  return res.json();
}

/** Calls the Worker's HTTP API. A body that is a string is sent as is (for malformed-JSON tests). */
export async function api(method: string, path: string, body?: unknown, token: string | null = ADMIN) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await exports.default.fetch(`${BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

let counter = 0;
/** A fresh account id per test: the queue consumer runs in the background and state is shared. */
export function uniqueId(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function makeAccount(overrides: Record<string, unknown> = {}) {
  const id = uniqueId("acct");
  const res = await api("PUT", `/v1/accounts/${id}`, { name: "Test", ...overrides });
  if (res.status !== 201) throw new Error(`account create failed: ${JSON.stringify(res.body)}`);
  return id;
}

export async function makeKey(account: string, name = "ci") {
  const res = await api("POST", `/v1/accounts/${account}/keys`, { name });
  if (res.status !== 201) throw new Error(`key create failed: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; key: string };
}

export async function makeAction(account: string, overrides: Record<string, unknown> = {}, id = "a") {
  const res = await api("PUT", `/v1/accounts/${account}/actions/${id}`, {
    url: "https://example.com/hook",
    body: '{"id":"{{customer.id}}"}',
    ...overrides,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`action save failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits until a delivery reaches one of `statuses`. */
export async function deliveryReaches(account: string, id: string, statuses: string[], timeoutMs = 15_000) {
  return waitFor(async () => {
    const res = await api("GET", `/v1/accounts/${account}/deliveries/${id}`);
    return statuses.includes(res.body?.status) ? res.body : null;
  }, timeoutMs);
}
