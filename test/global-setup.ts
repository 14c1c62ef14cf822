import type { TestProject } from "vitest/node";
import { startTargetServer } from "./target-server";

/** Starts the real HTTP target once for the whole run; tests read its URL with inject(). */
export default async function setup(project: TestProject) {
  const target = await startTargetServer();
  project.provide("targetUrl", target.url);
  project.provide("refusedUrl", target.refusedUrl);
  return () => target.close();
}
