import { describe, expect, it } from "vitest";
import { destinationRequest, validateDestination } from "../../src/pipelines/destination-request";
import { DestinationInput } from "../../src/store/destinations";
import { batchBody, mapEvent } from "../../src/pipelines/mapping";
import { makeDestination, makeEvent } from "./destination-fixtures";
import { independentHmacSha1, SECRET, SEED_BATCH, SEED_FIRST } from "./signature-vectors";

// Rendering only: nothing here is sent, so public example URLs are fine.
const PUBLIC = { allowPrivate: false };
const BATCH = { size: 2, window_ms: 1_000 };

describe("destinationRequest", () => {
  it("renders url and headers over the first event, defaults Content-Type to JSON, and sends the body as given", async () => {
    const destination = makeDestination({
      method: "PUT",
      url: "https://hooks.example.com/{{ event.type }}/{{ event.userId }}",
      headers: { "X-Event": "{{ event.event }}" },
    });
    const event = makeEvent();
    const mapped = mapEvent(destination, event);
    const request = await destinationRequest(destination, mapped, mapped, undefined, PUBLIC);
    expect(request).toEqual({
      method: "PUT",
      url: "https://hooks.example.com/track/123",
      headers: { "X-Event": "Signed Up", "Content-Type": "application/json" },
      body: mapped,
    });
  });

  it("takes a batch's url from its first mapped event", async () => {
    const destination = makeDestination({ batch: BATCH, url: "https://hooks.example.com/u/{{ event.user }}", body: '{"user": {{ event.userId | json }}}' });
    const mapped = [makeEvent({ userId: "first" }), makeEvent({ userId: "second" })].map((event) => mapEvent(destination, event));
    const request = await destinationRequest(destination, batchBody(mapped), mapped[0]!, undefined, PUBLIC);
    expect(request.url).toBe("https://hooks.example.com/u/first");
    expect(request.body).toBe('[{"user": "first"},{"user": "second"}]');
  });

  it("renders with an empty event when the first mapped event is not a JSON object", async () => {
    const destination = makeDestination({ url: "https://hooks.example.com/x{{ event.userId }}", body: "user={{ event.userId }}" });
    const mapped = mapEvent(destination, makeEvent());
    const request = await destinationRequest(destination, mapped, mapped, undefined, PUBLIC);
    expect(request.url).toBe("https://hooks.example.com/x");
  });

  it("keeps a Content-Type the headers set, and moves URL userinfo to Basic auth", async () => {
    const destination = makeDestination({ url: "https://user:p%40ss@hooks.example.com/in", headers: { "content-type": "text/plain" } });
    const request = await destinationRequest(destination, "hello", "hello", undefined, PUBLIC);
    expect(request.url).toBe("https://hooks.example.com/in");
    expect(request.headers).toEqual({ "content-type": "text/plain", Authorization: `Basic ${btoa("user:p@ss")}` });
  });
});

describe("destinationRequest: X-Signature", () => {
  it('signature "body" (the default) signs the exact body bytes', async () => {
    const destination = makeDestination({ batch: BATCH });
    const request = await destinationRequest(destination, SEED_BATCH, SEED_FIRST, SECRET, PUBLIC);
    expect(request.headers["X-Signature"]).toBe("01e7e65d999841ebedbea561274b6c80d71c2e9b"); // Node's createHmac
    expect(request.headers["X-Signature"]).toBe(await independentHmacSha1(SECRET, request.body!));
  });

  it("signs a one-event body including its whitespace and non-ASCII characters, as UTF-8", async () => {
    const destination = makeDestination({ body: '{ "name": "{{ event.traits.name }}" }\n' });
    const mapped = mapEvent(destination, makeEvent({ type: "identify", traits: { name: "Zoë 🚀" } }));
    const request = await destinationRequest(destination, mapped, mapped, SECRET, PUBLIC);
    expect(request.headers["X-Signature"]).toBe(await independentHmacSha1(SECRET, '{ "name": "Zoë 🚀" }\n'));
  });

  it('signature "first_event" signs JSON.stringify of the first mapped event, not the array', async () => {
    const destination = makeDestination({ batch: BATCH, signature: "first_event" });
    // Written with spaces: the signature is over JSON.stringify of the parsed event, as Segment computes it.
    const mappedFirst = JSON.stringify(JSON.parse(SEED_FIRST), null, 2);
    const request = await destinationRequest(destination, SEED_BATCH, mappedFirst, SECRET, PUBLIC);
    expect(request.headers["X-Signature"]).toBe("6efced48600e9f2b3b2842f99aa083273367adc3"); // Node's createHmac over SEED_FIRST
    expect(request.headers["X-Signature"]).not.toBe(await independentHmacSha1(SECRET, SEED_BATCH));
    expect(request.body).toBe(SEED_BATCH);
  });

  it('signature "first_event" signs a first event that is not JSON as its text', async () => {
    const destination = makeDestination({ signature: "first_event", body: "plain {{ event.userId }}" });
    const request = await destinationRequest(destination, "plain 123", "plain 123", SECRET, PUBLIC);
    expect(request.headers["X-Signature"]).toBe(await independentHmacSha1(SECRET, "plain 123"));
  });

  it("replaces an X-Signature the headers set, and sets none without a secret", async () => {
    const destination = makeDestination({ headers: { "x-signature": "forged" } });
    const signed = await destinationRequest(destination, "{}", "{}", SECRET, PUBLIC);
    expect(signed.headers).toEqual({ "Content-Type": "application/json", "X-Signature": await independentHmacSha1(SECRET, "{}") });
    const unsigned = await destinationRequest(destination, "{}", "{}", undefined, PUBLIC);
    expect(unsigned.headers).toEqual({ "Content-Type": "application/json" });
  });
});

describe("destinationRequest: refused", () => {
  it.each([
    ["a loopback target", "http://127.0.0.1:9/x", "target_not_allowed"],
    ["a metadata address spelled in hex", "http://0xa9fea9fe/latest", "target_not_allowed"],
    ["a URL that renders without a scheme", "{{ event.host }}/x", "target_not_allowed"],
  ])("%s when private targets are off", async (_name, url, code) => {
    const destination = makeDestination({ url });
    await expect(destinationRequest(destination, "{}", "{}", undefined, PUBLIC)).rejects.toMatchObject({ code });
  });

  it("a header that renders CR/LF from the event", async () => {
    const destination = makeDestination({ headers: { "X-User": "{{ event.userId }}" } });
    const mapped = JSON.stringify(makeEvent({ userId: "a\r\nX-Injected: 1" }));
    await expect(destinationRequest(destination, mapped, mapped, undefined, PUBLIC)).rejects.toMatchObject({ code: "render_failed", details: { field: "headers.X-User" } });
  });
});

describe("validateDestination: when saved, as deployed (private targets off)", () => {
  const input = (fields: Record<string, unknown>) => DestinationInput.parse(fields);

  it.each([
    ["loopback", "http://127.0.0.1:8080/hook"],
    ["a private address in decimal", "http://167772161/hook"],
    ["IPv6-mapped loopback", "http://[::ffff:127.0.0.1]/hook"],
    ["localhost, with userinfo", "https://user:pw@localhost/hook"],
  ])("refuses a literal %s host", (_name, url) => {
    expect(() => validateDestination(input({ url }), PUBLIC)).toThrow(expect.objectContaining({ code: "target_not_allowed" }));
  });

  it("accepts a public host, a host Liquid fills in, and a literal private host when private targets are allowed", () => {
    expect(() => validateDestination(input({ url: "https://hooks.example.com/{{ event.type }}" }), PUBLIC)).not.toThrow();
    expect(() => validateDestination(input({ url: "https://{{ event.context.host }}/x" }), PUBLIC)).not.toThrow();
    expect(() => validateDestination(input({ url: "http://127.0.0.1:8080/hook" }), { allowPrivate: true })).not.toThrow();
  });

  it("names the field, line and column of invalid Liquid", () => {
    const body = '{\n  "user": {{ event.userId | nope }}\n}';
    expect(() => validateDestination(input({ url: "https://hooks.example.com", body }), PUBLIC)).toThrow(
      expect.objectContaining({ code: "invalid_template", details: expect.objectContaining({ field: "body", line: 2 }) }),
    );
  });
});
