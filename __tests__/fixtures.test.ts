/**
 * Fixture pairs, found by glob: fixtures/<transform>/<case>.input.Dockerfile -> .output.Dockerfile,
 * compared byte for byte. Optional beside them: <case>.context/ (the build context; without it the
 * case runs with no context, as stdin does), <case>.options.json (transform options) and
 * <case>.notes.txt (the notes, byte for byte, for every case). Each case also runs with CRLF line endings, with a
 * BOM, without a final newline, and once more on its own output, which must not change.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initShell } from "../src/engine/shell";
import { transformById } from "../transforms";
import {
  formatNotes,
  listCases,
  readIfExists,
  toCrlf,
  transformText,
  withBom,
  withoutFinalNewline,
} from "./support/harness";

const root = path.join(__dirname, "fixtures");

beforeAll(async () => {
  await initShell();
});

const folders = fs.readdirSync(root).filter((d) => transformById(d) !== undefined);

test("every fixture folder names a transform, and every transform has fixtures", () => {
  const all = fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory());
  expect(all.filter((d) => d !== "unchanged" && transformById(d) === undefined)).toEqual([]);
  for (const d of folders) {
    const yaml = fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith(".input.yaml"));
    expect({ folder: d, cases: listCases(path.join(root, d)).length + yaml.length > 0 }).toEqual({
      folder: d,
      cases: true,
    });
  }
});

for (const id of folders) {
  const transform = transformById(id)!;
  describe(id, () => {
    for (const base of listCases(path.join(root, id))) {
      const name = path.basename(base);
      const input = fs.readFileSync(`${base}.input.Dockerfile`, "utf8");
      const expected = readIfExists(`${base}.output.Dockerfile`);
      const context = fs.existsSync(`${base}.context`) ? `${base}.context` : undefined;
      const optionsText = readIfExists(`${base}.options.json`);
      const options = optionsText ? JSON.parse(optionsText) : {};
      const notes = readIfExists(`${base}.notes.txt`);
      const run = (text: string) => transformText(text, [transform], context, options);

      describe(name, () => {
        test("has an expected output", () => {
          expect(expected).toBeDefined();
        });
        if (expected === undefined) return;
        test("output", () => {
          expect(run(input).output).toBe(expected);
        });
        // Every case says what its notes are: a note that contradicts the output is wrong output.
        test("notes", () => {
          expect(notes).toBeDefined();
          expect(formatNotes(run(input).notes)).toBe(notes);
        });
        test("idempotent: a second run changes nothing", () => {
          expect(run(expected).output).toBe(expected);
        });
        test("CRLF line endings", () => {
          expect(run(toCrlf(input)).output).toBe(toCrlf(expected));
        });
        test("BOM", () => {
          expect(run(withBom(input)).output).toBe(withBom(expected));
        });
        test("no final newline", () => {
          const cut = withoutFinalNewline(input);
          // A file whose last line is a blank one after an escape still ends with a line break when
          // one is cut: its output keeps it.
          const stillEnds = /\n$/.test(cut);
          expect(run(cut).output).toBe(stillEnds ? expected : withoutFinalNewline(expected));
        });
      });
    }
  });
}
