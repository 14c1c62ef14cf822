// The mutants `npm run mutate` applies (scripts/mutate.mjs), one at a time.
//
// Each is a realistic bug: an exact snippet of the source (it must occur
// exactly once in its file, or the run stops: a stale list fails loudly) and
// what it becomes. `tests` adds test files to those `testsFor` maps to the
// file. `equivalent` marks a mutant no test can kill, with the reason; it is
// still run, and docs/mutants.md lists it.
//
// Ids are stable: never renumber; give a new mutant the next free id, and
// delete (do not reuse) the id of one whose code is gone.

const delivery = (...names) => names.map((n) => `test/delivery/${n}.test.ts`);
const limiter = (...names) => names.map((n) => `test/limiter/${n}.test.ts`);
const routes = (...names) => names.map((n) => `test/routes/${n}.test.ts`);

/** The vitest projects mutants run in (the workers pool ones); a file filter picks the project of each file. */
export const projects = ["relay", "production"];

/** The test files that exercise each source file with mutants. */
export const testsFor = {
  "src/delivery/attempt.ts": [...delivery("retries", "retry-after", "target-turns-private", "response-log", "signing-rotation")],
  "src/delivery/backoff.ts": [...delivery("backoff", "status-classes", "retries", "retry-after")],
  "src/delivery/consume.ts": [...delivery("queues", "consumer", "carried-messages", "consumer-crash", "concurrency", "parallel-consumers", "retries", "kv-write-through"), ...limiter("copies", "limiter")],
  "src/delivery/send.ts": [...delivery("send", "retries", "response-log"), ...routes("test-send")],
  "src/delivery/standard-webhooks.ts": [...delivery("trigger", "signing-rotation"), ...routes("test-send")],
  "src/delivery/redact.ts": [...delivery("trigger"), ...routes("preview")],
  "src/delivery/dead-letter.ts": [...delivery("queues", "consumer-crash", "carried-messages"), ...limiter("limiter", "log-promises"), "test/reporting/reporting.test.ts"],
  "src/delivery/message.ts": [...delivery("carried-messages"), ...limiter("accept-many")],
  "src/lib/sortable-id.ts": [...delivery("consumer", "trigger"), ...limiter("limiter")],
  "src/delivery/senders.ts": [...delivery("signing-rotation", "trigger"), "test/reporting/reporting.test.ts"],
  "src/delivery/model.ts": [...delivery("trigger"), ...limiter("migration")],
  "src/limiter/account-limiter.do.ts": [
    ...delivery("queues", "trigger", "attributes", "idempotency", "kv-write-through", "parallel-consumers"),
    ...limiter("accept-many", "copies", "failures", "limiter", "log-promises"),
    "test/reporting/reporting.test.ts",
    ...routes("hostile-input"),
  ],
  "src/limiter/protocol.ts": [...delivery("consumer", "carried-messages", "consumer-crash", "concurrency", "parallel-consumers", "retries"), ...limiter("settle-acquire")],
  "src/limiter/group-accept.ts": [...routes("triggers-config-cache"), ...limiter("group-accept"), ...delivery("trigger", "idempotency")],
  "src/limiter/delivery-log.ts": [...delivery("trigger", "idempotency"), ...limiter("accept-many", "copies", "limiter", "migration", "log-promises")],
  "src/limiter/permits.ts": [...delivery("concurrency", "parallel-consumers"), ...limiter("copies", "limiter", "log-promises")],
  "src/limiter/attribute-store.ts": [...delivery("trigger", "attributes", "attribute-snapshot"), ...limiter("failures"), ...routes("hostile-input")],
  "src/limiter/settings.ts": [...delivery("concurrency"), ...limiter("copies", "limiter")],
  "src/delivery/queues.ts": [...delivery("queues"), ...limiter("queue-probe")],
  "src/limiter/lost-deliveries.ts": [...limiter("queue-probe")],
  "src/limiter/recovery.ts": [...limiter("recovery", "queue-probe", "copies", "log-promises"), "test/pipelines/event-inbox.test.ts"],
  "src/pipelines/event-inbox.do.ts": ["test/pipelines/event-inbox.test.ts", "test/routes/tracking-limits.test.ts"],
  "src/pipelines/inbox-rows.ts": ["test/pipelines/event-inbox.test.ts"],
  "src/pipelines/lost-events.ts": ["test/pipelines/event-inbox.test.ts"],
  "src/pipelines/consume-events.ts": ["test/pipelines/event-inbox.test.ts", "test/pipelines/pipeline.test.ts"],
  "src/pipelines/tracking-enqueue.ts": ["test/routes/tracking-limits.test.ts", "test/pipelines/event-inbox.test.ts"],
  "src/pipelines/event-chunks.ts": ["test/pipelines/event-chunks.test.ts", "test/routes/tracking-limits.test.ts"],
  "src/limiter/client.ts": [...delivery("trigger"), ...limiter("failures"), ...routes("hostile-input")],
  "src/net/target-guard.ts": ["test/net/target-guard.test.ts", "test/net/guard-edges.test.ts", "test/production/private-targets.test.ts"],
  "src/net/ip-literal.ts": ["test/net/target-guard.test.ts", "test/net/guard-edges.test.ts"],
  "src/auth/authenticate.ts": [...routes("accounts", "actions", "tenant-existing", "hostile-input")],
  "src/auth/secrets.ts": [...routes("accounts")],
  "src/store/accounts.ts": [...routes("accounts", "account-secrets", "limits"), ...delivery("parallel-consumers")],
  "src/store/ids.ts": [...routes("accounts", "hostile-input", "limits")],
  "src/store/keys.ts": [...delivery("attributes", "trigger"), ...routes("accounts")],
  "src/store/service-keys.ts": [...routes("accounts")],
  "src/store/secret-box.ts": ["test/store/secret-box.test.ts", ...routes("account-secrets")],
  "src/store/signing-secrets.ts": ["test/store/signing-secrets.test.ts", ...delivery("signing-rotation")],
  "src/routes/triggers.ts": [...delivery("trigger", "attributes", "idempotency"), ...limiter("failures"), ...routes("hostile-input", "limits"), "test/production/private-targets.test.ts"],
  "src/templates/scope-input.ts": [...delivery("trigger", "attributes", "idempotency"), ...routes("preview", "hostile-input")],
  "src/routes/actions.ts": [...routes("actions", "accounts", "tenant-existing", "preview")],
  "src/templates/liquid.ts": ["test/templates/liquid.test.ts", "test/templates/template-limits.test.ts", ...routes("preview")],
  "src/gist/queue.do.ts": ["test/gist/serve.test.ts"],
  "src/gist/queue-client.ts": ["test/gist/serve.test.ts"],
  "src/gist/user-token.ts": ["test/gist/serve.test.ts"],
  "src/gist/site-index.ts": ["test/gist/serve.test.ts"],
  "src/routes/gist-sdk.ts": ["test/gist/serve.test.ts"],
  "src/ui/guard.ts": ["test/ui/session.test.ts", "test/ui/tenant.test.ts"],
  "src/ui/session.ts": ["test/ui/session.test.ts"],
  "src/http/json-body.ts": ["test/http/json-body.test.ts", ...routes("hostile-input")],
  "src/templates/render-limits.ts": ["test/templates/liquid.test.ts", "test/templates/template-limits.test.ts", ...routes("preview", "hostile-input", "limits")],
};

let file = "";
/** Mutants below belong to `path` until the next `inFile`. */
const inFile = (path) => void (file = path);
const list = [];
const m = (id, description, find, replace, extra = {}) => list.push({ id, file, description, find, replace, ...extra });

// ------------------------------------------------------------ src/delivery
inFile("src/delivery/attempt.ts");
m(1, "Retry-After is not passed to the backoff", 'return retryOrFail(ctx, base, problem, headers["retry-after"] ?? null, at);', "return retryOrFail(ctx, base, problem, null, at);");
m(2, "no SSRF re-check before each send", "    assertAllowedTarget(request.url, { allowPrivate: ctx.allowPrivate });\n", "");
m(3, "a refused target is retried instead of failed", 'if ("refused" in outcome) return', "if (false) return");
m(4, "retry number off by one (gives up after the first attempt)", "const retryNumber = ctx.delivery.attempts + 1;", "const retryNumber = ctx.delivery.attempts;");
m(5, "retry number off by one (one retry too few)", "const retryNumber = ctx.delivery.attempts + 1;", "const retryNumber = ctx.delivery.attempts + 2;");
m(6, "the full body never reaches the attribute templates", "fullBody: ctx.delivery.setsAttributes ? body : undefined,", "fullBody: undefined,");
m(7, "the log keeps the whole response body (no 64 KB truncation)", "response: { status, headers, body: truncateForLog(body) },", "response: { status, headers, body },");
m(8, "a final answer (4xx) is retried", "if (!isRetryableStatus(status)) return", "if (false) return");
m(9, "next_attempt_at counts the delay in milliseconds", "at: Date.now() + delay * 1000 }", "at: Date.now() + delay }");
m(10, "a signer that could not be built: the attempt is refused (final) instead of retried", "if (ctx.signer instanceof Error) {", "if (false) {");

inFile("src/delivery/backoff.ts");
m(11, "Retry-After below the shortest delay is not clamped up", "return clamp(asked, Math.min(...schedule), Math.max(...schedule));", "return clamp(asked, 0, Math.max(...schedule));");
m(12, "Retry-After is not clamped at all", "if (asked !== null) return clamp(asked, Math.min(...schedule), Math.max(...schedule));", "if (asked !== null) return asked;");
m(13, "no jitter", "const jittered = base * (1 - JITTER + 2 * JITTER * random());", "const jittered = base;");
m(14, "408 is not retried", "return status === 408 || ", "return ");
m(15, "599 is not retried", "(status >= 500 && status <= 599)", "(status >= 500 && status < 599)");
m(16, "300 counts as success", "return status >= 200 && status < 300;", "return status >= 200 && status <= 300;");

inFile("src/delivery/consume.ts");
m(19, "each limiter group gets its own 6-send limit", "consumeGroup(env, slot, limiter, deliveries)", "consumeGroup(env, concurrencyLimit(SENDS_IN_FLIGHT_PER_INVOCATION), limiter, deliveries)");
m(20, "a failed re-enqueue acks the originals (the retry is lost)", "for (const [carrier, delaySeconds] of longest) retryWhole(carrier, delaySeconds);", "for (const [carrier] of longest) carrier.msg.ack();");
m(21, "settled messages are not acked", "for (const id of settled) finish(id);", "for (const id of settled) deliveries.delete(id as DeliveryId);");
m(22, "messages waiting for a permit are dropped", "pending = waiting;", "pending = [];");
m(126, "queue probes are acked unanswered", "await Promise.all(probes.map((probe) => answerProbe(env, probe)));", "for (const { msg } of probes) msg.ack();", { tests: limiter("queue-probe") });
m(23, "a crashed batch is acked instead of retried", "for (const carried of deliveries.values()) for (const carrier of carried.carriers) retryWhole(carrier, NO_PERMIT_DELAY_SECONDS);", "for (const carried of deliveries.values()) for (const carrier of carried.carriers) carrier.msg.ack();");
m(140, "a message is acked once its first delivery is done, not its last", "if (--carrier.open === 0 && !carrier.retried) carrier.msg.ack();", "carrier.open--;\n      if (!carrier.retried) carrier.msg.ack();");

inFile("src/limiter/protocol.ts");
m(17, "a flat 5 s lease", "return Math.ceil(granted / SENDS_IN_FLIGHT_PER_INVOCATION) * (SEND_TIMEOUT_MS + 1_000) + 30_000;", "return 5_000;");
m(18, "8 sends in flight per invocation instead of 6", "export const SENDS_IN_FLIGHT_PER_INVOCATION = 6;", "export const SENDS_IN_FLIGHT_PER_INVOCATION = 8;");
m(166, "a lease sized by what was asked for, not what was granted", "const leaseEnd = (permits: number) => now + (leaseMs ?? leaseMsFor(permits));", "const leaseEnd = (permits: number) => now + (leaseMs ?? leaseMsFor(pending.length));", { file: "src/limiter/account-limiter.do.ts", tests: limiter("settle-acquire") });

inFile("src/delivery/send.ts");
m(24, "the log keeps 1 MB instead of 64 KB", "const LOGGED_BODY_BYTES = 64 * 1024;", "const LOGGED_BODY_BYTES = 1024 * 1024;");
m(25, "a 5 s send timeout instead of 4 s", "export const SEND_TIMEOUT_MS = 4_000;", "export const SEND_TIMEOUT_MS = 5_000;");
m(26, "redirects are followed", 'redirect: "manual",', 'redirect: "follow",');
m(27, "only 10 KB of a response is read for attributes", "const READ_BODY_BYTES = 1_000_000;", "const READ_BODY_BYTES = 10_000;");
m(145, "a declared length past the limit is read whole", 'if (Number(response.headers.get("content-length") ?? Number.NaN) <= limit) return response.text();', 'if (Number(response.headers.get("content-length") ?? Number.NaN) >= 0) return response.text();');

inFile("src/delivery/standard-webhooks.ts");
m(28, "webhook-timestamp in milliseconds", "const timestamp = Math.floor(now.getTime() / 1000).toString();", "const timestamp = now.getTime().toString();");
m(29, "only the newest secret signs during a rotation", "signingSecrets.map((secret) => sign(secret, content))", "signingSecrets.slice(0, 1).map((secret) => sign(secret, content))");

inFile("src/delivery/senders.ts");
m(109, "secrets that do not open: sent unsigned instead of retried", '(err: Error) => opened(err, account.id, "signing"),', "() => unsigned,");
m(110, "a reporting webhook is signed like any other delivery", '      if (delivery.kind === "reporting") return account.reporting ?? new Error("the account has no reporting secret any more");\n', "");

inFile("src/delivery/redact.ts");
m(30, "API key headers are not redacted", "|api[-_]?key|", "|");
m(31, "the auth scheme word is not kept", 'headers[name] = scheme ? `${scheme} [redacted]` : "[redacted]";', 'headers[name] = "[redacted]";');

inFile("src/delivery/dead-letter.ts");
m(32, "a dead letter is acked without being recorded", "          await limiterByName(env, limiter).markFailed(deliveries[0]!.id, \"dead-lettered: the delivery consumer crashed on it repeatedly\", reporting);\n", "");
m(141, "a dead letter of several deliveries fails one and drops the rest", "if (deliveries.length > 1) {", "if (false) {");
m(33, "a dead letter that cannot be recorded is acked (lost)", "        msg.retry();", "        msg.ack();");

inFile("src/lib/sortable-id.ts");
m(34, "delivery ids one character short", 'padStart(9, "0")', 'padStart(8, "0")');

inFile("src/delivery/model.ts");
m(35, "a first-release job loses its attribute update", "onSuccess: setsAttributes ? { templates: old.attributes, scope: old.scope } : null,", "onSuccess: null,");

// ------------------------------------------------------------ src/limiter
inFile("src/limiter/account-limiter.do.ts");
m(36, "the in-flight idempotency key is not scoped to the account", "const key = idempotencyKey ? `${job.account}\\n${idempotencyKey}` : null;", "const key = idempotencyKey ? idempotencyKey : null;");
m(37, "a duplicate does not wait for the in-flight send", "    const pending = this.accepting.get(key);\n    if (pending) return asDuplicate(pending);\n", "");
m(39, "no stored-job size limit", "if (!withinBytes(job.json, MAX_STORED_JOB_BYTES)) {", "if (false) {");
m(143, "a dead letter of a delivery already sent reports it failed", "if (!this.log.fail(id, reason, now)) return;", "this.log.fail(id, reason, now);");
m(40, "a copy is sent while another consumer's lease is live", ' && this.permits.isLive(entry.leaseId, now)) return true;', ") return true;");
m(41, "a copy of a retry that is not yet due is sent", 'return entry.status === "retrying" && entry.nextAttemptAt !== null && entry.nextAttemptAt > now + EARLY_SLACK_MS;', "return false;");
m(42, "settle does not return the permits", "    if (leaseId) this.permits.release(leaseId);\n", "");
m(43, "a KV write-through that fails throws out of settle", "    for (const outcome of await Promise.allSettled(writes)) {", "    await Promise.all(writes);\n    for (const outcome of [] as PromiseSettledResult<void>[]) {");
m(44, "a failed attribute update is not recorded", "          error = `sent, but the attribute update failed: ${(err as Error).message}`;\n", "");
m(45, "replay without its tenant check", "if (!original || original.job.account !== account) return null;", "if (!original) return null;");
m(46, "the sweep is not re-armed while only log rows remain", "this.log.isEmpty() ? null : now + SWEEP_EVERY_MS,", "null,");
m(47, "rows the queue refused are left behind", "    for (const id of failed) this.log.delete(id);\n", "");
m(127, "settle does not acquire for the deliveries still waiting", "const acquired = next && next.ids.length > 0 ? this.acquire(next.ids, next.leaseMs) : null;", "const acquired = null;", { tests: limiter("settle-acquire") });

inFile("src/limiter/delivery-log.ts");
m(49, "the 24 h idempotency window is ignored (a year)", "const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;", "const IDEMPOTENCY_WINDOW_MS = 365 * 24 * 60 * 60 * 1000;");
m(50, "a 1 h idempotency window", "const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;", "const IDEMPOTENCY_WINDOW_MS = 60 * 60 * 1000;");
m(51, "the stored idempotency key is not scoped to the account", '"SELECT id FROM deliveries WHERE account = ? AND idempotency_key = ?', '"SELECT id FROM deliveries WHERE ? IS NOT NULL AND idempotency_key = ?');
m(52, "retention 7 days instead of 30", "export const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;", "export const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;");
m(53, "row bound 5,000 instead of 50,000", "const RETENTION_ROWS = 50_000;", "const RETENTION_ROWS = 5_000;");
m(54, "row bound 500,000 instead of 50,000", "const RETENTION_ROWS = 50_000;", "const RETENTION_ROWS = 500_000;");
m(55, "the row bound also drops rows whose idempotency key is in force", "AND (idempotency_key IS NULL OR created_at <= ?)", "AND (? IS NOT NULL)");
m(56, "retention also drops unfinished deliveries", "\"DELETE FROM deliveries WHERE status IN ('sent', 'failed') AND updated_at < ?\"", '"DELETE FROM deliveries WHERE updated_at < ?"');
m(57, "get() is not scoped to the account", "FROM deliveries WHERE account = ? AND id = ?`", "FROM deliveries WHERE ? IS NOT NULL AND id = ?`");
m(58, "the list is oldest first", "ORDER BY id DESC LIMIT ?`", "ORDER BY id LIMIT ?`");
m(59, "a dead letter overrides a delivery already sent", "WHERE id = ? AND status NOT IN ('sent', 'failed')\",", "WHERE id = ?\",");
m(60, "a later attempt without a response erases the logged response", "response = COALESCE(r.value ->> 'response', response)", "response = r.value ->> 'response'");

m(128, "a live lease does not keep an in-flight delivery from being re-queued", `const NOT_LEASED = "(status <> 'sending' OR lease_id IS NULL OR lease_id NOT IN (SELECT id FROM leases WHERE expires_at > ?))";`, `const NOT_LEASED = "(? IS NOT NULL)";`, { tests: limiter("queue-probe") });
m(129, "attempts are counted from the JSON column only", "attempt_count = attempt_count + 1,", "attempt_count = json_array_length(attempts),", { tests: limiter("settle-acquire") });

inFile("src/limiter/recovery.ts");
m(48, "a returned probe re-queues what was seen just before it was sent", "const lost = this.store.orphaned(flowedAt - PROBE_MARGIN_MS, REQUEUE_BATCH, now);", "const lost = this.store.orphaned(flowedAt, REQUEUE_BATCH, now);");
m(130, "a probe every alarm while one is still out", "if (overdue && !this.probeOut(now)) await this.sendProbe(now);", "if (overdue) await this.sendProbe(now);");
m(131, "overdue after 30 s instead of 90 s", "export const OVERDUE_AFTER_MS = 90_000;", "export const OVERDUE_AFTER_MS = 30_000;");
m(165, "an alarm firing exactly on time finds nothing overdue (the probe waits 30 s more)", "return seenAt + OVERDUE_AFTER_MS + 1;", "return seenAt + OVERDUE_AFTER_MS;");

inFile("src/limiter/permits.ts");
m(61, "the permit cap ignores other live leases", "const granted = Math.max(0, Math.min(wanted, cap - this.inUse(now)));", "const granted = Math.max(0, Math.min(wanted, cap));");
m(62, "expired leases still hold permits", '"SELECT SUM(permits) AS n FROM leases WHERE expires_at > ?", now', '"SELECT SUM(permits) AS n FROM leases WHERE ? IS NOT NULL", now', {
  equivalent: "inUse() is only called by take(), right after dropExpired(now) with the same now, so no expired lease is left for it to count",
});
m(63, "an expired lease still counts as live", '"SELECT 1 FROM leases WHERE id = ? AND expires_at > ?"', '"SELECT 1 FROM leases WHERE id = ? AND ? IS NOT NULL"');

inFile("src/limiter/attribute-store.ts");
m(64, "the trigger-time snapshot overrides the current stored values", "customer: { ...scope.customer, ...current },", "customer: { ...current, ...scope.customer },");
m(65, "an attribute value may be 640 KB", "const MAX_ATTRIBUTE_VALUE_BYTES = 64 * 1024;", "const MAX_ATTRIBUTE_VALUE_BYTES = 640 * 1024;", {
  equivalent:
    "every value merge() receives was rendered under the 65,536-byte attribute output limit (render-limits.ts MAX_RENDERED_ATTRIBUTE_BYTES, plain text included; mutant #111 pins it), and trimming or reading it as a number never lengthens it, so this second check cannot trip",
});
m(66, "a customer's attributes may take 2.5 MB", "const MAX_ATTRIBUTES_BYTES = 256 * 1024;", "const MAX_ATTRIBUTES_BYTES = 2560 * 1024;");
m(67, "a response's attributes replace the stored ones instead of merging", "const merged = { ...this.get(account, customerId), ...values };", "const merged = { ...values };");
m(68, "stored attributes are not scoped to the account", '"SELECT data FROM attributes WHERE account = ? AND customer_id = ?"', '"SELECT data FROM attributes WHERE ? IS NOT NULL AND customer_id = ?"');

inFile("src/limiter/settings.ts");
m(69, "default concurrency 1 instead of 600", 'return Number(this.read("concurrency") ?? DEFAULT_CONCURRENCY);', 'return Number(this.read("concurrency") ?? 1);');

inFile("src/limiter/client.ts");
m(70, "a job too large answers 503 instead of 413", 'outcome.reason === "too_large" ? "payload_too_large" : "unavailable"', '"unavailable"');

// ------------------------------------------------------------ src/net
inFile("src/net/target-guard.ts");
m(71, "the .localdomain suffix is allowed", '  [".localdomain", "a local-network name"],\n', "");
m(72, "ip6-localhost is allowed", '  ["ip6-localhost", "a loopback name"],\n', "");
m(73, "localhost.localdomain is named a local-network name, not loopback", '  ["localhost.localdomain", "a loopback name"],\n', "");
m(74, "169.254.169.254 is reported as link-local, not metadata", '  v4("169.254.169.254/32", "a cloud metadata address"), // AWS, GCP, Azure, DigitalOcean\n', "");
m(75, "172.16/16 instead of 172.16/12", 'v4("172.16.0.0/12", "a private address"),', 'v4("172.16.0.0/16", "a private address"),');
m(76, "ALLOW_PRIVATE_TARGETS=true is ignored", "  if (options.allowPrivate) return url;\n", "");
m(77, "a trailing dot escapes the name checks", 'const host = hostname.toLowerCase().replace(/\\.+$/, "");', "const host = hostname.toLowerCase();");
m(78, "IPv4-mapped IPv6 is not unwrapped", '  { form: "an IPv4-mapped", extract: (g) => (zero(g, 0, 5) && g[5] === 0xffff ? low32(g) : null) },\n', "");
m(79, "Teredo's address is not inverted", "0xffffffff - low32(g)", "low32(g)");
m(80, "a refused URL's password is shown in the message", 'return JSON.stringify(bounded.replace(/\\/\\/[^/?#]*@/, "//***@"));', "return JSON.stringify(bounded);");

inFile("src/net/ip-literal.ts");
m(81, "an octal part is read as decimal", "return parseInt(part.slice(1), 8);", "return Number(part);");
m(82, "the last part may fill one value too many", "if (last >= 256 ** lastBytes) return null;", "if (last > 256 ** lastBytes) return null;");
m(83, "a range includes the first address past it", "return address >= first && address < first + size;", "return address >= first && address <= first + size;");
m(84, "'::' may stand for no group at all", "missing !== 0 : missing < 1) return null;", "missing !== 0 : missing < 0) return null;");

// ------------------------------------------------------------ src/auth
inFile("src/auth/authenticate.ts");
m(132, "any presented admin token matches", "if (admin && crypto.subtle.timingSafeEqual(digest, admin)) return { kind: \"admin\" };", "if (admin) return { kind: \"admin\" };");
m(85, "a key may act on another account", 'if (principal.kind === "key" && principal.account !== id) {', "if (false) {");
m(86, "admin-only routes accept a service key", 'if (c.get("principal").kind !== "admin") throw', "if (false) throw");
m(87, "a missing account is not a 404", "  if (!account) throw new AppError(\"not_found\", `Account ${id} does not exist`);\n", "");

inFile("src/auth/secrets.ts");
m(88, "any presented secret matches (dashboard session signatures and CSRF tokens)", "return crypto.subtle.timingSafeEqual(ha, hb);", "return true;", { tests: ["test/ui/session.test.ts"] });
m(89, "service keys of 128 bits instead of 192", "return `ehk_${base64Url(crypto.getRandomValues(new Uint8Array(24)))}`;", "return `ehk_${base64Url(crypto.getRandomValues(new Uint8Array(16)))}`;");

// ------------------------------------------------------------ src/store
inFile("src/store/keys.ts");
m(90, "KV attribute keys are not scoped to the account", "attributes: (account: AccountId, customerId: CustomerId) => `${account}:${customerId}`,", "attributes: (account: AccountId, customerId: CustomerId) => `${customerId}`,");

inFile("src/store/service-keys.ts");
m(91, "a revoked key's hash entry is kept (it still authenticates)", "  await kv.delete(kvKeys.keyHash(stored.hash));\n", "");
m(92, "no ehk_ prefix check before the lookup", "  if (!isServiceKeyShaped(presented)) return null;\n", "", {
  equivalent:
    "only ehk_ keys are ever stored under keyhash:, so a string without the prefix is not found by its hash either; the check saves a SHA-256 and a KV read, which no test can observe",
});

inFile("src/store/accounts.ts");
m(93, "a signing secret of 16 bytes is accepted", "return bytes !== null && bytes >= 24 && bytes <= 64;", "return bytes !== null && bytes >= 16 && bytes <= 64;");
m(94, "concurrency up to 100,000", "concurrency: z.number().int().min(1).max(10_000).optional(),", "concurrency: z.number().int().min(1).max(100_000).optional(),");
m(95, "accounts of a shard get a limiter each", "return account.shard ? `shard:${account.shard}` : `account:${account.id}`;", "return `account:${account.id}`;");

inFile("src/store/ids.ts");
m(96, "resource ids of 65 characters", "const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;", "const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,64}$/;");
m(97, "customer ids of 512 bytes", "const MAX_CUSTOMER_ID_BYTES = 256;", "const MAX_CUSTOMER_ID_BYTES = 512;");

inFile("src/store/secret-box.ts");
m(98, "AES-GCM with an all-zero IV", "const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));", "const iv = new Uint8Array(IV_BYTES);");

inFile("src/store/signing-secrets.ts");
m(99, "the previous signing secret signs for 1 h instead of 24 h", "export const SIGNING_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;", "export const SIGNING_SECRET_OVERLAP_MS = 60 * 60 * 1000;");

// ------------------------------------------------------------ routes
inFile("src/templates/scope-input.ts");
m(100, "stored attributes win over the trigger's own values", "customer: { ...stored, ...input.customer }", "customer: { ...input.customer, ...stored }");
inFile("src/routes/triggers.ts");
m(101, "stored attributes are not read at trigger time", "const scope = scopeOverStored(input, stored);", "const scope = scopeOverStored(input, {});");
m(102, "the Idempotency-Key header is ignored", 'const idempotencyKey = input.idempotency_key ?? (header === undefined ? undefined : parseWith(IdempotencyKey, header, "Idempotency-Key"));', "const idempotencyKey = input.idempotency_key;");
m(103, "idempotency keys of 1,024 characters", "const IdempotencyKey = z.string().min(1).max(256);", "const IdempotencyKey = z.string().min(1).max(1024);");
m(104, "attribute templates are never kept for after the response", "onSuccess: setsAttributes ? { templates: action.attributes, scope } : null,", "onSuccess: null,");
m(105, "the trigger renders with private targets allowed", "const { request, warnings } = renderRequest(action, scope, { allowPrivate: allowPrivateTargets(c.env) });", "const { request, warnings } = renderRequest(action, scope, { allowPrivate: true });");

inFile("src/routes/actions.ts");
m(106, "actionFor without its tenant check", "export async function actionFor(c: Context<AppEnv>): Promise<{ account: Account; action: Action }> {\n  const accountId = accountIdFor(c);", 'export async function actionFor(c: Context<AppEnv>): Promise<{ account: Account; action: Action }> {\n  const accountId = c.req.param("account")!;');

// ------------------------------------------------------------ templates (the two the issue names)
inFile("src/templates/liquid.ts");
m(107, "a template cache of 5", "const MAX_CACHED = 500;", "const MAX_CACHED = 5;");
inFile("src/templates/render-limits.ts");
m(108, "a render step limit of 100 M", "export const RENDER_STEP_LIMIT = 100_000;", "export const RENDER_STEP_LIMIT = 100_000_000;");
m(111, "a rendered attribute value may be 640 KB", "export const MAX_RENDERED_ATTRIBUTE_BYTES = 65_536;", "export const MAX_RENDERED_ATTRIBUTE_BYTES = 655_360;");

// ------------------------------------------------------------ Gist serve mode
inFile("src/gist/queue.do.ts");
m(112, "the poll shows messages scheduled for later", "(user_token = ? OR user_token = ?) AND (scheduled_at IS NULL OR scheduled_at <= ?) AND expires_at > ?\",\n      userToken, BROADCAST, now, now,", "(user_token = ? OR user_token = ?) AND (scheduled_at IS NULL OR scheduled_at <= ? OR 1) AND expires_at > ?\",\n      userToken, BROADCAST, now, now,");
m(113, "the poll shows expired messages", "AND (scheduled_at IS NULL OR scheduled_at <= ?) AND expires_at > ?", "AND (scheduled_at IS NULL OR scheduled_at <= ?) AND expires_at > ? - 1e15");
m(114, "lowest priority first", "ORDER BY priority, queued_at, rowid", "ORDER BY priority DESC, queued_at, rowid");
m(115, "a viewed broadcast is removed for that user's shard", "if (!row || row.user_token === BROADCAST) return { removed: false };", "if (!row) return { removed: false };");
m(116, "a 1,001st pending message is taken", "if (this.count(userToken) > MAX_PENDING_PER_USER) throw new QueueFull(userToken);", "if (this.count(userToken) > MAX_PENDING_PER_USER + 1) throw new QueueFull(userToken);");
m(117, "queuing a messageId again adds a second copy", "const queueId = existing?.queue_id ?? message.queueId;\n    const body = JSON.stringify({ ...message.sdk, queueId } satisfies SdkMessage);\n    if (existing) {", "const queueId = message.queueId;\n    const body = JSON.stringify({ ...message.sdk, queueId } satisfies SdkMessage);\n    if (false) {");
m(118, "a view by another user removes the message", "SELECT queue_id, user_token, body FROM messages WHERE queue_id = ? AND (user_token = ? OR user_token = ?)\", queueId, userToken, BROADCAST)\n      .toArray()[0];\n    const messageId", "SELECT queue_id, user_token, body FROM messages WHERE queue_id = ? OR ? OR ?\", queueId, userToken, BROADCAST)\n      .toArray()[0];\n    const messageId");
inFile("src/gist/queue-client.ts");
m(119, "a broadcast is written to one shard only", "if (message.userToken === null) for (let s = 0; s < QUEUE_SHARDS; s++) add(s, index, message);", "if (message.userToken === null) add(0, index, message);");
m(120, "deleting a broadcast leaves the other shards' copies", "  if (broadcast) {\n", "  if (false) {\n");
inFile("src/gist/user-token.ts");
m(121, "a token that is not base64 is decoded anyway", "  if (!BASE64.test(header)) throw", "  if (false) throw");
inFile("src/gist/site-index.ts");
m(122, "another account's site id can be claimed", "if (owner && owner !== account) throw", "if (false) throw");
m(123, "the old site id keeps answering after a move", "if ((await accountForSite(kv, oldSite)) === after.id) await kv.delete(kvKeys.gistSite(oldSite));", "void oldSite;");
inFile("src/routes/gist-sdk.ts");
m(124, "allowed_origins is not enforced", "if (origin && settings.allowed_origins && !settings.allowed_origins.includes(origin)) {", "if (false) {");
m(125, "a site id that names an account not serving it is answered", "if (!account || settings?.site_id !== site) throw", "if (!account || !settings) throw");

// ------------------------------------------------------------ the dashboard's guards
inFile("src/ui/guard.ts");
m(133, "a POST without the session's CSRF token is taken", 'if (c.req.method === "POST" && !(await csrfValid(c.env, c.get("session").sid, await presentedToken(c)))) {', "if (false) {");
m(134, "a service key's session opens another account's pages", 'if (principal.kind === "key" && principal.account !== account) {', "if (false) {");
m(135, "a revoked key's session goes on", "return (await c.env.CONFIG.get(kvKeys.serviceKey(principal.account, principal.keyId))) !== null;", "return true;");
m(136, "the session cookie is readable by page scripts", "httpOnly: true", "httpOnly: false");
m(137, "a form posted from another origin is taken", "if (origin && origin !== new URL(c.req.url).origin) throw", "if (false) throw");
inFile("src/ui/session.ts");
m(138, "an expired session cookie still signs in", "payload.exp * 1000 <= now || ", "");

// ------------------------------------------------------------ messages carrying several deliveries
inFile("src/delivery/message.ts");
m(38, "21 messages per sendBatch", "export const MAX_MESSAGES_PER_SEND = 20;", "export const MAX_MESSAGES_PER_SEND = 21;");
m(139, "101 deliveries per message", "export const MAX_DELIVERIES_PER_MESSAGE = 100;", "export const MAX_DELIVERIES_PER_MESSAGE = 101;");
m(142, "a first-release message is dropped as unreadable", "return { ok: true, message: { v: 2, limiter, deliveries: [{ account, id: delivery_id }] } };", "return { ok: false, error: `version 1: ${delivery_id}` };");
inFile("src/limiter/delivery-log.ts");
m(144, "ten rows per INSERT (110 bound values, past the 100 a statement takes)", "const INSERT_ROWS = 9;", "const INSERT_ROWS = 10;");
m(146, "a job prepared in the Worker loses its customer", 'customerId: job.customerId ?? "", json:', 'customerId: "", json:');

// ------------------------------------------------------------ group commit
inFile("src/limiter/group-accept.ts");
m(147, "four calls to the limiter in flight at once (groups of about 2)", "const MAX_IN_FLIGHT = 1;", "const MAX_IN_FLIGHT = 4;");
m(148, "no linger: a small group goes as soon as the call before it returns", "if (room && (lingered || lane.waiting.length >= MIN_GROUP)) {", "if (room) {");
m(149, "a trigger that finds the limiter idle lingers too", "let lingered = !lane;", "let lingered = false;");

inFile("src/limiter/delivery-log.ts");
m(150, "a batch's attempts all numbered 1 (the count read before the update)", "SELECT d.id, d.attempt_count, r.value ->> 'attempt'", "SELECT d.id, 1, r.value ->> 'attempt'");
m(151, "a delivery's attempt count not raised by an attempt", "attempt_count = attempt_count + 1, updated_at = ?,\n         next_attempt_at", "attempt_count = attempt_count, updated_at = ?,\n         next_attempt_at");

inFile("src/http/json-body.ts");
m(152, "a body without a declared length is not limited", "  if (!withinBytes(text, MAX_BODY_BYTES)) throw tooLarge(byteLength(text));\n", "");
m(153, "the body limit counts characters, not UTF-8 bytes", "if (!withinBytes(text, MAX_BODY_BYTES))", "if (text.length > MAX_BODY_BYTES)");

// ------------------------------------------------------------ src/pipelines (the event inbox)
inFile("src/pipelines/event-inbox.do.ts");
m(154, "a refused send keeps the rows of the call it refused", "this.rows.delete(calls.slice(index).flat()", "this.rows.delete(calls.slice(index + 1).flat()");
m(155, "routed messages are never forgotten", "    this.rows.delete(routed);\n", "");
m(156, "a message handed back to the queue is not seen again", "    this.rows.touch(retrying, Date.now());\n", "");
m(157, "messages are kept 230 h, past the messageId dedupe window", "export const INBOX_KEEP_MS = 23 * 60 * 60 * 1000;", "export const INBOX_KEEP_MS = 230 * 60 * 60 * 1000;");
m(158, "the alarm re-arms with nothing kept", "await this.alarmClock.rearm([this.recovery.nextCheck(now), more ? now + MORE_LOST_AFTER_MS : null]);", "await this.alarmClock.rearm([this.recovery.nextCheck(now) ?? now + 60_000, more ? now + MORE_LOST_AFTER_MS : null]);");

inFile("src/pipelines/inbox-rows.ts");
m(159, "a message seen exactly at the margin counts as lost", '"SELECT id, body, bytes FROM inbox WHERE seen_at < ? ORDER BY id LIMIT ?"', '"SELECT id, body, bytes FROM inbox WHERE seen_at <= ? ORDER BY id LIMIT ?"');

inFile("src/pipelines/lost-events.ts");
m(160, "a re-queued message is not seen again", "        rows.touch(call.map((row) => row.id), now);\n", "");

inFile("src/pipelines/consume-events.ts");
m(161, "a message that could not be routed is reported routed", 'report(group, "retrying");', 'report(group, "routed");');
m(162, "probes are answered before the batch's messages are reported routed", "await Promise.all([...reports].map(([name, { routed, retrying }]) => tellInbox(name, (inbox) => inbox.routed(routed, retrying))));\n  await Promise.all(probes.map(({ msg, probe }) => tellInbox(probe.inbox, (inbox) => inbox.probeSeen(probe.probe_sent_at)).then(() => msg.ack())));", "await Promise.all(probes.map(({ msg, probe }) => tellInbox(probe.inbox, (inbox) => inbox.probeSeen(probe.probe_sent_at)).then(() => msg.ack())));\n  await Promise.all([...reports].map(([name, { routed, retrying }]) => tellInbox(name, (inbox) => inbox.routed(routed, retrying))));");

inFile("src/pipelines/tracking-enqueue.ts");
m(163, "events the inbox could not queue are answered 200", "if (!queued) throw", "if (false) throw");

inFile("src/pipelines/event-chunks.ts");
m(164, "no room left for the inbox reference", "events: [] })) + INBOX_REF_BYTES;", "events: [] }));");

// ------------------------------------------------------------ sharded delivery queues
inFile("src/delivery/queues.ts");
m(167, "every limiter uses the first delivery queue", "return queues[fnv1a(limiter) % queues.length]!;", "return queues[0]!;");
m(168, "a gap in the numbering is skipped over, not where the list ends", "for (let shard = 1; named[`DELIVERIES_${shard}`]; shard++) queues.push(named[`DELIVERIES_${shard}`]!);", "for (let shard = 1; shard < 4; shard++) if (named[`DELIVERIES_${shard}`]) queues.push(named[`DELIVERIES_${shard}`]!);");

inFile("src/limiter/account-limiter.do.ts");
m(169, "accepted deliveries go on the first queue, whatever the limiter", "await deliveryQueueFor(this.env, limiter).sendBatch(chunk.map(", "await this.env.DELIVERIES.sendBatch(chunk.map(");

inFile("src/delivery/consume.ts");
m(170, "a hand-back goes on the first queue, not the limiter's", "await deliveryQueueFor(env, limiter).sendBatch(run);", "await env.DELIVERIES.sendBatch(run);");

inFile("src/delivery/dead-letter.ts");
m(171, "a dead letter's pieces go on the first queue, not the limiter's", "await deliveryQueueFor(env, limiter).sendBatch(run.map(", "await env.DELIVERIES.sendBatch(run.map(");

inFile("src/limiter/lost-deliveries.ts");
m(172, "the queue probe travels the first queue, not the one it vouches for", "await deliveryQueueFor(env, probe.limiter).send(probe,", "await env.DELIVERIES.send(probe,");
m(173, "lost deliveries are re-queued on the first queue", "await deliveryQueueFor(env, limiter()).sendBatch(messages.map(", "await env.DELIVERIES.sendBatch(messages.map(");

export const mutants = list;
