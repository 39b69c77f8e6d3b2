/** One dfmod run: find files, read them, run the pipeline, then diff, write or check; count. */
import * as fs from "node:fs";
import * as path from "node:path";
import { folderContext } from "./engine/context";
import { DockerfileError } from "./engine/dockerfile";
import { runPipeline } from "./engine/pipeline";
import { initShell } from "./engine/shell";
import { readSource, writeSource } from "./engine/source";
import type { Note, Transform, TransformOptions } from "./engine/types";
import { unifiedDiff } from "./report/diff";
import { formatNotes, formatSummary, Summary, summarize } from "./report/summary";

export type Mode = "diff" | "write" | "check" | "stdout";

export interface RunOptions {
  paths: string[];
  mode: Mode;
  format: "text" | "json";
  color: boolean;
  transforms: Transform[];
  /** The build context folder for every file; by default each Dockerfile's own folder. */
  context: string | undefined;
  transformOptions: TransformOptions;
}

export interface IO {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
}

export interface FileResult {
  path: string;
  changed: boolean;
  transforms: string[];
  notes: Note[];
  diff: string;
  error?: { line?: number; message: string };
}

const SKIP_DIRS = new Set([".git", "node_modules"]);

/** Dockerfile, Containerfile, Dockerfile.prod, app.Dockerfile, app.dockerfile (not Dockerfile.dockerignore). */
export function isDockerfileName(name: string): boolean {
  if (name.endsWith(".dockerignore")) return false;
  return (
    /^(?:Dockerfile|Containerfile)(?:\..+)?$/.test(name) || /\.(?:Dockerfile|dockerfile|Containerfile)$/.test(name)
  );
}

/** Files named on the command line are taken as they are; folders are searched. Sorted, without repeats. */
export function discover(paths: string[]): { files: string[]; errors: FileResult[] } {
  const files = new Set<string>();
  const errors: FileResult[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      errors.push(failed(dir, { message: (err as Error).message }));
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && isDockerfileName(entry.name)) {
        files.add(full);
      }
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      errors.push(failed(p, { message: "no such file or folder" }));
      continue;
    }
    if (stat.isDirectory()) walk(p);
    else files.add(p);
  }
  return { files: [...files], errors };
}

function failed(file: string, error: { line?: number; message: string }): FileResult {
  return { path: file, changed: false, transforms: [], notes: [], diff: "", error };
}

/** Runs the pipeline on one text. Errors become a FileResult error, never an exception. */
function transformText(
  file: string,
  raw: string,
  contextDir: string | undefined,
  options: RunOptions,
): { result: FileResult; output: string } {
  const source = readSource(raw);
  try {
    const { output, notes, applied } = runPipeline(source.text, source.eol, options.transforms, {
      path: file,
      context: contextDir === undefined ? undefined : folderContext(contextDir),
      options: options.transformOptions,
    });
    const full = writeSource(source, output);
    const changed = full !== raw;
    const diff = changed ? unifiedDiff(file, raw, full, options.format === "text" && options.color) : "";
    return { result: { path: file, changed, transforms: applied, notes, diff }, output: full };
  } catch (err) {
    if (err instanceof DockerfileError)
      return { result: failed(file, { line: err.line, message: err.message }), output: raw };
    return { result: failed(file, { message: `internal error: ${(err as Error).message}` }), output: raw };
  }
}

/** Writes `text` to `file` atomically: a temporary file in the same folder, the same mode, then a rename. */
export function writeAtomic(file: string, text: string): void {
  const mode = fs.statSync(file).mode & 0o7777;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.dfmod-${process.pid}-${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw err;
  }
}

export async function run(options: RunOptions, io: IO): Promise<number> {
  await initShell();
  const results: FileResult[] = [];
  const usesStdin = options.paths.includes("-");
  const { files, errors } = discover(options.paths.filter((p) => p !== "-"));
  results.push(...errors);
  if (options.mode === "stdout" && files.length + (usesStdin ? 1 : 0) !== 1) {
    io.stderr("dfmod: --stdout takes exactly one file\n");
    return 2;
  }

  if (usesStdin) {
    const raw = await io.readStdin();
    const { result, output } = transformText("-", raw, options.context, options);
    results.push(result);
    if (options.format === "text" && options.mode !== "check") io.stdout(output);
  }

  for (const file of files) {
    let raw: string;
    try {
      raw = fs.readFileSync(file, "utf8");
    } catch (err) {
      results.push(
        failed(file, { message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }),
      );
      continue;
    }
    const contextDir = options.context ?? path.dirname(file);
    const { result, output } = transformText(file, raw, contextDir, options);
    results.push(result);
    if (result.error) continue;
    if (options.mode === "write" && result.changed) {
      try {
        writeAtomic(file, output);
      } catch (err) {
        result.error = { message: `cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
      }
    }
    if (options.format === "text") {
      if (options.mode === "stdout") io.stdout(output);
      else if (options.mode === "diff") io.stdout(result.diff);
      else if (options.mode === "check" && result.changed) io.stdout(`${file}\n`);
    }
  }

  results.sort((a, b) => (a.path === "-" ? -1 : b.path === "-" ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const summary: Summary = summarize(results);
  if (options.format === "json") {
    io.stdout(JSON.stringify({ files: results, summary }, null, 2) + "\n");
  } else {
    io.stderr(formatNotes(results));
    io.stderr(formatSummary(summary, options.mode));
  }
  if (summary.errors > 0) return 2;
  if (options.mode === "check" && summary.changed > 0) return 1;
  return 0;
}
