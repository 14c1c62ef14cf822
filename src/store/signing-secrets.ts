import type { SecretBox } from "./secret-box";

/**
 * How long a replaced signing secret keeps signing. Standard Webhooks lets a
 * `webhook-signature` header carry several signatures, so for this long every
 * delivery is signed with the new secret and the old one: receivers verifying
 * with either keep working while they switch over.
 */
export const SIGNING_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** The signing fields of a stored account; both secrets are sealed. */
export interface StoredSigningSecrets {
  signing_secret?: string;
  signing_secret_rotated_at?: string;
  previous_signing_secret?: string;
}

/**
 * The signing fields after a `PUT` whose `signing_secret` is `next`:
 * undefined keeps them, null clears both secrets, the same secret again
 * changes nothing, and a different one becomes current while the one it
 * replaces becomes `previous_signing_secret` (a second rotation within the
 * overlap drops the oldest: receivers only ever need two).
 */
export async function nextSigningSecrets(
  next: string | null | undefined,
  existing: StoredSigningSecrets | null,
  box: SecretBox,
  now: Date,
): Promise<StoredSigningSecrets> {
  if (next === null) return {};
  if (!existing?.signing_secret) return next === undefined ? {} : { signing_secret: await box.seal(next) };
  const current = existing.signing_secret;
  if (next !== undefined && next !== (await box.open(current))) {
    return { signing_secret: await box.seal(next), signing_secret_rotated_at: now.toISOString(), previous_signing_secret: await box.reseal(current) };
  }
  // Kept as is; a previous secret past its overlap has no use left and is dropped.
  const previous = previousSigningSecretExpiry(existing, now) ? existing.previous_signing_secret : undefined;
  return {
    signing_secret: await box.reseal(current),
    signing_secret_rotated_at: existing.signing_secret_rotated_at,
    previous_signing_secret: previous === undefined ? undefined : await box.reseal(previous),
  };
}

/** When the previous secret stops signing, or null when there is none or it already has. */
export function previousSigningSecretExpiry(stored: StoredSigningSecrets, now: Date): Date | null {
  if (!stored.signing_secret || !stored.previous_signing_secret || !stored.signing_secret_rotated_at) return null;
  const ends = Date.parse(stored.signing_secret_rotated_at) + SIGNING_SECRET_OVERLAP_MS;
  return now.getTime() < ends ? new Date(ends) : null;
}

/** The sealed secrets a delivery made at `now` is signed with, newest first. */
export function signingSecretsInEffect(stored: StoredSigningSecrets, now: Date): string[] {
  if (!stored.signing_secret) return [];
  const previous = previousSigningSecretExpiry(stored, now) ? [stored.previous_signing_secret!] : [];
  return [stored.signing_secret, ...previous];
}

/** The secrets to sign with at `now`, opened (throws an AppError naming ENCRYPTION_KEY when they cannot be). */
export async function openSigningSecrets(stored: StoredSigningSecrets, box: SecretBox, now = new Date()): Promise<string[]> {
  return Promise.all(signingSecretsInEffect(stored, now).map((sealed) => box.open(sealed)));
}
