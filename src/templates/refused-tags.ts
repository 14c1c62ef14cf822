import type { Liquid } from "liquidjs";

/**
 * Tags that load another template file. An action has no template files (and
 * workerd no file system: liquidjs fails every such render with "document is
 * not defined"); Ruby Liquid without a file system refuses them too ("This
 * liquid context does not allow includes").
 */
const FILE_TAGS = ["include", "render", "layout"];

/**
 * Replaces the file-loading tags with ones whose parse throws, so a template
 * using one is refused when the action is saved, with the line and column
 * liquidjs reports for any parse error, rather than failing every delivery.
 */
export function refuseFileTags(engine: Liquid): void {
  for (const name of FILE_TAGS) {
    engine.registerTag(name, {
      parse() {
        throw new Error(`{% ${name} %} is not supported: an action's templates cannot load other templates`);
      },
      render() {},
    });
  }
}
