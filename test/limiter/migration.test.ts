import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import { DELIVERY_SCHEMA, DeliveryLog, migrateDeliveryLog } from "../../src/limiter/delivery-log";
import { uniqueId } from "../helpers";

/** The deliveries table as the first release created it: actions only. */
const FIRST_RELEASE_SCHEMA = `
  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY, account TEXT NOT NULL, action TEXT NOT NULL, customer_id TEXT NOT NULL,
    status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_attempt_at INTEGER,
    job TEXT NOT NULL, request_view TEXT NOT NULL, attempts TEXT NOT NULL DEFAULT '[]', response TEXT,
    error TEXT, idempotency_key TEXT, replay_of TEXT, lease_id TEXT
  );`;

describe("a delivery log written by the first release", () => {
  it("is migrated in place: its rows read as action deliveries, and their jobs keep their attribute updates", async () => {
    const stub = env.ACCOUNT_LIMITER.getByName(`account:${uniqueId("migrate")}`) as DurableObjectStub<AccountLimiter>;
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE deliveries");
      sql.exec(FIRST_RELEASE_SCHEMA);
      const request = { method: "POST", url: "https://example.com/x", headers: {}, body: "{}" };
      const v1Job = { account: "acme", action: "lead", customerId: "c1", request, attributes: { lead: "{{ response.id }}" }, scope: { customer: { id: "c1" }, event: {}, trigger: {} } };
      sql.exec(
        "INSERT INTO deliveries (id, account, action, customer_id, status, created_at, updated_at, job, request_view) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
        "dlv_old", "acme", "lead", "c1", Date.now(), Date.now(), JSON.stringify(v1Job), JSON.stringify(request),
      );

      migrateDeliveryLog(sql);
      sql.exec(DELIVERY_SCHEMA);
      const log = new DeliveryLog(sql);
      expect(log.get("acme", "dlv_old")).toMatchObject({ kind: "action", source: "lead", customer_id: "c1", status: "queued" });
      expect(log.job("dlv_old")?.job).toEqual({
        v: 2,
        account: "acme",
        source: { kind: "action", id: "lead" },
        customerId: "c1",
        request,
        onSuccess: { templates: { lead: "{{ response.id }}" }, scope: { customer: { id: "c1" }, event: {}, trigger: {} } },
      });
      expect(log.list("acme", { source: { kind: "action", id: "lead" }, limit: 10 }).map((d) => d.id)).toEqual(["dlv_old"]);
      // Running it again changes nothing.
      migrateDeliveryLog(sql);
      expect(log.get("acme", "dlv_old")?.source).toBe("lead");
    });
  });

  it("counts the attempts its JSON column holds, so the next attempt is numbered after them", async () => {
    const stub = env.ACCOUNT_LIMITER.getByName(`account:${uniqueId("migrate")}`) as DurableObjectStub<AccountLimiter>;
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE deliveries");
      sql.exec(FIRST_RELEASE_SCHEMA);
      const request = { method: "POST", url: "https://example.com/x", headers: {}, body: "{}" };
      const job = { account: "acme", action: "lead", customerId: "c1", request };
      const attempts = [{ at: "2026-01-01T00:00:00.000Z", status: 503, duration_ms: 5 }, { at: "2026-01-01T00:00:01.000Z", status: 502, duration_ms: 6 }];
      sql.exec(
        "INSERT INTO deliveries (id, account, action, customer_id, status, created_at, updated_at, job, request_view, attempts) VALUES (?, ?, ?, ?, 'retrying', ?, ?, ?, ?, ?)",
        "dlv_tried", "acme", "lead", "c1", Date.now(), Date.now(), JSON.stringify(job), JSON.stringify(request), JSON.stringify(attempts),
      );
      migrateDeliveryLog(sql);
      sql.exec(DELIVERY_SCHEMA);
      const log = new DeliveryLog(sql);
      expect(log.job("dlv_tried")?.attemptCount).toBe(2);
      log.recordAttempt("dlv_tried", { at: "2026-01-01T00:00:02.000Z", status: 200, duration_ms: 7 }, { status: "sent" }, Date.now());
      expect(log.get("acme", "dlv_tried")?.attempts.map((a) => a.status)).toEqual([503, 502, 200]);
    });
  });
});
