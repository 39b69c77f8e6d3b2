/**
 * The engine knows no transform: src/ imports transforms/ only in its entries (the CLI, the
 * worker thread and the library's index.ts), which hand the registry to the rest (options, their flags and config keys come from
 * each transform's meta).
 */
import * as fs from "node:fs";
import * as path from "node:path";

const src = path.join(__dirname, "..", "src");

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

test("src/ imports transforms/ only in cli.ts, worker.ts and index.ts", () => {
  const importing = files(src)
    .filter((f) => /(?:from|require\()\s*["'](?:\.\.\/)+transforms\b/.test(fs.readFileSync(f, "utf8")))
    .map((f) => path.relative(src, f).split(path.sep).join("/"))
    .sort();
  expect(importing).toEqual(["cli.ts", "index.ts", "worker.ts"]);
});
