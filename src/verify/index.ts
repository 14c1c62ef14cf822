/** `edgehook/verify`: check what edgehook (or a sender it accepts) signed. Pure Web Crypto, no bindings. */
export { signCustomerIo, verifyCustomerIo } from "./customerio";
export { verifyStandardWebhook } from "./standard-webhooks";
export { verifyXSignature, xSignature } from "./x-signature";
export type { Verdict } from "./hmac";
