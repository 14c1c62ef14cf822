import type { DeliveryJob } from "../delivery/model";
import type { AcceptRequest } from "../limiter/protocol";
import { byteLength } from "../lib/encoding";
import { packSized } from "../pipelines/event-chunks";
import type { AccountId } from "../store/ids";
import type { GistMessage } from "./messages";

/** Gist's own queue API, where relayed messages go unless the account names another base URL. */
export const DEFAULT_GIST_BASE_URL = "https://queue.api.gist.build";
/**
 * Bulk requests are relayed in chunks of at most 1,000 messages and 1 MB
 * (a bulk request is itself at most 1 MB, so any one message fits): a chunk
 * is one delivery, so it must fit what a stored delivery holds (1.8 MB), and
 * smaller chunks retry less work when the upstream fails; 1,000 typical
 * messages (~300 B each) are ~300 KB.
 */
const CHUNK_MESSAGES = 1_000;
const CHUNK_BYTES = 1_000_000;

/**
 * The deliveries that relay accepted messages upstream: a single message as
 * `POST {base}/api/v1/messages`, a bulk request as chunks to
 * `{base}/api/v1/messages/bulk`. The upstream's organization id and service
 * key are added at send time (delivery/senders.ts), so they are never stored.
 */
export function relayRequests(account: AccountId, messages: GistMessage[], baseUrl: string | undefined, bulk: boolean): AcceptRequest[] {
  if (!bulk) return messages.map((message) => relayJob(account, endpoint(baseUrl, "/api/v1/messages"), JSON.stringify(message)));
  return chunks(messages).map((chunk) => relayJob(account, endpoint(baseUrl, "/api/v1/messages/bulk"), JSON.stringify({ messages: chunk })));
}

/** The API path under the base URL's own path; its query (a proxy's token, say) is kept. */
function endpoint(baseUrl: string | undefined, path: string): string {
  const url = new URL(baseUrl ?? DEFAULT_GIST_BASE_URL);
  url.pathname = url.pathname.replace(/\/+$/, "") + path;
  return url.toString();
}

function relayJob(account: AccountId, url: string, body: string): AcceptRequest {
  const job: DeliveryJob = {
    v: 2,
    account,
    source: { kind: "gist", id: "relay" },
    customerId: null,
    request: { method: "POST", url, headers: { "Content-Type": "application/json" }, body },
    onSuccess: null,
  };
  return { job };
}

function chunks(messages: GistMessage[]): GistMessage[][] {
  return packSized(messages, (message) => byteLength(JSON.stringify(message)), { maxBytes: CHUNK_BYTES, maxItems: CHUNK_MESSAGES, baseBytes: `{"messages":[]}`.length, separatorBytes: 1 });
}
