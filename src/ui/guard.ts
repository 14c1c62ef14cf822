/**
 * The dashboard's checks, in the order they run: same-origin POSTs, a valid
 * session whose key still exists, a CSRF token on every POST, and a service
 * key kept to its own account.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AppError } from "../errors";
import { kvKeys } from "../store/keys";
import type { UiEnv } from "./env";
import { csrfToken, csrfValid, openSession, SESSION_COOKIE, SESSION_SECONDS, type Session } from "./session";

/** Secure everywhere but plain-HTTP local development, where a browser would drop a Secure cookie. */
export function isLocalHost(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

export function cookieOptions(c: Context, maxAge: number) {
  return { path: "/ui", httpOnly: true, secure: !isLocalHost(c.req.url), sameSite: "Strict" as const, maxAge };
}

export function setSessionCookie(c: Context, value: string): void {
  setCookie(c, SESSION_COOKIE, value, cookieOptions(c, SESSION_SECONDS));
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/ui", secure: !isLocalHost(c.req.url) });
}

/** The largest form or script body the dashboard reads (an action's templates fit many times over). */
const MAX_FORM_BYTES = 1_000_000;

/** Headers every dashboard answer carries: no framing, no third-party anything, no referrer leaks. */
export const securityHeaders: MiddlewareHandler<UiEnv> = async (c, next) => {
  await next();
  c.header("content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  c.header("x-frame-options", "DENY");
  c.header("x-content-type-options", "nosniff");
  c.header("referrer-policy", "same-origin");
};

/**
 * A POST from another origin is refused before anything else (SameSite=Strict
 * already keeps the cookie off it; this also covers the sign-in form), and so
 * is one larger than any dashboard form.
 */
export const sameOrigin: MiddlewareHandler<UiEnv> = async (c, next) => {
  if (c.req.method === "POST") {
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) throw new AppError("forbidden", "Cross-origin form posts are refused");
    // Forms are parsed before any route sees them: bound them as the API bounds its JSON bodies.
    if (Number(c.req.header("content-length") ?? 0) > MAX_FORM_BYTES) {
      throw new AppError("payload_too_large", `A dashboard form is at most ${MAX_FORM_BYTES} bytes`);
    }
  }
  await next();
};

/** Whether the session's principal still holds: a revoked service key ends its sessions at once. */
async function stillValid(c: Context<UiEnv>, session: Session): Promise<boolean> {
  const { principal } = session;
  if (principal.kind === "admin") return Boolean(c.env.ADMIN_TOKEN);
  return (await c.env.CONFIG.get(kvKeys.serviceKey(principal.account, principal.keyId))) !== null;
}

/** The request's session when its cookie is genuine, unexpired and its principal still holds; else null. */
export async function currentSession(c: Context<UiEnv>): Promise<Session | null> {
  const session = await openSession(c.env, getCookie(c, SESSION_COOKIE));
  return session && (await stillValid(c, session)) ? session : null;
}

/** Loads the session; without one, pages redirect to sign-in and anything else gets a 401. */
export const requireSession: MiddlewareHandler<UiEnv> = async (c, next) => {
  const session = await currentSession(c);
  if (!session) {
    if (getCookie(c, SESSION_COOKIE)) clearSessionCookie(c);
    if (c.req.method === "GET" && !c.req.path.endsWith("/live")) {
      const here = new URL(c.req.url);
      return c.redirect(`/ui/sign-in?next=${encodeURIComponent(here.pathname + here.search)}`, 303);
    }
    throw new AppError("unauthorized", "Sign in first");
  }
  c.set("session", session);
  c.set("csrf", await csrfToken(c.env, session.sid));
  await next();
};

/** The CSRF token a POST presents: the form field, or the header the page script sends. */
async function presentedToken(c: Context<UiEnv>): Promise<string | undefined> {
  const header = c.req.header("x-csrf-token");
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined;
  const form = await c.req.parseBody();
  const token = form._csrf;
  return typeof token === "string" ? token : undefined;
}

/** Every POST after sign-in carries the session's CSRF token, compared in constant time. */
export const requireCsrf: MiddlewareHandler<UiEnv> = async (c, next) => {
  if (c.req.method === "POST" && !(await csrfValid(c.env, c.get("session").sid, await presentedToken(c)))) {
    throw new AppError("forbidden", "The form's CSRF token is missing or does not match this session; reload the page and try again");
  }
  await next();
};

/** A service key sees only its own account: any other account's pages are a 403, existing or not. */
export const requireAccountAccess: MiddlewareHandler<UiEnv> = async (c, next) => {
  const principal = c.get("session").principal;
  const account = c.req.param("account");
  if (principal.kind === "key" && principal.account !== account) {
    throw new AppError("forbidden", "This key belongs to another account");
  }
  await next();
};
