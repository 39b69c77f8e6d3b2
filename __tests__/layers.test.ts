/**
 * The engine knows no transform: src/ imports transforms/ only in its entries (the CLI, the
 * worker thread and the library's index.ts), which hand the registry to the rest (options, their flags and config keys come from
 * each transform's meta).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const root = path.join(__dirname, "..");
const src = path.join(root, "src");

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

test("src/ imports transforms/ only in main.ts, worker.ts and index.ts", () => {
  const importing = files(src)
    .filter((f) => /(?:from|require\()\s*["'](?:\.\.\/)+transforms\b/.test(fs.readFileSync(f, "utf8")))
    .map((f) => path.relative(src, f).split(path.sep).join("/"))
    .sort();
  expect(importing).toEqual(["index.ts", "main.ts", "worker.ts"]);
});

/** Every function-like node of a file longer than `max` lines, counted with the functions nested in it. */
function longFunctions(file: string, max: number): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const long: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const name = node.name?.getText(source) ?? "<anonymous>";
      if (last - first + 1 > max)
        long.push(`${path.relative(root, file)}:${first + 1} ${name} (${last - first + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return long;
}

test("no function in src/ or transforms/ is longer than 80 lines", () => {
  const all = [...files(src), ...files(path.join(root, "transforms"))];
  expect(all.length).toBeGreaterThan(50);
  expect(all.flatMap((f) => longFunctions(f, 80))).toEqual([]);
});
