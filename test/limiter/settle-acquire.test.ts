import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AccountLimiter } from "../../src/limiter/account-limiter.do";
import type { AttemptResult } from "../../src/limiter/protocol";
import { logOf, makeJob } from "../fixtures/limiter";
import { uniqueId } from "../helpers";

const limiter = () => env.ACCOUNT_LIMITER.getByName(uniqueId("limiter")) as DurableObjectStub<AccountLimiter>;
const sentResult = (id: string): AttemptResult => ({ id, attempt: { at: new Date().toISOString(), status: 200, duration_ms: 3 }, next: { status: "sent" } });

describe("settling a batch with deliveries still waiting", () => {
  it("hands the returned permits to the waiting ones in the same call, within the cap", async () => {
    await runInDurableObject(limiter(), async (instance) => {
      await instance.setConcurrency("limiter-cap-2", 2);
      const now = Date.now();
      for (const id of ["dlv_a", "dlv_b", "dlv_c", "dlv_d", "dlv_e"]) logOf(instance).insert(id, makeJob("acct"), now, {});
      const first = await instance.acquire(["dlv_a", "dlv_b", "dlv_c", "dlv_d", "dlv_e"], 30_000);
      expect(first.granted.map((d) => d.id)).toEqual(["dlv_a", "dlv_b"]);
      expect(first.waiting).toEqual(["dlv_c", "dlv_d", "dlv_e"]);

      const next = await instance.settle(first.leaseId, [sentResult("dlv_a"), sentResult("dlv_b")], {}, { ids: first.waiting, leaseMs: 30_000 });
      expect(next?.granted.map((d) => d.id)).toEqual(["dlv_c", "dlv_d"]);
      expect(next?.waiting).toEqual(["dlv_e"]);
      expect(logOf(instance).get("acct", "dlv_a")?.status).toBe("sent");
      expect(logOf(instance).get("acct", "dlv_c")?.status).toBe("sending");
      // Without deliveries waiting, settling acquires nothing.
      expect(await instance.settle(next!.leaseId, [sentResult("dlv_c")], {})).toBeNull();
    });
  });
});

describe("the lease a consumer gets", () => {
  it("lasts as long as the sends it grants could take (35 s for 4), not as long as the 20 it asked for would (50 s)", async () => {
    await runInDurableObject(limiter(), async (instance, state) => {
      await instance.setConcurrency("limiter-cap-4", 4);
      const now = Date.now();
      const ids = Array.from({ length: 20 }, (_, i) => `dlv_${i}`);
      for (const id of ids) logOf(instance).insert(id, makeJob("acct"), now, {});
      const result = await instance.acquire(ids);
      expect(result.granted).toHaveLength(4);
      const [lease] = state.storage.sql.exec<{ expires_at: number }>("SELECT expires_at FROM leases WHERE id = ?", result.leaseId).toArray();
      // Four sends, six at a time, each up to its 4 s timeout plus 1 s, and a 30 s margin.
      expect(lease!.expires_at - now).toBeGreaterThanOrEqual(35_000);
      expect(lease!.expires_at - now).toBeLessThan(36_000);
      // The alarm that frees it if the consumer dies is set no later.
      expect(await state.storage.getAlarm()).toBeLessThanOrEqual(lease!.expires_at);
    });
  });
});

describe("the attempts of a delivery", () => {
  it("are logged one row each and read back in order, after any a log kept in its JSON column before", async () => {
    await runInDurableObject(limiter(), async (instance, state) => {
      const log = logOf(instance);
      const now = Date.now();
      log.insert("dlv_old", makeJob("acct"), now, {});
      // As an older release left it: two attempts in the JSON column, none counted elsewhere.
      const legacy = [{ at: "2026-01-01T00:00:00.000Z", status: 503, duration_ms: 5 }, { at: "2026-01-01T00:00:01.000Z", error: "timeout", duration_ms: 4000 }];
      state.storage.sql.exec("UPDATE deliveries SET attempts = ?, attempt_count = 2, status = 'retrying' WHERE id = 'dlv_old'", JSON.stringify(legacy));
      log.recordAttempt("dlv_old", { at: "2026-01-01T00:00:02.000Z", status: 200, duration_ms: 7 }, { status: "sent" }, now);
      log.insert("dlv_new", makeJob("acct"), now, {});
      log.recordAttempt("dlv_new", { at: "2026-01-01T00:00:03.000Z", status: 500, duration_ms: 2 }, { status: "retrying", nextAttemptAt: now + 1_000 }, now);
      log.recordAttempt("dlv_new", { at: "2026-01-01T00:00:04.000Z", status: 201, duration_ms: 1 }, { status: "sent" }, now);

      expect(log.get("acct", "dlv_old")?.attempts).toEqual([...legacy, { at: "2026-01-01T00:00:02.000Z", status: 200, duration_ms: 7 }]);
      expect(log.job("dlv_old")?.attemptCount).toBe(3);
      expect(log.outcome("dlv_old", "sent", {})?.attempt).toBe(3);
      const listed = log.list("acct", { limit: 10 });
      expect(listed.find((d) => d.id === "dlv_new")?.attempts).toEqual([
        { at: "2026-01-01T00:00:03.000Z", status: 500, duration_ms: 2 },
        { at: "2026-01-01T00:00:04.000Z", status: 201, duration_ms: 1 },
      ]);
      expect(listed.find((d) => d.id === "dlv_old")?.attempts).toHaveLength(3);
      // The JSON column is no longer rewritten.
      expect(state.storage.sql.exec("SELECT attempts FROM deliveries WHERE id = 'dlv_new'").one().attempts).toBe("[]");
    });
  });

  it("go with their delivery when the log is pruned, and only those", async () => {
    await runInDurableObject(limiter(), async (instance, state) => {
      const log = logOf(instance);
      const old = Date.now() - 31 * 24 * 60 * 60 * 1000;
      log.insert("dlv_gone", makeJob("acct"), old, {});
      log.recordAttempt("dlv_gone", { at: new Date(old).toISOString(), status: 200, duration_ms: 1 }, { status: "sent" }, old);
      log.insert("dlv_kept", makeJob("acct"), Date.now(), {});
      log.recordAttempt("dlv_kept", { at: new Date().toISOString(), status: 200, duration_ms: 1 }, { status: "sent" }, Date.now());
      log.prune(Date.now());
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM delivery_attempts WHERE delivery_id = 'dlv_gone'").one().n).toBe(0);
      expect(log.get("acct", "dlv_kept")?.attempts).toHaveLength(1);
    });
  });
});
