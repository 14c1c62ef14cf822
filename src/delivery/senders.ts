import type { Bindings } from "../env";
import type { GrantedDelivery } from "../limiter/protocol";
import type { ReportingTarget } from "../reporting/outcome-events";
import type { Account } from "../store/accounts";
import { cachedAccount } from "../store/cached-config";
import type { AccountId } from "../store/ids";
import { secretBox, type SecretBox } from "../store/secret-box";
import { openSigningSecrets } from "../store/signing-secrets";
import { signCustomerIo } from "../verify/customerio";
import type { Signer } from "./attempt";
import { standardWebhookHeaders } from "./standard-webhooks";

/** How one account's deliveries are signed, and where its outcomes are reported. */
interface AccountSending {
  /** Standard Webhooks, with the account's signing secrets (none: unsigned). */
  standard: Signer | Error;
  /** Customer.io's reporting signature, with the reporting secret; null without reporting. */
  reporting: Signer | Error | null;
  /** The upstream Gist credentials, for relayed in-app messages; null without Gist. */
  gist: Signer | Error | null;
  target: ReportingTarget | null;
}

/**
 * The accounts of a consumer batch, each read and its secrets opened once (an
 * account belongs to one limiter, so to one group). The account comes from
 * the isolate's config cache, as a trigger's does: a signing secret or
 * reporting target changed through another isolate is used within that
 * cache's bound (store/config-cache.ts), no later than KV itself would show
 * it everywhere, and a consumer invocation reads no KV when the account is
 * warm. A deleted account signs
 * with nothing and reports nowhere; one whose secrets do not open gets the
 * Error, so its deliveries are retried rather than sent unsigned, and the
 * other accounts of the batch go ahead.
 */
export async function loadSenders(env: Bindings, ids: AccountId[]) {
  const unique = [...new Set(ids)];
  const box = secretBox(env.ENCRYPTION_KEY);
  const now = new Date();
  const sending = await Promise.all(unique.map(async (id) => sendingOf(await cachedAccount(env.CONFIG, id), box, now)));
  const byAccount = new Map(unique.map((id, i) => [id as string, sending[i]!]));
  return {
    /** The signer for one delivery: Customer.io's for reporting webhooks, Standard Webhooks for the rest. */
    signerFor(delivery: GrantedDelivery): Signer | Error {
      const account = byAccount.get(delivery.account);
      if (!account) return unsigned;
      if (delivery.kind === "reporting") return account.reporting ?? new Error("the account has no reporting secret any more");
      if (delivery.kind === "gist") return account.gist ?? new Error("the account has no Gist credentials any more");
      return account.standard;
    },
    /** Where each account reports outcomes, for the limiter's settle. */
    reportingTargets(): Record<string, ReportingTarget> {
      return Object.fromEntries([...byAccount].flatMap(([id, account]) => (account.target ? [[id, account.target]] : [])));
    },
  };
}

const unsigned: Signer = (id, body) => standardWebhookHeaders(id, body, []);

async function sendingOf(account: Account | null, box: SecretBox, now: Date): Promise<AccountSending> {
  if (!account) return { standard: unsigned, reporting: null, gist: null, target: null };
  const [standard, reporting, gist] = await Promise.all([
    openSigningSecrets(account, box, now).then(
      (secrets): Signer => (id, body) => standardWebhookHeaders(id, body, secrets),
      (err: Error) => opened(err, account.id, "signing"),
    ),
    account.reporting
      ? box.open(account.reporting.secret).then(
          (secret): Signer => async (_id, body) => signCustomerIo(secret, body, Math.floor(Date.now() / 1000)),
          (err: Error) => opened(err, account.id, "reporting"),
        )
      : null,
    account.gist ? gistHeaders(account.gist, box).catch((err: Error) => opened(err, account.id, "Gist")) : null,
  ]);
  const target = account.reporting ? { url: account.reporting.url, events: account.reporting.events } : null;
  return { standard, reporting, gist, target };
}

/** Gist authenticates with the organization id and a service key, both stored sealed. */
async function gistHeaders(gist: NonNullable<Account["gist"]>, box: SecretBox): Promise<Signer> {
  const [organization, serviceKey] = await Promise.all([box.open(gist.organization_id), box.open(gist.service_key)]);
  return async () => ({ "X-Bourbon-Organization-Id": organization, "X-Gist-Service-Key": serviceKey });
}

function opened(err: Error, account: string, which: string): Error {
  console.error(`cannot open the ${which} secret of account`, account, err.message);
  return err;
}
