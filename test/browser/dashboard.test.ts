// The dashboard in Debian's Chromium against the relay under `wrangler dev`
// (test/clients/global-setup.ts): sign in with the keyboard, build an action
// in the editor and watch its preview, trigger it over the API and watch the
// delivery go retrying → sent in the table without a reload (the sink answers
// 503 to the first requests of its key: `?fail=N`), open it, replay it; a
// service key kept out of another account; a form without its CSRF token
// refused. Screenshots at desktop and phone widths go to test-results/.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { relay, sinkRequests, uniqueId } from "../clients/relay";
import { launchChromium, screenshot } from "./chromium";

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let browser: Browser;
const contexts: BrowserContext[] = [];

/** The relay as the browser reaches it: Chromium resolves only localhost (test/browser/chromium.ts). */
const relayInBrowser = () => inject("relayUrl").replace("127.0.0.1", "localhost");

async function newPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: relayInBrowser() });
  contexts.push(context);
  return context.newPage();
}

/** Signs in the way a keyboard user does: the field has focus on load, Enter submits. */
async function signIn(page: Page, token: string): Promise<void> {
  await page.goto("/ui");
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("token");
  await page.keyboard.type(token);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/ui/sign-in")), page.keyboard.press("Enter")]);
}

async function makeAccount(): Promise<string> {
  const account = uniqueId("ui");
  const created = await relay("PUT", `/v1/accounts/${account}`, { name: "Dashboard test" });
  expect(created.status).toBe(201);
  return account;
}

/** The page never reloaded since `markPage`: the marker on window survives only without navigation. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as any).__notReloaded = true));
}

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

describe("dashboard in Chromium", () => {
  let account: string;
  let sinkKey: string;
  const action = "welcome";

  it("signs in and creates an action with the editor, whose preview follows the typing", async () => {
    account = await makeAccount();
    sinkKey = uniqueId("ui-sink");
    const page = await newPage();
    await signIn(page, inject("relayAdminToken"));
    expect(new URL(page.url()).pathname).toBe("/ui/accounts");

    await page.goto(`/ui/a/${account}/actions/new`);
    await page.getByLabel("Action id").fill(action);
    await page.getByLabel("Method").selectOption("POST");
    // The first 3 requests to this sink key answer 503: the test send gets one, the delivery two.
    await page.getByLabel("URL", { exact: true }).fill(`${inject("sinkUrl")}/s/${sinkKey}?fail=3`);
    await page.getByLabel("Headers", { exact: true }).fill("X-Customer: {{ customer.id }}");
    await page.getByLabel("Body", { exact: true }).fill('{"email": "{{ customer.email }}"}');
    const preview = page.locator("#preview-request");
    await expect.poll(() => preview.textContent()).toContain('{"email": "ada@example.com"}');
    expect(await preview.textContent()).toContain("X-Customer: 42");

    // A Liquid error shows at its field and line; fixing it brings the preview back.
    await page.getByLabel("Body", { exact: true }).fill('{\n"email": "{{ customer.email "\n}');
    await expect.poll(() => page.locator("#err-body").textContent()).toMatch(/Line 2/);
    expect(await page.getByLabel("Body", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    // Invalid JSON in the body is a warning, not an error.
    await page.getByLabel("Body", { exact: true }).fill('{"email": "{{ customer.email }}", "id": {{ customer.id }}');
    await expect.poll(() => page.locator("#preview-warnings").textContent()).toMatch(/Warning/);
    await page.getByLabel("Body", { exact: true }).fill('{"email": "{{ customer.email }}", "id": "{{ customer.id }}"}');
    await expect.poll(() => preview.textContent()).toContain('"id": "42"');
    expect(await page.locator("#err-body").textContent()).toBe("");
    await screenshot(page, "dashboard-editor-desktop");

    await Promise.all([page.waitForURL(/saved=1/), page.getByRole("button", { name: "Save action" }).click()]);
    const saved = await relay("GET", `/v1/accounts/${account}/actions/${action}`);
    expect(saved.body).toMatchObject({ method: "POST", headers: { "X-Customer": "{{ customer.id }}" } });

    // Test send: the sink's first answer is a 503, and the page shows it.
    await page.getByRole("button", { name: "Test send" }).click();
    await expect.poll(() => page.locator("#test-result").textContent(), { timeout: 10_000 }).toContain("HTTP 503");
    expect((await sinkRequests(sinkKey)).length).toBe(1);
  });

  it("shows a triggered delivery live, retrying then sent, without a reload; opens it and replays it", async () => {
    const page = await newPage();
    await signIn(page, inject("relayAdminToken"));
    await page.goto(`/ui/a/${account}/deliveries`);
    await expect.poll(() => page.locator("#live-state").getAttribute("data-state")).toBe("on");
    await markPage(page);
    // Every status the row shows, in order, as the live stream swaps it in.
    await page.evaluate(() => {
      const seen: string[] = ((window as any).__statuses = []);
      const record = () => {
        for (const row of Array.from(document.querySelectorAll("#delivery-rows tr[data-status]"))) {
          const status = row.getAttribute("data-status")!;
          if (seen.at(-1) !== status) seen.push(status);
        }
      };
      new MutationObserver(record).observe(document.getElementById("delivery-rows")!, { childList: true, subtree: true, attributes: true });
    });

    const triggered = await relay("POST", `/v1/accounts/${account}/actions/${action}/trigger`, { customer: { id: "42", email: "ada@example.com" } });
    expect(triggered.status).toBe(202);
    const id: string = triggered.body.delivery_id;
    const row = page.locator(`#row-${id}`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 20_000 }).toBe("sent");
    const statuses: string[] = await page.evaluate(() => (window as any).__statuses);
    expect(statuses).toContain("retrying");
    expect(statuses.indexOf("retrying")).toBeLessThan(statuses.lastIndexOf("sent"));
    expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
    await screenshot(page, "dashboard-deliveries-desktop");

    // Open it: the attempts timeline shows the two 503s and the 200; the response is there.
    await Promise.all([page.waitForURL(new RegExp(`/deliveries/${id}$`)), row.getByRole("link").click()]);
    const timeline = page.locator("ol.timeline");
    expect(await timeline.locator("li").count()).toBe(3);
    expect(await timeline.textContent()).toMatch(/HTTP 503[\s\S]*HTTP 503[\s\S]*HTTP 200/);
    expect(await page.locator("main").textContent()).toContain('{"ok":true}');
    await screenshot(page, "dashboard-delivery-desktop");

    // Replay: a new delivery of the same request, sent (the sink has no failures left).
    await Promise.all([page.waitForURL(/replayed=1/), page.getByRole("button", { name: "Replay" }).click()]);
    const replayId = new URL(page.url()).pathname.split("/").at(-1)!;
    expect(replayId).not.toBe(id);
    await expect.poll(() => page.locator(`#row-${replayId}`).getAttribute("data-status"), { timeout: 20_000 }).toBe("sent");
    const replay = await relay("GET", `/v1/accounts/${account}/deliveries/${replayId}`);
    expect(replay.body).toMatchObject({ status: "sent", replay_of: id });
    expect((await sinkRequests(sinkKey)).length).toBe(5);

    // The overview's chart counts them in the current minute, with one more that fails for good
    // (its target answers 503 to all four attempts of RETRY_SCHEDULE=1,1,1).
    const failing = await relay("PUT", `/v1/accounts/${account}/actions/crm-sync`, { url: `${inject("sinkUrl")}/s/${uniqueId("down")}?fail=99` });
    expect(failing.status).toBe(201);
    const doomed = (await relay("POST", `/v1/accounts/${account}/actions/crm-sync/trigger`, { customer: { id: "43" } })).body.delivery_id as string;
    await page.goto(`/ui/a/${account}`);
    await expect.poll(() => page.locator(`#row-${doomed}`).getAttribute("data-status"), { timeout: 20_000 }).toBe("failed");
    await page.reload();
    // One rect per status and minute: at least two (sent, failed), more when the test spans a minute boundary.
    expect(await page.locator("figure.chart svg rect").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator("figure.chart .legend").textContent()).toMatch(/sent: 2[\s\S]*failed: 1/);
    await screenshot(page, "dashboard-overview-desktop");
  });

  it("fits a phone-width screen", async () => {
    const page = await newPage(PHONE);
    await signIn(page, inject("relayAdminToken"));
    for (const [path, name] of [[`/ui/a/${account}`, "overview"], [`/ui/a/${account}/deliveries`, "deliveries"], [`/ui/a/${account}/actions/${action}`, "editor"]] as const) {
      expect((await page.goto(path))?.status(), path).toBe(200);
      // Wide tables scroll inside their own box; the page itself never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, `dashboard-${name}-phone`);
    }
  });

  it("can be used without a mouse: a skip link first, a label on every control, visible focus", async () => {
    const page = await newPage();
    await signIn(page, inject("relayAdminToken"));
    for (const path of [`/ui/a/${account}`, `/ui/a/${account}/deliveries`, `/ui/a/${account}/actions/${action}`, `/ui/a/${account}/keys`, "/ui/accounts"]) {
      expect((await page.goto(path))?.status(), path).toBe(200);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent), path).toBe("Skip to content");
      const unlabelled = await page.evaluate(() =>
        Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea, button"))
          .filter((el) => {
            const control = el as HTMLInputElement;
            const named = (control.labels?.length ?? 0) > 0 || el.getAttribute("aria-label") || (el.tagName === "BUTTON" && el.textContent?.trim());
            return !named;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, path).toEqual([]);
      // The focused control draws an outline (3px, :focus-visible) after keyboard movement.
      await page.keyboard.press("Tab");
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineWidth);
      expect(outline, path).toBe("3px");
    }
  });
});

describe("dashboard access", () => {
  it("keeps a service key out of another account's pages", async () => {
    const mine = await makeAccount();
    const theirs = await makeAccount();
    const key = (await relay("POST", `/v1/accounts/${mine}/keys`, { name: "dashboard" })).body.key as string;
    const page = await newPage();
    await signIn(page, key);
    expect(new URL(page.url()).pathname).toBe(`/ui/a/${mine}`);
    for (const path of [`/ui/a/${theirs}`, `/ui/a/${theirs}/deliveries`, `/ui/a/${theirs}/actions`, `/ui/a/${theirs}/keys`, "/ui/accounts"]) {
      const answer = await page.goto(path);
      expect(answer?.status(), path).toBe(403);
      expect(await page.locator("main").textContent()).toMatch(/another account|Only the admin/);
    }
  });

  it("refuses a form posted without its CSRF token, and changes nothing", async () => {
    const account = await makeAccount();
    const page = await newPage();
    await signIn(page, inject("relayAdminToken"));
    await page.goto(`/ui/a/${account}/keys`);
    // The page's own form, with the token field taken out before it is sent.
    await page.evaluate(() => document.querySelectorAll('form[action$="/keys"] input[name="_csrf"]').forEach((input) => input.remove()));
    await page.getByLabel("Name").fill("forged");
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Create key" }).click()]);
    expect(answer.status()).toBe(403);
    await expect.poll(() => page.locator("main").textContent()).toContain("CSRF");
    expect((await relay("GET", `/v1/accounts/${account}/keys`)).body.keys).toEqual([]);
  });
});
