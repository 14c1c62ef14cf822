// What test/global-setup.ts provides to tests through inject().
declare module "vitest" {
  export interface ProvidedContext {
    targetUrl: string;
    refusedUrl: string;
  }
}
export {};
