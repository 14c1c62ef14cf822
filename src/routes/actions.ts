import { Hono, type Context } from "hono";
import { accountFor, accountIdFor, existingAccount } from "../auth/authenticate";
import { allowPrivateTargets, type AppEnv } from "../env";
import { AppError } from "../errors";
import { readJsonBody } from "../http/json-body";
import { pathParam } from "../http/path-param";
import { ActionInput, deleteAction, getAction, listActions, putAction, type Action } from "../store/actions";
import { getAccount, type Account } from "../store/accounts";
import { ActionId } from "../store/ids";
import { validateAction } from "../templates/validate-action";

/** Webhook actions: `/v1/accounts/{account}/actions[/{action}]`. */
export const actionRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const account = await accountFor(c);
    return c.json({ actions: await listActions(c.env.CONFIG, account.id) });
  })
  .put("/:action", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "action", ActionId);
    const input = await readJsonBody(c, ActionInput);
    validateAction(input, { allowPrivate: allowPrivateTargets(c.env) });
    const { action, created } = await putAction(c.env.CONFIG, account.id, id, input);
    return c.json(action, created ? 201 : 200);
  })
  .get("/:action", async (c) => c.json((await actionFor(c)).action))
  .delete("/:action", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "action", ActionId);
    if (!(await deleteAction(c.env.CONFIG, account.id, id))) throw new AppError("not_found", `Action ${id} does not exist`);
    return c.body(null, 204);
  });

/** The action named in the path and its account, read in parallel, for a caller allowed to act on it. */
export async function actionFor(c: Context<AppEnv>): Promise<{ account: Account; action: Action }> {
  const accountId = accountIdFor(c);
  const id = pathParam(c, "action", ActionId);
  const [account, action] = await Promise.all([getAccount(c.env.CONFIG, accountId), getAction(c.env.CONFIG, accountId, id)]);
  const found = existingAccount(accountId, account);
  if (!action) throw new AppError("not_found", `Action ${id} does not exist`);
  return { account: found, action };
}
