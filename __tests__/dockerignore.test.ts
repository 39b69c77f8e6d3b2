/**
 * dockerignore: fixtures/dockerignore/<case>.input.Dockerfile with <case>.context/; the expected
 * .dockerignore after the run is <case>.dockerignore (byte for byte), none when the file is absent.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { folderContext, forgetFolders } from "../src/engine/context";
import { runPipeline } from "../src/engine/pipeline";
import { initShell } from "../src/engine/shell";
import { defaultOptions } from "../transforms";
import { companionText } from "../src/run";
import { dockerignore } from "../transforms/dockerignore";
import { leftOutBy } from "../src/engine/ignore-file";
import { listCases } from "./support/harness";
import { dfmod } from "./support/cli";

const dir = path.join(__dirname, "fixtures", "dockerignore");

beforeAll(async () => {
  await initShell();
});

describe.each(listCases(dir).map((c) => path.basename(c)))("%s", (name) => {
  test(".dockerignore after the run", () => {
    const context = path.join(dir, `${name}.context`);
    const text = fs.readFileSync(path.join(dir, `${name}.input.Dockerfile`), "utf8");
    const r = runPipeline(text, "\n", [dockerignore], {
      path: "Dockerfile",
      context: folderContext(context),
      options: defaultOptions,
    });
    const expectedFile = path.join(dir, `${name}.dockerignore`);
    const before = fs.existsSync(path.join(context, ".dockerignore"))
      ? fs.readFileSync(path.join(context, ".dockerignore"), "utf8")
      : undefined;
    if (!fs.existsSync(expectedFile)) {
      expect(r.companions).toEqual([]);
      return;
    }
    expect(r.companions.map((c) => c.path)).toEqual([path.join(context, ".dockerignore")]);
    expect(companionText(before, r.companions[0]!.lines)).toBe(fs.readFileSync(expectedFile, "utf8"));
    expect(r.notes[0]!.message).toMatch(/^(created \.dockerignore with|added to \.dockerignore:)/);
  });
});

test("the note says why .venv matters", () => {
  const r = runPipeline("FROM python:3.12-slim\nCOPY . .\n", "\n", [dockerignore], {
    path: "Dockerfile",
    context: folderContext(path.join(dir, "missing.context")),
    options: defaultOptions,
  });
  expect(r.notes[0]!.message).toContain(
    "A host .venv copied by COPY . . would be dead weight in the image, or replace its virtual environment where it has one.",
  );
});

test("the text report shows why a .dockerignore changes, also when its Dockerfile does not", () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-ignore-note-"));
  try {
    // A Dockerfile no other transform changes: the .dockerignore is the run's only change.
    fs.writeFileSync(path.join(temp, "Dockerfile"), "FROM debian:trixie-slim\nCOPY . /srv\n");
    const r = dfmod(["--check", "."], temp);
    expect(r.stdout).toBe(".dockerignore\n");
    expect(r.stderr).toMatch(/^Dockerfile:2:1: info dockerignore: created \.dockerignore with /m);
    // --quiet: warnings and action-needed only.
    expect(dfmod(["--check", "--quiet", "."], temp).stderr).not.toMatch(/dockerignore:/);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
});

describe("leftOutBy: the ignore file a build reads leaves a file out", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-left-out-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.writeFileSync(path.join(tmp, "uv.lock"), "version = 1\n");
  fs.writeFileSync(path.join(tmp, "poetry.lock"), "\n");
  fs.writeFileSync(path.join(tmp, ".dockerignore"), "*.lock\n!uv.lock\n");
  fs.writeFileSync(path.join(tmp, "api.Dockerfile.dockerignore"), "uv.lock\n");
  const context = folderContext(tmp);

  test("the context's .dockerignore, its last matching rule winning", () => {
    expect(leftOutBy(context, path.join(tmp, "Dockerfile"), "poetry.lock")).toBe(".dockerignore");
    expect(leftOutBy(context, path.join(tmp, "Dockerfile"), "./uv.lock")).toBeUndefined();
    expect(leftOutBy(context, undefined, "poetry.lock")).toBe(".dockerignore");
  });

  test("a Dockerfile's own <Dockerfile>.dockerignore instead of the context's", () => {
    const api = path.join(tmp, "api.Dockerfile");
    expect(leftOutBy(context, api, "uv.lock")).toBe("api.Dockerfile.dockerignore");
    expect(leftOutBy(context, api, "poetry.lock")).toBeUndefined();
  });
});

test("a .dockerignore with every entry already: nothing added, but node_modules still where a package.json is", () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-ignore-full-"));
  try {
    const complete = ".venv\n.git\n__pycache__\n*.pyc\n.pytest_cache\n.mypy_cache\n";
    fs.writeFileSync(path.join(temp, ".dockerignore"), complete);
    // Each run reads the folder afresh, as a new run of dfmod does.
    const run = () => {
      forgetFolders();
      return runPipeline("FROM python:3.12-slim\nCOPY . .\n", "\n", [dockerignore], {
        path: "Dockerfile",
        file: path.join(temp, "Dockerfile"),
        context: folderContext(temp),
        options: defaultOptions,
      });
    };
    expect([run().companions, run().notes]).toEqual([[], []]);
    fs.writeFileSync(path.join(temp, "package.json"), "{}\n");
    expect(run().companions.map((c) => c.lines)).toEqual([["node_modules"]]);
    fs.writeFileSync(path.join(temp, ".dockerignore"), `${complete}node_modules/\n`);
    expect(run().companions).toEqual([]);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
});
