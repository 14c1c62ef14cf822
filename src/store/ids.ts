import { z } from "zod";
import { utf8 } from "../lib/encoding";

/**
 * Every id that reaches a KV key, a Durable Object name or a SQL row, one
 * schema per kind. Each is branded, so the key builders in keys.ts accept only
 * a value that went through its schema: an unchecked string from a path or a
 * body does not typecheck as a key part.
 *
 * Resource ids use an alphabet without ":" (the KV key separator) and at most
 * 64 bytes, so `acct:{account}:action:{action}` can never be read as another
 * key and every key stays far below KV's 512-byte limit.
 */
const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const RESOURCE_ID_RULE = "must be 1–64 letters, digits, '_', '.' or '-', starting with a letter or digit";

function resourceId<Kind extends string>(kind: Kind) {
  return z.string({ error: `${kind} id must be a string` }).regex(RESOURCE_ID, RESOURCE_ID_RULE).brand<Kind>();
}

export const AccountId = resourceId("account");
export type AccountId = z.infer<typeof AccountId>;
export const ActionId = resourceId("action");
export type ActionId = z.infer<typeof ActionId>;
export const DestinationId = resourceId("destination");
export type DestinationId = z.infer<typeof DestinationId>;
export const SourceId = resourceId("source");
export type SourceId = z.infer<typeof SourceId>;
/** Accounts naming the same shard share a limiter; a shard name is part of a Durable Object name. */
export const ShardId = resourceId("shard");

/** Service key ids as newId("key") makes them: "key_" and 16 base64url characters. */
export const KeyId = z.string().regex(/^key_[A-Za-z0-9_-]{16}$/, "is not a key id (key_ and 16 characters)").brand<"key">();
export type KeyId = z.infer<typeof KeyId>;

/** Delivery ids as newDeliveryId makes them: "dlv_" and 19 lower-case base-36 characters. */
export const DeliveryId = z.string().regex(/^dlv_[0-9a-z]{19}$/, "is not a delivery id (dlv_ and 19 characters)").brand<"delivery">();
export type DeliveryId = z.infer<typeof DeliveryId>;

/** Customer ids are the caller's own (emails, database ids), so any text goes, bounded in bytes. */
const MAX_CUSTOMER_ID_BYTES = 256;
const CustomerIdText = z
  .string({ error: "must be a string or a number" })
  .min(1, "must not be empty")
  .refine((id) => !/[\u0000-\u001f\u007f]/.test(id), "must not contain control characters")
  .refine((id) => utf8(id).byteLength <= MAX_CUSTOMER_ID_BYTES, `must be at most ${MAX_CUSTOMER_ID_BYTES} bytes in UTF-8`);

/** A customer id as given (a string, or a number as Customer.io allows), as the text it is stored under. */
export const CustomerId = z
  .preprocess((value) => (typeof value === "number" && Number.isFinite(value) ? String(value) : value), CustomerIdText)
  .brand<"customer">();
export type CustomerId = z.infer<typeof CustomerId>;
