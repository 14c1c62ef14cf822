import { Hono } from "hono";
import { accountFor, accountIdFor, existingAccount } from "../auth/authenticate";
import { allowPrivateTargets, type AppEnv } from "../env";
import { AppError } from "../errors";
import { readJsonBody } from "../http/json-body";
import { pathParam } from "../http/path-param";
import { validateDestination } from "../pipelines/destination-request";
import { getAccount } from "../store/accounts";
import {
  deleteDestination,
  DestinationInput,
  getDestination,
  listDestinations,
  publicDestination,
  putDestination,
} from "../store/destinations";
import { DestinationId } from "../store/ids";
import { secretBox } from "../store/secret-box";

/** Data Pipelines webhook destinations: `/v1/accounts/{account}/destinations[/{dest}]`. Shared secrets are never shown. */
export const destinationRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const account = await accountFor(c);
    const destinations = await listDestinations(c.env.CONFIG, account.id);
    return c.json({ destinations: destinations.map(publicDestination) });
  })
  .put("/:dest", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "dest", DestinationId);
    const input = await readJsonBody(c, DestinationInput);
    validateDestination(input, { allowPrivate: allowPrivateTargets(c.env) });
    const { destination, created } = await putDestination(c.env.CONFIG, account.id, id, input, secretBox(c.env.ENCRYPTION_KEY));
    return c.json(publicDestination(destination), created ? 201 : 200);
  })
  .get("/:dest", async (c) => {
    const accountId = accountIdFor(c);
    const id = pathParam(c, "dest", DestinationId);
    const [account, destination] = await Promise.all([getAccount(c.env.CONFIG, accountId), getDestination(c.env.CONFIG, accountId, id)]);
    existingAccount(accountId, account);
    if (!destination) throw new AppError("not_found", `Destination ${id} does not exist`);
    return c.json(publicDestination(destination));
  })
  .delete("/:dest", async (c) => {
    const account = await accountFor(c);
    const id = pathParam(c, "dest", DestinationId);
    if (!(await deleteDestination(c.env.CONFIG, account.id, id))) throw new AppError("not_found", `Destination ${id} does not exist`);
    return c.body(null, 204);
  });
