// Bundled for Node by bench/run.mjs: times the project's own Liquid module.
import { Liquid } from "liquidjs";
import { renderTemplate } from "../src/templates/liquid";
import * as recipes from "../test/fixtures/recipes";

const scope = { customer: recipes.customer, event: { feedback: "Too pricey" }, trigger: {} };
const templates = { "Help Scout body": recipes.helpScout.body, "Close.io body": recipes.closeIo.body, "Zendesk body": recipes.zendesk.body };

function microsPerCall(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 200; i++) fn(); // warm up
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    fn();
    calls++;
  }
  return ((performance.now() - started) * 1000) / calls;
}

/** Cached (the project's path) vs a fresh liquidjs parse on every render. */
export function benchRender(totalMs: number) {
  const fresh = new Liquid({ timezoneOffset: 0 });
  const each = totalMs / Object.keys(templates).length / 2;
  return Object.entries(templates).map(([name, source]) => ({
    name,
    cachedMicros: microsPerCall(() => renderTemplate(source, scope, "body"), each),
    uncachedMicros: microsPerCall(() => fresh.parseAndRenderSync(source, scope), each),
  }));
}
