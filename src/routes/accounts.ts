import { Hono } from "hono";
import { z } from "zod";
import { accountFor, accountIdFor, requireAdmin } from "../auth/authenticate";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { readJsonBody } from "../http/json-body";
import { pathParam } from "../http/path-param";
import { limiterFor } from "../limiter/client";
import { checkSiteAvailable, updateSiteIndex } from "../gist/site-index";
import { AccountInput, getAccount, publicAccount, putAccount } from "../store/accounts";
import { KeyId } from "../store/ids";
import { createServiceKey, listServiceKeys, revokeServiceKey } from "../store/service-keys";

export const KeyInput = z.strictObject({ name: z.string().min(1).max(200) });

/** Accounts and their service keys: `/v1/accounts/{account}` and `…/keys`. */
export const accountRoutes = new Hono<AppEnv>()
  .put("/:account", requireAdmin, async (c) => {
    const id = accountIdFor(c);
    const input = await readJsonBody(c, AccountInput);
    await checkSiteAvailable(c.env.CONFIG, id, input.gist?.site_id);
    const before = await getAccount(c.env.CONFIG, id);
    const { account, created } = await putAccount(c.env.CONFIG, id, input);
    await updateSiteIndex(c.env.CONFIG, before, account);
    const { name, stub } = limiterFor(c.env, account);
    await stub.setConcurrency(name, account.concurrency);
    return c.json(publicAccount(account), created ? 201 : 200);
  })
  .get("/:account", async (c) => c.json(publicAccount(await accountFor(c))))
  .post("/:account/keys", requireAdmin, async (c) => {
    const account = await accountFor(c);
    const { name } = await readJsonBody(c, KeyInput);
    return c.json(await createServiceKey(c.env.CONFIG, account.id, name), 201);
  })
  .get("/:account/keys", async (c) => {
    const account = await accountFor(c);
    return c.json({ keys: await listServiceKeys(c.env.CONFIG, account.id) });
  })
  .delete("/:account/keys/:id", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "id", KeyId);
    if (!(await revokeServiceKey(c.env.CONFIG, account.id, id))) {
      throw new AppError("not_found", `Key ${id} does not exist`);
    }
    return c.body(null, 204);
  });
