import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildDocument } from "../../src/openapi/document";
import type { RouteDoc } from "../../src/openapi/route-table";

const Thing = z.strictObject({ size: z.number().int().min(1).max(9), note: z.string().optional() });

function operation(route: Partial<RouteDoc>): any {
  const full: RouteDoc = { method: "put", path: "/v1/accounts/{account}/things", operationId: "t", tag: "T", summary: "s", auth: "account", responses: { 200: null }, ...route };
  const doc = buildDocument([full]) as any;
  return doc.paths[full.path][full.method];
}

describe("buildDocument", () => {
  it("turns a body schema into JSON Schema from its input side: defaults and optionals are not required", () => {
    const body = operation({ body: Thing }).requestBody.content["application/json"].schema;
    expect(body).toEqual({
      type: "object",
      properties: { size: { type: "integer", minimum: 1, maximum: 9 }, note: { type: "string" } },
      required: ["size"],
      additionalProperties: false,
    });
  });

  it("derives the error statuses from what the route checks", () => {
    const statuses = (route: Partial<RouteDoc>) => Object.keys(operation(route).responses);
    expect(statuses({ body: Thing })).toEqual(["200", "400", "401", "403", "404", "413", "5XX"]);
    expect(statuses({ path: "/v1/open", auth: "none" })).toEqual(["200", "5XX"]);
    expect(statuses({ path: "/v1/track", auth: "writeKey", body: Thing, omitErrors: [413] })).toEqual(["200", "400", "401", "5XX"]);
    expect(statuses({ path: "/v1/open", auth: "none", errors: [409] })).toEqual(["200", "409", "5XX"]);
  });

  it("gives each path parameter the schema its name maps to, or the route's own", () => {
    const params = operation({ path: "/v1/accounts/{account}/keys/{id}", params: { id: z.string().regex(/^key_/) } }).parameters;
    expect(params).toEqual([
      { name: "account", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$" } },
      { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^key_" } },
    ]);
  });

  it("refuses a path parameter it has no schema for, rather than documenting it loosely", () => {
    expect(() => operation({ path: "/v1/accounts/{account}/things/{mystery}" })).toThrow(/no schema for path parameter mystery/);
  });

  it("refers answers that are named models to #/components/schemas", async () => {
    const { PublicAccount } = await import("../../src/openapi/responses");
    const answer = operation({ responses: { 200: PublicAccount } }).responses["200"];
    expect(answer.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/PublicAccount" });
  });
});
