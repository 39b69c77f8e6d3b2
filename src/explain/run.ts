/** `dfmod explain`: for each Dockerfile, the step table and what a change re-runs (and, with --migrate, after the migration). */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { discover } from "../discover";
import { Dockerfile, DockerfileError } from "../engine/dockerfile";
import { initShell } from "../engine/shell";
import { readSource } from "../engine/source";
import { runPipeline } from "../engine/pipeline";
import { folderContext } from "../engine/context";
import { defaultOptions, TransformOptions } from "../engine/types";
import { transforms } from "../../transforms";
import { contextFiles, explain, Explanation, formatExplanation, typicalChange } from ".";
import type { IO } from "../run";

export interface ExplainOptions {
  paths: string[];
  changed: string[];
  changedSince: string | undefined;
  migrate: boolean;
  format: "text" | "json";
  context: string | undefined;
  transformOptions: Partial<TransformOptions>;
  cwd?: string;
}

/** Files changed since a git ref (and untracked ones), relative to `dir`. */
function gitChanged(dir: string, ref: string): string[] | string {
  const diff = spawnSync("git", ["-C", dir, "diff", "--name-only", "--relative", ref, "--"], { encoding: "utf8" });
  if (diff.status !== 0) return `git diff ${ref} failed: ${(diff.stderr || diff.error?.message || "").trim()}`;
  const untracked = spawnSync("git", ["-C", dir, "ls-files", "--others", "--exclude-standard"], { encoding: "utf8" });
  return [...diff.stdout.split("\n"), ...(untracked.stdout ?? "").split("\n")].filter(Boolean).sort();
}

function counts(e: Explanation): string {
  const installs = e.rerun.filter((s) => s.expensive === "dependency install").length;
  return `${e.rerun.length} of ${e.total} steps re-run, ${installs === 0 ? "no" : installs} dependency install${installs === 1 ? "" : "s"}`;
}

export async function runExplain(options: ExplainOptions, io: IO): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  await initShell();
  const found = discover(options.paths, { cwd, ignore: [] });
  let errors = 0;
  for (const m of found.missing) {
    io.stderr(`${m}\n  -  error  no such file or folder\n`);
    errors++;
  }
  const docs: object[] = [];
  const contextCache = new Map<string, string[]>();
  for (const file of found.files.filter((f) => f.kind === "dockerfile")) {
    const contextDir = options.context ? path.resolve(cwd, options.context) : path.dirname(file.real);
    const raw = fs.readFileSync(file.real, "utf8");
    let dockerfile: Dockerfile;
    try {
      dockerfile = new Dockerfile(readSource(raw).text);
    } catch (err) {
      if (!(err instanceof DockerfileError)) throw err;
      io.stderr(`${file.path}\n  ${err.line}  error  ${err.message}\n`);
      errors++;
      continue;
    }
    // Dockerfiles of one folder share its context: walk it once.
    const files = contextCache.get(contextDir) ?? contextFiles(contextDir);
    contextCache.set(contextDir, files);
    let changed: string[];
    if (options.changedSince) {
      const git = gitChanged(contextDir, options.changedSince);
      if (typeof git === "string") {
        io.stderr(`${file.path}\n  -  error  ${git}\n`);
        errors++;
        continue;
      }
      changed = git;
    } else if (options.changed.length) {
      changed = options.changed.map((c) => path.relative(contextDir, path.resolve(cwd, c)).split(path.sep).join("/"));
    } else {
      const typical = typicalChange(dockerfile, files);
      changed = typical ? [typical] : [];
    }
    const before = explain(dockerfile, files, changed);
    let after: Explanation | undefined;
    if (options.migrate) {
      const source = readSource(raw);
      const migrated = runPipeline(source.text, source.eol, transforms, {
        path: file.path,
        context: folderContext(contextDir),
        options: { ...defaultOptions, ...options.transformOptions },
      }).output;
      after = explain(new Dockerfile(migrated), files, changed);
    }
    if (options.format === "json") {
      docs.push({ path: file.path, changed, before, ...(after ? { after } : {}) });
      continue;
    }
    io.stdout(formatExplanation(file.path, before));
    if (after) {
      io.stdout(formatExplanation(`${file.path} (migrated by dfmod)`, after));
      io.stdout(`  before: ${counts(before)}; after: ${counts(after)}\n`);
    }
    io.stdout("\n");
  }
  if (options.format === "json") io.stdout(JSON.stringify({ files: docs }, null, 2) + "\n");
  return errors > 0 ? 2 : 0;
}
