import { AppError } from "../errors";
import type { AccountId } from "../store/ids";
import { findServiceKey } from "../store/service-keys";

/**
 * The write key from `Authorization: Basic base64(key + ":")`, as Segment's
 * and Customer.io's libraries send it: the user name is the key, the password
 * is empty and ignored. Undefined when there is no Basic header or its user
 * name is empty (then the body's `writeKey` is the fallback); a Basic header
 * that is not base64 is a 401 at once.
 */
export function basicWriteKey(header: string | undefined): string | undefined {
  const match = header?.match(/^Basic\s+(\S+)\s*$/i);
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    throw new AppError("unauthorized", "Authorization: Basic credentials are not valid base64");
  }
  const colon = decoded.indexOf(":");
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user === "" ? undefined : user;
}

/**
 * The account a write key (a service key) belongs to; a missing, unknown or
 * revoked key is a 401. The key decides the account: a tracking request
 * never names one.
 */
export async function accountForWriteKey(config: KVNamespace, key: string | undefined): Promise<AccountId> {
  if (!key) {
    throw new AppError("unauthorized", "Missing write key: send a service key as the HTTP Basic user name, or as writeKey in the body");
  }
  const found = await findServiceKey(config, key);
  if (!found) throw new AppError("unauthorized", "Invalid or revoked write key");
  return found.account;
}
