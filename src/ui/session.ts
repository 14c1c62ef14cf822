/**
 * Dashboard sessions: a signed cookie naming who signed in, never the token
 * or key they signed in with. The signature is an HMAC under a key derived
 * (HKDF, WebCrypto) from ADMIN_TOKEN and ENCRYPTION_KEY, so rotating either
 * ends every session. CSRF tokens are HMACs of the session's random id under
 * the same key: a form token only fits the session it was rendered for.
 */
import type { Bindings, Principal } from "../env";
import { newId, secretsEqual } from "../auth/secrets";
import { base64Url, fromBase64, utf8 } from "../lib/encoding";
import { AccountId, KeyId } from "../store/ids";

/** How long a sign-in lasts; a key's revocation ends it sooner (checked on every request). */
export const SESSION_SECONDS = 12 * 60 * 60;
export const SESSION_COOKIE = "edgehook_session";
/** The sign-in form's own CSRF nonce, before there is a session. */
export const LOGIN_COOKIE = "edgehook_login";
export const LOGIN_SECONDS = 15 * 60;

export interface Session {
  /** Random id: what the CSRF token is bound to. */
  sid: string;
  principal: Principal;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key for cookies and CSRF tokens, or null when the Worker has neither secret set. */
function signingKey(env: Bindings): Promise<CryptoKey> | null {
  const material = `${env.ADMIN_TOKEN ?? ""}\n${env.ENCRYPTION_KEY ?? ""}`;
  if (material === "\n") return null;
  let key = keys.get(material);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", utf8(material), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: utf8("edgehook-ui"), info: utf8("dashboard session v1") },
          base,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign"],
        ),
      );
    keys.clear(); // one live key per isolate: a rotated secret's key is not kept
    keys.set(material, key);
  }
  return key;
}

async function mac(env: Bindings, purpose: string, text: string): Promise<string> {
  const key = signingKey(env);
  if (!key) throw new Error("neither ADMIN_TOKEN nor ENCRYPTION_KEY is set");
  return base64Url(new Uint8Array(await crypto.subtle.sign("HMAC", await key, utf8(`${purpose}\n${text}`))));
}

/** Whether sessions can be signed at all (a Worker without secrets cannot offer sign-in). */
export function canSign(env: Bindings): boolean {
  return signingKey(env) !== null;
}

type Payload = { sid: string; exp: number; p: "admin" } | { sid: string; exp: number; p: "key"; a: string; k: string };

export function newSession(principal: Principal, now = Date.now()): Session {
  return { sid: newId("ses"), principal, exp: Math.floor(now / 1000) + SESSION_SECONDS };
}

/** `payload.signature`, both base64url: the cookie value. */
export async function sealSession(env: Bindings, session: Session): Promise<string> {
  const { sid, exp, principal } = session;
  const payload: Payload = principal.kind === "admin" ? { sid, exp, p: "admin" } : { sid, exp, p: "key", a: principal.account, k: principal.keyId };
  const body = base64Url(utf8(JSON.stringify(payload)));
  return `${body}.${await mac(env, "session", body)}`;
}

/** The session a cookie value carries, or null when it is forged, malformed or expired. */
export async function openSession(env: Bindings, cookie: string | undefined, now = Date.now()): Promise<Session | null> {
  if (!cookie || cookie.length > 1024 || !canSign(env)) return null;
  const [body, signature, extra] = cookie.split(".");
  if (!body || !signature || extra !== undefined) return null;
  if (!(await secretsEqual(signature, await mac(env, "session", body)))) return null;
  let payload: Payload;
  try {
    payload = JSON.parse(new TextDecoder().decode(fromBase64(body.replace(/-/g, "+").replace(/_/g, "/")))) as Payload;
  } catch {
    return null;
  }
  if (typeof payload.exp !== "number" || payload.exp * 1000 <= now || typeof payload.sid !== "string") return null;
  if (payload.p === "admin") return { sid: payload.sid, exp: payload.exp, principal: { kind: "admin" } };
  const account = AccountId.safeParse(payload.a);
  const keyId = KeyId.safeParse(payload.k);
  if (payload.p !== "key" || !account.success || !keyId.success) return null;
  return { sid: payload.sid, exp: payload.exp, principal: { kind: "key", account: account.data, keyId: keyId.data } };
}

/** The CSRF token of a session (or of a sign-in nonce): put in every form, checked on every POST. */
export function csrfToken(env: Bindings, bindTo: string): Promise<string> {
  return mac(env, "csrf", bindTo);
}

/** Constant-time check of a presented CSRF token against the one `bindTo` should have. */
export async function csrfValid(env: Bindings, bindTo: string, presented: string | undefined): Promise<boolean> {
  if (!presented || presented.length > 200) return false;
  return secretsEqual(presented, await csrfToken(env, bindTo));
}
