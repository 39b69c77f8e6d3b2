/**
 * Transforms from outside dfmod: `--transform FILE` loads a module written against the same API
 * as the built-in transforms (examples/external-transform/), in the main thread and in the worker
 * threads; a module that is not a transform is an error that names it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dfmod } from "./support/cli";

const example = path.join(__dirname, "..", "examples", "external-transform");
const transformFile = path.join(example, "apt-no-recommends.js");

/** The temporary folders of this file, removed after its tests. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-external-"));
  made.push(dir);
  return dir;
};
const noteLines = (stderr: string): string =>
  stderr
    .split("\n")
    .filter((l) => / apt-no-recommends: /.test(l))
    .map((l) => `${l}\n`)
    .join("");

test("the example transform gives its fixture's output and notes, byte for byte", () => {
  const fixture = path.join(example, "fixture");
  const args = ["--transform", transformFile, "-t", "apt-no-recommends", "--apt-keep-recommends", "texlive-latex-base"];
  const r = dfmod([...args, "--stdout", "Dockerfile"], fixture);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(fs.readFileSync(path.join(fixture, "expected.Dockerfile.txt"), "utf8"));
  expect(noteLines(r.stderr)).toBe(fs.readFileSync(path.join(fixture, "notes.txt"), "utf8"));
  // Idempotent, as every transform: its output is left as it is.
  const dir = tmp();
  fs.copyFileSync(path.join(fixture, "expected.Dockerfile.txt"), path.join(dir, "Dockerfile"));
  expect(dfmod([...args, "--check", "Dockerfile"], dir).code).toBe(0);
});

test("an external transform runs after the built-in ones, and in the worker threads of a large run", () => {
  const dir = tmp();
  for (let i = 0; i < 40; i++) {
    fs.mkdirSync(path.join(dir, `svc${i}`));
    fs.writeFileSync(
      path.join(dir, `svc${i}`, "Dockerfile"),
      "FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y curl\n",
    );
  }
  const r = dfmod(["--transform", transformFile, "--jobs", "2", "--format", "json", "."], dir);
  expect(r.code).toBe(0);
  const files = (
    JSON.parse(r.stdout) as { files: { transforms: string[]; notes: { id: string; transform: string }[] }[] }
  ).files;
  expect(files).toHaveLength(40);
  for (const f of files) {
    expect(f.transforms).toEqual(["apt-no-recommends"]);
    expect(f.notes.filter((n) => n.transform === "apt-no-recommends").map((n) => n.id)).toEqual(["recommends-dropped"]);
  }
});

test("its options are flags and config keys, checked by the schema it declares", () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM debian:trixie-slim\nRUN apt-get install -y curl\n");
  fs.writeFileSync(path.join(dir, "dfmod.config.json"), JSON.stringify({ options: { "apt-keep-recommends": "curl" } }));
  const r = dfmod(["--transform", transformFile, "--check", "--format", "json", "Dockerfile"], dir);
  expect(r.code).toBe(0);
  const notes = (JSON.parse(r.stdout) as { files: { notes: { transform: string; message: string }[] }[] }).files[0]!
    .notes;
  expect(notes.filter((n) => n.transform === "apt-no-recommends").map((n) => n.message)).toEqual([
    "curl: recommended packages kept (--apt-keep-recommends)",
  ]);
  // Without the module, the option is unknown to the config.
  const without = dfmod(["--check", "Dockerfile"], dir);
  expect(without.code).toBe(2);
  expect(without.stderr).toContain("options.apt-keep-recommends: unknown option");
});

describe("a module that is not a transform is an error that names it (exit 2, nothing written)", () => {
  const cases: [string, string, RegExp][] = [
    ["missing.js", "", /^dfmod: --transform \S*missing\.js: cannot load: Cannot find module/],
    ["broken.js", "module.exports = {", /^dfmod: --transform \S*broken\.js: cannot load: /],
    ["no-meta.js", 'module.exports = { id: "x", summary: "x", apply() {} };', /no-meta\.js: x: meta must have options/],
    [
      "no-apply.js",
      'module.exports = { id: "x", summary: "x", meta: { options: [], messages: {} } };',
      /x: needs an apply/,
    ],
    [
      "clash.js",
      'module.exports = { id: "uv-sync", summary: "x", meta: { docs: "", options: [], messages: {} }, apply() {} };',
      /clash\.js: a transform with the id uv-sync is already loaded/,
    ],
  ];
  for (const [name, text, message] of cases) {
    test(name, () => {
      const dir = tmp();
      if (text) fs.writeFileSync(path.join(dir, name), text);
      fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.13-alpine\n");
      const r = dfmod(["--transform", `./${name}`, "--write", "Dockerfile"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8")).toBe("FROM python:3.13-alpine\n");
    });
  }
});

test("a note id missing from the transform's message catalogue is an error naming the transform", () => {
  const dir = tmp();
  fs.writeFileSync(
    path.join(dir, "loose.js"),
    'module.exports = { id: "loose", summary: "x", meta: { docs: "", options: [], messages: {} }, apply(ctx) { ctx.report(1, "unlisted", "m"); } };',
  );
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM debian:trixie-slim\n");
  const r = dfmod(["--transform", "loose.js", "Dockerfile"], dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('transform loose reported "unlisted", which its meta.messages does not list');
});

test("an opt-in transform runs only when named: -t, or true in the config's transforms", () => {
  const dir = tmp();
  fs.writeFileSync(
    path.join(dir, "shout.js"),
    'module.exports = { id: "shout", summary: "x", meta: { docs: "", options: [], messages: { m: { severity: "info", description: "d" } }, optIn: true },\n' +
      '  apply(ctx) { const i = ctx.dockerfile.instructions.find((x) => x.keywordText === "from"); return i && { edits: [{ start: i.start, end: i.start + 4, text: "FROM" }], notes: [] }; } };\n',
  );
  fs.writeFileSync(path.join(dir, "Dockerfile"), "from debian:trixie-slim\n");
  expect(dfmod(["--transform", "shout.js", "--check", "Dockerfile"], dir).code).toBe(0);
  expect(dfmod(["--transform", "shout.js", "list"], dir).stdout).toMatch(
    /\nshout +x \(opt-in: runs only when named, e.g. -t shout\)\n/,
  );
  expect(dfmod(["--transform", "shout.js", "-t", "shout", "--stdout", "Dockerfile"], dir).stdout).toBe(
    "FROM debian:trixie-slim\n",
  );
  fs.writeFileSync(path.join(dir, "dfmod.config.json"), JSON.stringify({ transforms: { shout: true } }));
  expect(dfmod(["--transform", "shout.js", "--stdout", "Dockerfile"], dir).stdout).toBe("FROM debian:trixie-slim\n");
});
