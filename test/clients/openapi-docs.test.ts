import { Validator } from "@seriousme/openapi-schema-validator";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, screenshot } from "../browser/chromium";

// /openapi.json and /docs as `npm start` serves them (wrangler dev, with the
// [assets] directory): the document is valid OpenAPI 3.1 by an independent
// validator, and the docs viewer runs from this origin alone.

const VIEWER = "node_modules/@scalar/api-reference/dist/browser/standalone.js";

async function servedDocument(): Promise<Record<string, any>> {
  const res = await fetch(`${inject("relayUrl")}/openapi.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

describe("GET /openapi.json under wrangler dev", () => {
  it("is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)", async () => {
    const doc = await servedDocument();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("the validator does refuse a broken copy of it (the check above is not vacuous)", async () => {
    const doc = await servedDocument();
    const broken = structuredClone(doc);
    broken.paths["/healthz"].get.responses = "none";
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });
});

describe("GET /docs under wrangler dev", () => {
  it("serves the page, and the viewer script it names from the static assets, byte for byte", async () => {
    const base = inject("relayUrl");
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = html.match(/<script src="([^"]+)"><\/script>/)?.[1];
    expect(script).toMatch(/^\/[^/]/);

    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    const served = Buffer.from(await asset.arrayBuffer());
    expect(served.equals(readFileSync(VIEWER))).toBe(true);
  });

  it("static assets do not shadow the API: other paths still reach the Worker", async () => {
    const base = inject("relayUrl");
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const missing = await fetch(`${base}/vendor/scalar/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("/docs in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders the API reference and sends a Test Request, from this origin alone: no request elsewhere, no error, no CSP violation", async () => {
    // Chromium resolves only localhost (test/browser/chromium.ts).
    const base = inject("relayUrl").replace("127.0.0.1", "localhost");
    const origin = new URL(base).origin;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const elsewhere: string[] = [];
    const problems: string[] = [];
    // Requests to another origin are recorded and refused, so the page cannot lean on a CDN.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("data:") || url.startsWith("blob:") || new URL(url).origin === origin) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(String(error)));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(`${base}/docs`);
    // The summaries and tags come from the served document, so seeing them means the viewer loaded and read it.
    await page.getByRole("heading", { name: "Health check" }).waitFor({ timeout: 20_000 });
    await page.getByText("The egress IP addresses receivers can allow-list (EGRESS_IPS)").first().waitFor();
    for (const tag of ["Accounts", "Actions", "Deliveries", "Tracking", "Gist"]) await page.getByText(tag, { exact: true }).first().waitFor();
    // Scalar's hosted extras are hidden: they would lead off this deployment.
    for (const extra of ["Generate MCP", "Developer Tools", "Open API Client"]) expect(await page.getByText(extra).count(), extra).toBe(0);
    await screenshot(page, "api-docs");

    // "Test Request" sends to this deployment from the page: the health check answers in the viewer.
    const sent = page.waitForRequest((request) => request.url() === `${origin}/healthz` && request.method() === "GET");
    await page.getByRole("button", { name: /Test Request/ }).first().click();
    await page.getByRole("button", { name: /^Send/ }).first().click();
    await sent;
    await page.getByText("200 OK").first().waitFor();
    await screenshot(page, "api-docs-test-request");

    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
