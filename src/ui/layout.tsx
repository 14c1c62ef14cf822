/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { Principal } from "../env";
import type { UiEnv } from "./env";

export type UiStatus = 200 | 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;

export type Section = "overview" | "deliveries" | "actions" | "destinations" | "sources" | "gist" | "keys" | "accounts";

interface PageProps {
  title: string;
  /** The account whose pages the navigation links to, if any. */
  account?: string;
  section?: Section;
  principal?: Principal;
  csrf?: string;
  children?: Child;
}

const SECTIONS: Array<[Section, string, string]> = [
  ["overview", "Overview", ""],
  ["deliveries", "Deliveries", "/deliveries"],
  ["actions", "Actions", "/actions"],
  ["destinations", "Destinations", "/destinations"],
  ["sources", "Sources", "/sources"],
  ["gist", "Gist", "/gist"],
  ["keys", "Keys", "/keys"],
];

/** The frame of every page: skip link, navigation, who is signed in, sign-out. */
export function Page({ title, account, section, principal, csrf, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {csrf ? <meta name="csrf-token" content={csrf} /> : null}
        <title>{`${title} · edgehook`}</title>
        <link rel="stylesheet" href="/ui/app.css" />
        <script src="/ui/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#content">Skip to content</a>
        {principal ? (
          <header class="top">
            <a class="brand" href="/ui">edgehook</a>
            <nav class="main" aria-label="Main">
              <ul>
                {principal.kind === "admin" ? (
                  <li><a href="/ui/accounts" aria-current={section === "accounts" ? "page" : undefined}>Accounts</a></li>
                ) : null}
                {account
                  ? SECTIONS.map(([id, label, path]) => (
                      <li><a href={`/ui/a/${encodeURIComponent(account)}${path}`} aria-current={section === id ? "page" : undefined}>{label}</a></li>
                    ))
                  : null}
              </ul>
            </nav>
            <div class="who">
              <span>{principal.kind === "admin" ? "Admin" : `Key of ${principal.account}`}</span>
              <form method="post" action="/ui/sign-out" class="inline">
                <input type="hidden" name="_csrf" value={csrf} />
                <button type="submit" class="secondary">Sign out</button>
              </form>
            </div>
          </header>
        ) : null}
        <main id="content" tabindex={-1}>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** Renders a page with the doctype, uncached (pages show live data and one-time keys). */
export async function render(c: Context<UiEnv>, page: unknown, status: UiStatus = 200) {
  c.header("cache-control", "no-store");
  const html = await htmlOf(page);
  return c.html(`<!doctype html>${html}`, status);
}

/** A JSX node's HTML: it renders itself in toString (a promise when a component is async). */
export async function htmlOf(node: unknown): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

/** The account-scoped page props from the request's session. */
export function chrome(c: Context<UiEnv>, account: string | undefined, section: Section) {
  const session = c.get("session");
  return { account, section, principal: session.principal, csrf: c.get("csrf") };
}

export function Notice({ kind, children }: { kind: "error" | "ok" | "info"; children?: Child }) {
  return (
    <div class={`notice ${kind === "info" ? "" : kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge ${status}`}>{status}</span>;
}

/** A time for people: UTC, to the second, with the machine-readable value beside it. */
export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  return <time datetime={at}>{at.replace("T", " ").replace(/\.\d+Z$/, "Z")}</time>;
}
