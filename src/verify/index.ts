/**
 * `edgehook/verify`: check what edgehook (or a sender it accepts) signed.
 * Pure Web Crypto, no bindings; every verifier answers a Verdict.
 */
export { signCustomerIo, verifyCustomerIo, type CustomerIoSignature } from "./customerio.js";
export { verifyStandardWebhook } from "./standard-webhooks.js";
export { verifyXSignature, xSignature } from "./x-signature.js";
export type { Bytes, HeaderSource, Secrets, Verdict, VerifyOptions } from "./hmac.js";
