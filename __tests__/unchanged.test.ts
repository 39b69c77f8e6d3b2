/**
 * Inputs that must not change under the whole default pipeline: already migrated files,
 * multi-stage files, non-Python files. fixtures/unchanged/*.Dockerfile, each also with CRLF.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initShell } from "../src/engine/shell";
import { transforms as registry } from "../transforms";
import { toCrlf, transformText } from "./support/harness";

const dir = path.join(__dirname, "fixtures", "unchanged");
/** The default pipeline: the opt-in transforms run only when named. */
const transforms = registry.filter((t) => !t.meta.optIn);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".Dockerfile"))
  .sort();

beforeAll(async () => {
  await initShell();
});

test("the set is not empty", () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  const context = fs.existsSync(path.join(dir, file.replace(/\.Dockerfile$/, ".context")))
    ? path.join(dir, file.replace(/\.Dockerfile$/, ".context"))
    : undefined;
  test(`${file} stays as it is`, () => {
    expect(transformText(text, transforms, context).output).toBe(text);
    expect(transformText(toCrlf(text), transforms, context).output).toBe(toCrlf(text));
  });
}
