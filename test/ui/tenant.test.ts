import { describe, expect, it } from "vitest";
import { ADMIN, api, makeAccount, makeAction, makeKey, uniqueId } from "../helpers";
import { csrfOf, signIn } from "./ui-client";

describe("a service key sees only its account", () => {
  it("gets 403 on every page of another account, existing or not, and 200 on its own", async () => {
    const mine = await makeAccount();
    const theirs = await makeAccount();
    await makeAction(theirs);
    const { key } = await makeKey(mine);
    const { client } = await signIn(key);
    for (const page of ["", "/keys", "/actions", "/actions/a", "/actions/new", "/deliveries", "/destinations", "/sources", "/gist"]) {
      expect((await client.get(`/ui/a/${theirs}${page}`)).status, `/ui/a/${theirs}${page}`).toBe(403);
      expect((await client.get(`/ui/a/no-such-${theirs}${page}`)).status).toBe(403);
    }
    expect((await client.get("/ui/accounts")).status).toBe(403);
    const stream = await client.readStream(`/ui/a/${theirs}/deliveries/live`, "forbidden");
    expect(stream.text).toContain('"code":"forbidden"');
    for (const page of ["", "/keys", "/actions", "/deliveries", "/destinations", "/sources", "/gist"]) {
      expect((await client.get(`/ui/a/${mine}${page}`)).status, `/ui/a/${mine}${page}`).toBe(200);
    }
  });

  it("cannot change another account with a valid CSRF token of its own session", async () => {
    const mine = await makeAccount();
    const theirs = await makeAccount();
    const { key } = await makeKey(mine);
    const { client } = await signIn(key);
    const token = csrfOf((await client.get(`/ui/a/${mine}/actions/new`)).text);
    const answer = await client.post(`/ui/a/${theirs}/actions`, { _csrf: token, id: "x", method: "POST", url: "https://example.com/x" });
    expect(answer.status).toBe(403);
    expect((await api("GET", `/v1/accounts/${theirs}/actions`)).body.actions).toEqual([]);
  });
});

describe("a revoked key's live stream", () => {
  it("ends within the stream's re-check period (10 s) with a signed-out event", async () => {
    const account = await makeAccount();
    const { key, id } = await makeKey(account);
    const { client } = await signIn(key);
    const reading = client.readStream(`/ui/a/${account}/deliveries/live`, "event: signed-out", 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api("DELETE", `/v1/accounts/${account}/keys/${id}`)).status).toBe(204);
    const started = Date.now();
    const { text } = await reading;
    expect(text).toContain("event: ready");
    expect(text).toContain("event: signed-out");
    expect(Date.now() - started).toBeLessThan(12_000);
  });
});

describe("accounts page", () => {
  it("lets the admin create an account from the form, and only the admin", async () => {
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get("/ui/accounts")).text);
    const id = uniqueId("acct");
    const created = await client.post("/ui/accounts", { _csrf: token, account: id, name: "From the dashboard", concurrency: "7" });
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe(`/ui/a/${id}/keys`);
    expect((await api("GET", `/v1/accounts/${id}`)).body).toMatchObject({ name: "From the dashboard", concurrency: 7 });
    const bad = await client.post("/ui/accounts", { _csrf: token, account: "no:colons", name: "x" });
    expect(bad.status).toBe(400);

    const mine = await makeAccount();
    const { key } = await makeKey(mine);
    const { client: keyClient } = await signIn(key);
    const keyToken = csrfOf((await keyClient.get(`/ui/a/${mine}/keys`)).text);
    expect((await keyClient.post("/ui/accounts", { _csrf: keyToken, account: mine, name: "Taken over" })).status).toBe(403);
    expect((await api("GET", `/v1/accounts/${mine}`)).body.name).toBe("Test");
  });
});

describe("keys page", () => {
  it("shows a new key once, and revokes it", async () => {
    const account = await makeAccount();
    const { client } = await signIn(ADMIN);
    const token = csrfOf((await client.get(`/ui/a/${account}/keys`)).text);
    const created = await client.post(`/ui/a/${account}/keys`, { name: "deploy", _csrf: token });
    const key = created.text.match(/id="new-key">(ehk_[A-Za-z0-9_-]+)</)?.[1];
    expect(key).toBeDefined();
    expect(created.headers.get("cache-control")).toBe("no-store");
    expect((await api("GET", `/v1/accounts/${account}`, undefined, key!)).status).toBe(200);
    const again = await client.get(`/ui/a/${account}/keys`);
    expect(again.text).not.toContain(key!);

    const { keys } = (await api("GET", `/v1/accounts/${account}/keys`)).body;
    const revoked = await client.post(`/ui/a/${account}/keys/${keys[0].id}/revoke`, { _csrf: token });
    expect(revoked.status).toBe(200);
    expect((await api("GET", `/v1/accounts/${account}`, undefined, key!)).status).toBe(401);
  });
});
