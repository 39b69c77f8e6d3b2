/**
 * dockerignore: fixtures/dockerignore/<case>.input.Dockerfile with <case>.context/; the expected
 * .dockerignore after the run is <case>.dockerignore (byte for byte), none when the file is absent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { folderContext } from "../src/engine/context";
import { runPipeline } from "../src/engine/pipeline";
import { initShell } from "../src/engine/shell";
import { defaultOptions } from "../transforms";
import { companionText } from "../src/run";
import { dockerignore } from "../transforms/dockerignore";
import { listCases } from "./support/harness";

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
