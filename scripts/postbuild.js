// After tsc: make the CLI executable (npm links the bin before `prepare` builds it) and copy the
// data files that TypeScript does not emit.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
fs.chmodSync(path.join(root, "dist/src/cli.js"), 0o755);
for (const file of [
  "transforms/alpine-to-trixie/trixie-packages.txt",
  "transforms/alpine-to-trixie/package-map.json",
  "transforms/debian-to-trixie/renames.tsv",
]) {
  fs.copyFileSync(path.join(root, file), path.join(root, "dist", file));
}
