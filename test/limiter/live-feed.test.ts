import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, deliveryReaches, makeAccount, makeAction, target, uniqueId, waitFor } from "../helpers";

// The limiter's change notices for open dashboards (limiter/live-feed.ts):
// a hibernatable WebSocket per dashboard stream, tagged with its account.

/** Opens a live socket to a limiter for `account` and records what it is told. */
async function listen(limiter: string, account: string) {
  const res = await env.ACCOUNT_LIMITER.getByName(limiter).fetch(`https://limiter/live?account=${account}`, { headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const socket = res.webSocket!;
  socket.accept();
  const heard: string[] = [];
  socket.addEventListener("message", (event) => heard.push(String(event.data)));
  return { heard, close: () => socket.close(1000, "test done") };
}

const trigger = (account: string) => api("POST", `/v1/accounts/${account}/actions/a/trigger`, { customer: { id: "c1" } });

describe("live change notices from the limiter", () => {
  it("tells an account's open socket when its deliveries are accepted, sent and settled", async () => {
    const account = await makeAccount();
    await makeAction(account, { url: target(uniqueId("live")) });
    const live = await listen(`account:${account}`, account);
    const res = await trigger(account);
    expect(res.status).toBe(202);
    await deliveryReaches(account, res.body.delivery_id, ["sent"]);
    // Accepted, a permit taken, the attempt settled: at least three notices.
    await waitFor(async () => live.heard.length >= 3);
    expect(new Set(live.heard)).toEqual(new Set(["changed"]));
    live.close();
  });

  it("does not tell another account of the same shard when only this one's deliveries are accepted", async () => {
    const shard = uniqueId("shard");
    const quiet = await makeAccount({ shard });
    const busy = await makeAccount({ shard });
    // A target that answers after 2 s: the attempt settles (which tells every socket) after the accept this test looks at.
    await makeAction(busy, { url: target(uniqueId("live"), "delay=2000") });
    const live = await listen(`shard:${shard}`, quiet);
    const loud = await listen(`shard:${shard}`, busy);
    expect((await trigger(busy)).status).toBe(202);
    await waitFor(async () => loud.heard.length >= 1);
    expect(live.heard).toEqual([]);
    live.close();
    loud.close();
  });

  it("refuses a request to the limiter that is not a live socket", async () => {
    const account = uniqueId("acct");
    const stub = env.ACCOUNT_LIMITER.getByName(`account:${account}`);
    expect((await stub.fetch(`https://limiter/live?account=${account}`)).status).toBe(400);
    expect((await stub.fetch("https://limiter/other")).status).toBe(404);
  });
});
