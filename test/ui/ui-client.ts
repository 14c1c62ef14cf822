// A minimal browser for the dashboard's server-side tests: keeps cookies,
// follows nothing by itself, and reads the CSRF token out of the page, as a
// browser's form would send it.
import { exports } from "cloudflare:workers";

export interface UiAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export class UiClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base = "http://edgehook.test") {}

  async request(method: string, path: string, init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<UiAnswer> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    const res = await exports.default.fetch(`${this.base}${path}`, { method, headers, body, redirect: "manual" });
    for (const line of res.headers.getAll("set-cookie")) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** Opens a streamed answer (the live stream) and reads until `until` appears; then cancels it. */
  async readStream(path: string, until: string, timeoutMs = 10_000): Promise<{ headers: Headers; text: string }> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "), accept: "text/event-stream" };
    const res = await exports.default.fetch(`${this.base}${path}`, { headers });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const deadline = Date.now() + timeoutMs;
    while (!text.includes(until) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return { headers: res.headers, text };
  }

  get(path: string) {
    return this.request("GET", path);
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>) {
    return this.request("POST", path, { form, headers });
  }
}

/** The CSRF token a page's forms carry. */
export function csrfOf(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error(`no CSRF field in the page: ${html.slice(0, 300)}`);
  return match[1]!;
}

/** Signs in with a token through the sign-in form; returns the client holding the session and the answer. */
export async function signIn(token: string, base?: string): Promise<{ client: UiClient; answer: UiAnswer }> {
  const client = new UiClient(base);
  const page = await client.get("/ui/sign-in");
  const answer = await client.post("/ui/sign-in", { _csrf: csrfOf(page.text), token });
  return { client, answer };
}
