import { AppError } from "../errors";
import { base64Url, fromBase64, utf8 } from "../lib/encoding";

/**
 * Seals the secrets edgehook keeps in KV (signing secrets, reporting and Gist
 * credentials, and whatever secret a later feature stores) with AES-256-GCM,
 * so a KV export, a dashboard view of the namespace or a read-only API token
 * does not reveal them.
 *
 * The key comes from the Worker secret ENCRYPTION_KEY: comma-separated
 * `keyId:base64(32 bytes)` entries. The first entry seals; every entry opens.
 * To rotate, put a new entry first and keep the old one listed until every
 * value sealed under it has been written again (each write re-seals under the
 * first key).
 *
 * A sealed value is `enc:v1:<keyId>:<iv b64url>:<ciphertext and tag b64url>`.
 * The key id travels with the value, so opening never has to guess a key; the
 * `enc:v1:<keyId>` prefix is authenticated too, so it cannot be swapped.
 */
export interface SecretBox {
  /** Encrypts under the first key of ENCRYPTION_KEY. */
  seal(plaintext: string): Promise<string>;
  /** Decrypts a sealed value; a legacy plaintext value is returned as it is. */
  open(stored: string): Promise<string>;
  /** A stored value ready to be written back: unchanged when already sealed under the first key, sealed again otherwise. */
  reseal(stored: string): Promise<string>;
}

const PREFIX = "enc:v1:";
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const SETTING = "ENCRYPTION_KEY";
const FORMAT_HINT = `expected comma-separated keyId:base64(${KEY_BYTES} bytes) entries`;

/**
 * Values written before secrets were encrypted are plain text in KV. They have
 * no `enc:v1:` prefix and are read as they are, so upgrading loses nothing; the
 * next write of their record seals them.
 */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

interface Keyring {
  sealingKeyId: string;
  keys: Map<string, Promise<CryptoKey>>;
}

// Importing a key costs more than the AES operation itself, and the consumer
// opens secrets for every batch: one box, and one imported key per key id,
// per isolate and setting.
const boxes = new Map<string, SecretBox>();
const MAX_CACHED_SETTINGS = 8;

/** The box for an ENCRYPTION_KEY value (`env.ENCRYPTION_KEY`); a missing or malformed one fails only when a secret must be sealed or opened. */
export function secretBox(setting: string | undefined): SecretBox {
  const cacheKey = setting ?? "";
  let box = boxes.get(cacheKey);
  if (!box) {
    if (boxes.size >= MAX_CACHED_SETTINGS) boxes.clear();
    box = createBox(readKeyring(setting));
    boxes.set(cacheKey, box);
  }
  return box;
}

function createBox(keyring: Keyring | AppError): SecretBox {
  const usable = (): Keyring => {
    if (keyring instanceof AppError) throw keyring;
    return keyring;
  };

  async function seal(plaintext: string): Promise<string> {
    const { sealingKeyId, keys } = usable();
    const header = `${PREFIX}${sealingKeyId}`;
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const key = await keys.get(sealingKeyId)!;
    const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(header) }, key, utf8(plaintext));
    return `${header}:${base64Url(iv)}:${base64Url(new Uint8Array(ciphertext))}`;
  }

  async function open(stored: string): Promise<string> {
    if (!isSealed(stored)) return stored;
    const parts = stored.slice(PREFIX.length).split(":");
    if (parts.length !== 3) throw new AppError("internal", "A stored secret is not a valid enc:v1 value");
    const [keyId, iv, ciphertext] = parts as [string, string, string];
    const { keys } = usable();
    const key = keys.get(keyId);
    if (!key) {
      throw new AppError("internal", `A stored secret was sealed under key id "${keyId}", which ${SETTING} does not list (it lists ${[...keys.keys()].join(", ")}); add that key back`);
    }
    try {
      const additionalData = utf8(`${PREFIX}${keyId}`);
      const plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64Url(iv), additionalData }, await key, fromBase64Url(ciphertext));
      return new TextDecoder().decode(plaintext);
    } catch {
      throw new AppError("internal", `A stored secret does not decrypt with ${SETTING} key "${keyId}": the value was altered, or that key id now names a different key`);
    }
  }

  async function reseal(stored: string): Promise<string> {
    if (isSealed(stored) && stored.startsWith(`${PREFIX}${usable().sealingKeyId}:`)) return stored;
    return seal(await open(stored));
  }

  return { seal, open, reseal };
}

/** Parses ENCRYPTION_KEY; an AppError (never thrown here) says what is wrong without echoing key material. */
function readKeyring(setting: string | undefined): Keyring | AppError {
  const entries = (setting ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) {
    return new AppError("internal", `${SETTING} is not set, so stored secrets cannot be sealed or opened: set it with \`wrangler secret put ${SETTING}\` (${FORMAT_HINT})`);
  }
  const keys = new Map<string, Promise<CryptoKey>>();
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(":");
    const keyId = entry.slice(0, separator);
    const bytes = separator > 0 ? decodeKey(entry.slice(separator + 1)) : null;
    const problem = !KEY_ID.test(keyId)
      ? "its key id must be 1–32 letters, digits, '_' or '-'"
      : bytes === null
        ? `its key must be base64 of exactly ${KEY_BYTES} bytes`
        : keys.has(keyId)
          ? `key id "${keyId}" is listed twice`
          : null;
    if (problem) return new AppError("internal", `${SETTING} is malformed at entry ${index + 1}: ${problem} (${FORMAT_HINT})`);
    keys.set(keyId, crypto.subtle.importKey("raw", bytes!, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  return { sealingKeyId: entries[0]!.slice(0, entries[0]!.indexOf(":")), keys };
}

function decodeKey(base64: string): Uint8Array | null {
  try {
    const bytes = fromBase64(base64);
    return bytes.length === KEY_BYTES ? bytes : null;
  } catch {
    return null;
  }
}

/** atob accepts a missing padding, so only the alphabet needs mapping back. */
function fromBase64Url(text: string): Uint8Array {
  return fromBase64(text.replace(/-/g, "+").replace(/_/g, "/"));
}
