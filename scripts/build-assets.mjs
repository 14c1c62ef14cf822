// Builds public/, the Workers Static Assets directory ([assets] in
// wrangler.toml): copies the files the Worker must not bundle. Today that is
// the Scalar API reference viewer behind /docs (about 4 MB), which would
// otherwise make the Worker script larger than the free plan allows.
// Run by `npm run build:assets`, and by `prepare`, so `npm ci` leaves it in place.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** [from (in node_modules), to (under public/)]: public/vendor/ is generated, and ignored by git. */
const COPIES = [["@scalar/api-reference/dist/browser/standalone.js", "vendor/scalar/standalone.js"]];

for (const [from, to] of COPIES) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.error(`build-assets: ${from} is missing; run npm ci (it is a devDependency)`);
    process.exit(1);
  }
  const target = join(root, "public", to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
}
console.log(`build-assets: ${COPIES.length} file(s) copied into public/`);
