import { Hono } from "hono";
import { z } from "zod";
import { newId } from "../auth/secrets";
import { isSuccessStatus } from "../delivery/backoff";
import { sendOnce } from "../delivery/send";
import { standardWebhookHeaders } from "../delivery/standard-webhooks";
import { allowPrivateTargets, type AppEnv } from "../env";
import { readJsonBody } from "../http/json-body";
import { secretBox } from "../store/secret-box";
import { openSigningSecrets } from "../store/signing-secrets";
import { renderAttributes } from "../templates/render-attributes";
import { renderRequest } from "../templates/render-request";
import { responseScope } from "../templates/scope";
import { CustomerInput, ScopeFields, scopeAsTriggered } from "../templates/scope-input";
import { actionFor } from "./actions";

const SampleResponse = z.strictObject({
  status: z.number().int().min(100).max(599).default(200),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
});

export const PreviewInput = z.strictObject({ customer: CustomerInput, ...ScopeFields, response: SampleResponse.optional() });
export const TestInput = z.strictObject({ customer: CustomerInput, ...ScopeFields });

/** Preview (render, send nothing) and test send (send once, store nothing). */
export const actionRunRoutes = new Hono<AppEnv>()
  .post("/:action/preview", async (c) => {
    const { account, action } = await actionFor(c);
    const input = await readJsonBody(c, PreviewInput);
    const scope = await scopeAsTriggered(c.env.ATTRIBUTES, account.id, input);
    const { request, warnings } = renderRequest(action, scope, { allowPrivate: allowPrivateTargets(c.env) });
    if (!input.response) return c.json({ request, warnings });

    const { status, headers, body } = input.response;
    const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
    const lowerHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const attributes = renderAttributes(action.attributes, { ...scope, response: responseScope(status, lowerHeaders, text) });
    return c.json({ request, attributes, warnings });
  })
  .post("/:action/test", async (c) => {
    const { account, action } = await actionFor(c);
    const input = await readJsonBody(c, TestInput);
    const scope = await scopeAsTriggered(c.env.ATTRIBUTES, account.id, input);
    const { request, warnings } = renderRequest(action, scope, { allowPrivate: allowPrivateTargets(c.env) });
    const signingSecrets = await openSigningSecrets(account, secretBox(c.env.ENCRYPTION_KEY));
    const signed = await standardWebhookHeaders(newId("test"), request.body ?? "", signingSecrets);
    const outcome = await sendOnce(request, signed);
    if (!outcome.ok) {
      return c.json({ request, response: null, error: outcome.error, duration_ms: outcome.durationMs, attributes: {}, warnings });
    }
    const { status, headers, body } = outcome.response;
    // Attributes are what a real delivery would set: only after a 2xx.
    const attributes = isSuccessStatus(status)
      ? renderAttributes(action.attributes, { ...scope, response: responseScope(status, headers, body) })
      : {};
    return c.json({ request, response: { status, headers, body }, duration_ms: outcome.durationMs, attributes, warnings });
  });
