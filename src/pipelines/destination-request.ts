import type { ActionInput } from "../store/actions";
import type { Destination, DestinationInput } from "../store/destinations";
import { renderRequest, type RenderedRequest } from "../templates/render-request";
import { validateAction } from "../templates/validate-action";
import { xSignature } from "../verify/x-signature";

/**
 * A destination's url, method and headers seen as an action without a body,
 * so the action machinery renders and checks them with the same rules: header
 * values without CR/LF or non-Latin-1 characters, Content-Type
 * application/json by default, userinfo in the URL moved to Basic auth, and
 * the SSRF guard on the rendered URL. The body is the destination's own
 * (mapping.ts), never rendered here.
 */
function asAction(destination: Pick<DestinationInput, "method" | "url" | "headers">): ActionInput {
  return { method: destination.method, url: destination.url, headers: destination.headers, attributes: {} };
}

/**
 * Checks a destination before it is saved, like an action: every template
 * parses (errors name field, line and column), the URL renders to http(s)
 * with an empty scope, and a literal private host is refused unless private
 * targets are allowed.
 */
export function validateDestination(destination: DestinationInput, options: { allowPrivate: boolean }): void {
  validateAction({ ...asAction(destination), body: destination.body }, options);
}

/**
 * The exact request a destination sends with `body` (one mapped event, or a
 * batch from batchBody).
 *
 * `url` and `headers` render over `{ event }`, where `event` is the FIRST
 * event of the request as the body carries it: `mappedFirst` parsed, when it
 * is a JSON object (the event itself unless `body` maps it), else `{}`. One
 * request has one URL, so a batch takes it from its first event.
 *
 * With a shared secret, `X-Signature` is the hex HMAC-SHA1 of the body's
 * exact bytes (`signature: "body"`), or of `JSON.stringify` of the first
 * mapped event (`signature: "first_event"`, what Segment's webhook action
 * signs; a first event that is not JSON is signed as its text). It replaces
 * any X-Signature the headers set.
 */
export async function destinationRequest(
  destination: Destination,
  body: string,
  mappedFirst: string,
  sharedSecret: string | undefined,
  options: { allowPrivate: boolean },
): Promise<RenderedRequest> {
  const scope = { customer: {}, event: firstEventScope(mappedFirst), trigger: {} };
  const { request } = renderRequest(asAction(destination), scope, options);
  const headers = withoutHeader(request.headers, "x-signature");
  if (sharedSecret) headers["X-Signature"] = await xSignature(sharedSecret, signedText(destination, body, mappedFirst));
  return { ...request, headers, body };
}

function firstEventScope(mappedFirst: string): Record<string, unknown> {
  const parsed = parseJson(mappedFirst);
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

function signedText(destination: Destination, body: string, mappedFirst: string): string {
  if (destination.signature !== "first_event") return body;
  const parsed = parseJson(mappedFirst);
  return parsed === undefined ? mappedFirst : JSON.stringify(parsed);
}

/** The parsed value, or undefined when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name));
}
