// What test/clients/global-setup.ts provides to the `clients` project through inject().
declare module "vitest" {
  export interface ProvidedContext {
    /** The relay under `wrangler dev`, e.g. http://127.0.0.1:41234 */
    relayUrl: string;
    /** The node:http sink destinations deliver to: POST /s/<key>, GET /_requests/<key>. */
    sinkUrl: string;
    /** ADMIN_TOKEN of that relay. */
    relayAdminToken: string;
  }
}
export {};
