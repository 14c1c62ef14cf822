/**
 * How the dashboard reads and changes things: through the JSON API's own route
 * modules, so validation, tenant checks and errors are the API's, not a copy.
 *
 * A session holds no token to send as `Authorization: Bearer`, so the routes
 * are mounted here on an internal app that takes the principal from the
 * session instead. The principal travels beside the Request object (a WeakMap
 * keyed by it), which only code in this Worker can create: this app is never
 * reachable from the network. The routes are the API's own mount table
 * (routes/account-api.ts).
 */
import { Hono } from "hono";
import { authenticate } from "../auth/authenticate";
import type { AppEnv, Bindings, Principal } from "../env";
import { AppError, fromUnexpected } from "../errors";
import { mountAccountApi } from "../routes/account-api";

const principals = new WeakMap<Request, Principal>();

const internal = new Hono<AppEnv>();
// Sign-in checks a presented token with the API's own authenticate middleware.
internal.get("/whoami", authenticate, (c) => c.json(c.get("principal")));
internal.use("/v1/accounts/*", async (c, next) => {
  const principal = principals.get(c.req.raw);
  if (!principal) throw new AppError("unauthorized", "No session");
  c.set("principal", principal);
  await next();
});
mountAccountApi(internal);
internal.notFound((c) => c.json(new AppError("not_found", "No such page").toJSON(), 404));
internal.onError((err, c) => {
  const error = fromUnexpected(err);
  if (err !== error) console.error("unhandled error (dashboard)", err);
  return c.json(error.toJSON(), error.status);
});

export interface ApiAnswer<T = any> {
  status: number;
  ok: boolean;
  body: T;
}

/** The error part of an API answer, for showing: `{code, message, line?, field?}`. */
export interface ApiError {
  code: string;
  message: string;
  field?: string;
  line?: number;
  column?: number;
}

/** One call to the JSON API as `principal`. The path starts with /v1/accounts/. */
export async function api<T = any>(env: Bindings, principal: Principal, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const request = new Request(`http://internal${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  principals.set(request, principal);
  const response = await internal.fetch(request, env);
  const text = await response.text();
  return { status: response.status, ok: response.ok, body: text ? JSON.parse(text) : null };
}

/** Like api(), but an error answer is thrown as the AppError it was, for the page's error view. */
export async function apiOrThrow<T = any>(env: Bindings, principal: Principal, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await api<T>(env, principal, method, path, body);
  if (!answer.ok) throw errorOf(answer);
  return answer.body;
}

export function errorOf(answer: ApiAnswer): AppError {
  const { code, message, ...details } = (answer.body as { error: ApiError }).error;
  return new AppError(code as ConstructorParameters<typeof AppError>[0], message, details);
}

/** Who a presented admin token or service key is, as the API would see it, or null when it is not valid. */
export async function whoIs(env: Bindings, presented: string): Promise<Principal | null> {
  const response = await internal.fetch(new Request("http://internal/whoami", { headers: { authorization: `Bearer ${presented}` } }), env);
  if (response.status === 401) return null;
  if (!response.ok) throw errorOf({ status: response.status, ok: false, body: await response.json() });
  return (await response.json()) as Principal;
}

/** Path segments are ids the routes validate; encoding keeps a hostile one inside its segment. */
export function accountPath(account: string, ...rest: string[]): string {
  return ["/v1/accounts", account, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join("/");
}
