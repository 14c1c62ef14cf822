import { AppError } from "../errors";
import type { Account } from "../store/accounts";
import { AccountId } from "../store/ids";
import { kvKeys } from "../store/keys";
import { SiteId } from "./settings";

/**
 * The Gist web SDK names its site (`X-CIO-Site-Id`), not an edgehook account,
 * so serve mode keeps a KV index from site id to account. One site id belongs
 * to one account: claiming a site another account serves is a 409.
 */
export async function accountForSite(kv: KVNamespace, site: SiteId): Promise<AccountId | null> {
  const owner = await kv.get(kvKeys.gistSite(site));
  const parsed = AccountId.safeParse(owner);
  return parsed.success ? parsed.data : null;
}

/** Refuses, before anything is saved, a site id that another account serves. */
export async function checkSiteAvailable(kv: KVNamespace, account: AccountId, site: SiteId | undefined): Promise<void> {
  if (!site) return;
  const owner = await accountForSite(kv, site);
  if (owner && owner !== account) throw new AppError("conflict", `Gist site id ${site} is served by another account`);
}

/** After the account is saved: index its site id, and drop the entry of a site id it no longer serves. */
export async function updateSiteIndex(kv: KVNamespace, before: Account | null, after: Account): Promise<void> {
  const old = before?.gist_queue?.site_id;
  const next = after.gist_queue?.site_id;
  if (old && old !== next) {
    const oldSite = SiteId.parse(old);
    if ((await accountForSite(kv, oldSite)) === after.id) await kv.delete(kvKeys.gistSite(oldSite));
  }
  if (next) await kv.put(kvKeys.gistSite(SiteId.parse(next)), after.id);
}
