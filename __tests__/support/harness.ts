/** Shared helpers for fixture tests: run the pipeline the way the CLI does, on text. */
import * as fs from "node:fs";
import * as path from "node:path";
import { folderContext } from "../../src/engine/context";
import { runPipeline } from "../../src/engine/pipeline";
import { readSource, writeSource } from "../../src/engine/source";
import { Note, Transform } from "../../src/engine/types";
import { defaultOptions } from "../../transforms";
import type { BuiltinOptions as TransformOptions } from "../../transforms/options";

export interface Result {
  output: string;
  notes: Note[];
}

export function transformText(
  raw: string,
  transforms: Transform[],
  contextDir: string | undefined,
  options: Partial<TransformOptions> = {},
): Result {
  const source = readSource(raw);
  const { output, notes } = runPipeline(source.text, source.eol, transforms, {
    path: "Dockerfile",
    context: contextDir === undefined ? undefined : folderContext(contextDir),
    options: { ...defaultOptions, ...options },
  });
  return { output: writeSource(source, output), notes };
}

/** Notes as one line each: `line severity transform/id message`. */
export function formatNotes(notes: Note[]): string {
  return notes.map((n) => `${n.line} ${n.severity} ${n.transform}/${n.id} ${n.message}\n`).join("");
}

export const toCrlf = (s: string): string => s.replace(/\r?\n/g, "\r\n");
export const withBom = (s: string): string => "\uFEFF" + s;
export const withoutFinalNewline = (s: string): string => s.replace(/\r?\n$/, "");

export function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

export function listCases(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".input.Dockerfile"))
    .map((f) => path.join(dir, f.slice(0, -".input.Dockerfile".length)))
    .sort();
}

/** The meta of the engine tests' own transforms: no options; every note id they report. */
export const TEST_META = {
  docs: "",
  options: [],
  messages: {
    m: { severity: "info" as const, description: "a test note" },
    seen: { severity: "warning" as const, description: "a test note" },
  },
};
