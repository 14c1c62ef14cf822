import { describe, expect, it } from "vitest";
import { destinationMatches } from "../../src/pipelines/matching";
import type { Destination } from "../../src/store/destinations";
import { makeDestination, makeEvent } from "./destination-fixtures";

const track = (name: string) => makeEvent({ type: "track", event: name });
const identify = makeEvent({ type: "identify", event: undefined, traits: { email: "a@b.co" } });
const page = makeEvent({ type: "page", event: undefined, name: "Home" });
// A loose field: a page call that happens to carry `event` is still not a track call.
const pageWithEventField = makeEvent({ type: "page", event: "Signed Up" });

describe("destinationMatches: trigger table", () => {
  const cases: Array<[string, Partial<Destination>, ReturnType<typeof makeEvent>, boolean]> = [
    ["neither list: a track", { trigger: {} }, track("Signed Up"), true],
    ["neither list: an identify", { trigger: {} }, identify, true],
    ["types [track]: a track", { trigger: { types: ["track"] } }, track("Anything"), true],
    ["types [track]: an identify", { trigger: { types: ["track"] } }, identify, false],
    ["types [identify, page]: a page", { trigger: { types: ["identify", "page"] } }, page, true],
    ["types [identify, page]: a track", { trigger: { types: ["identify", "page"] } }, track("Signed Up"), false],
    ["events [Signed Up]: that track", { trigger: { events: ["Signed Up"] } }, track("Signed Up"), true],
    ["events [Signed Up]: another track", { trigger: { events: ["Signed Up"] } }, track("Logged In"), false],
    ["events [Signed Up]: names compare exactly", { trigger: { events: ["Signed Up"] } }, track("signed up"), false],
    ["events [Signed Up]: an identify", { trigger: { events: ["Signed Up"] } }, identify, false],
    ["events [Signed Up]: a page carrying an event field", { trigger: { events: ["Signed Up"] } }, pageWithEventField, false],
    ["both: the type and the name", { trigger: { types: ["track"], events: ["Signed Up", "Upgraded"] } }, track("Upgraded"), true],
    ["both: the type but not the name", { trigger: { types: ["track"], events: ["Signed Up"] } }, track("Logged In"), false],
    ["both: the name's type left out", { trigger: { types: ["track", "identify"], events: ["Signed Up"] } }, identify, false],
    ["disabled, neither list", { enabled: false, trigger: {} }, track("Signed Up"), false],
    ["disabled, matching lists", { enabled: false, trigger: { types: ["track"], events: ["Signed Up"] } }, track("Signed Up"), false],
  ];

  it.each(cases)("%s → %s", (_name, overrides, event, expected) => {
    expect(destinationMatches(makeDestination(overrides), event)).toBe(expected);
  });
});
