import type { Provider } from "../store/sources";
import { verifyCustomerIo } from "../verify/customerio";
import { verifyStandardWebhook } from "../verify/standard-webhooks";
import { verifyXSignature } from "../verify/x-signature";

/**
 * A verified request: when the sender signed it (ms, null for X-Signature,
 * which signs no time) and what makes a replay of it recognisable (its
 * signature). Or why it was refused.
 */
export type InboundVerdict = { ok: true; sentAt: number | null; dedupeKey: string } | { ok: false; reason: string };

/** Checks a request with its source's scheme (the same verifiers receivers import from `edgehook/verify`). */
export async function verifyInbound(provider: Provider, secrets: string[], body: Uint8Array, headers: Headers, toleranceSeconds: number, now: Date): Promise<InboundVerdict> {
  switch (provider) {
    case "customerio": {
      for (const secret of secrets) {
        const verdict = await verifyCustomerIo(secret, body, headers, { toleranceSeconds, now });
        if (verdict.ok) return { ok: true, sentAt: Number(headers.get("x-cio-timestamp")) * 1000, dedupeKey: headers.get("x-cio-signature")! };
        if (verdict.reason !== "bad_signature") return { ok: false, reason: verdict.reason };
      }
      return { ok: false, reason: "bad_signature" };
    }
    case "standard-webhooks": {
      const verdict = await verifyStandardWebhook(secrets, body, headers, { toleranceSeconds, now });
      if (!verdict.ok) return { ok: false, reason: verdict.reason };
      return { ok: true, sentAt: Number(headers.get("webhook-timestamp")) * 1000, dedupeKey: `${headers.get("webhook-id")}:${headers.get("webhook-signature")}` };
    }
    case "x-signature": {
      const verdict = await verifyXSignature(secrets, body, headers);
      if (!verdict.ok) return { ok: false, reason: verdict.reason };
      return { ok: true, sentAt: null, dedupeKey: headers.get("x-signature")!.trim().toLowerCase() };
    }
  }
}
