/** `dfmod explain`: for each Dockerfile, the step table and what a change re-runs (and, with --migrate, after the migration). */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { discover } from "../discover";
import { Dockerfile, DockerfileError } from "../engine/dockerfile";
import { initShell } from "../engine/shell";
import { decode, readSource } from "../engine/source";
import { reportLine } from "../report/summary";
import { runPipeline } from "../engine/pipeline";
import { folderContext } from "../engine/context";
import type { Options, Transform } from "../engine/types";
import { mergeOptions, optionDefaults } from "../options";
import { contextFiles, explain, Explanation, formatExplanation, typicalChange } from ".";
import { buildRef, shownPath, type IO } from "../run";
import { BuildFinder } from "../builds";

export interface ExplainOptions {
  /** The transforms `--migrate` runs, in pipeline order. */
  transforms: Transform[];
  paths: string[];
  changed: string[];
  changedSince: string | undefined;
  migrate: boolean;
  format: "text" | "json";
  context: string | undefined;
  transformOptions: Options;
  cwd?: string;
}

/** Files changed since a git ref (and untracked ones), relative to `dir`. */
function gitChanged(dir: string, ref: string): string[] | string {
  // A revision, never an option: `--changed-since=--output=f` must not make git write a file.
  if (ref.startsWith("-") || /[\s\u0000]/.test(ref))
    return `--changed-since ${JSON.stringify(ref)}: not a git revision`;
  const diff = spawnSync("git", ["-C", dir, "diff", "--name-only", "--relative", "--end-of-options", ref, "--"], {
    encoding: "utf8",
  });
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
    io.stderr(reportLine(m, undefined, "error", undefined, "no such file or folder") + "\n");
    errors++;
  }
  for (const u of found.unreadable) {
    io.stderr(reportLine(u.path, undefined, "error", undefined, u.message) + "\n");
    errors++;
  }
  for (const s of found.skipped) io.stderr(reportLine(s.path, undefined, "skipped", undefined, s.reason) + "\n");
  const docs: object[] = [];
  const contextCache = new Map<string, string[]>();
  const dockerfiles = found.files.filter((f) => f.kind === "dockerfile");
  // The build context: --context, else the one the compose / bake files give, else the file's folder.
  const builds = new BuildFinder(cwd);
  for (const f of found.files) if (f.kind === "compose") builds.add(f.real);
  for (const file of dockerfiles) {
    const warnings: { line: number | undefined; message: string }[] = [];
    const defs = options.context ? [] : builds.forDockerfile(file.real);
    const contextDir = options.context
      ? path.resolve(cwd, options.context)
      : defs.length
        ? defs[0]!.context
        : path.dirname(file.real);
    const others = [...new Set(defs.map((d) => d.context))].filter((d) => d !== contextDir);
    if (others.length)
      warnings.push({
        line: undefined,
        message: `also built from ${others.map((d) => shownPath(d, cwd)).join(", ")}: explained for ${shownPath(contextDir, cwd)} (${buildRef(defs[0]!, cwd).label})`,
      });
    const fail = (line: number | undefined, message: string): void => {
      io.stderr(reportLine(file.path, line, "error", undefined, message) + "\n");
      errors++;
    };
    let raw: string;
    try {
      const decoded = decode(fs.readFileSync(file.real));
      if ("problem" in decoded) {
        fail(undefined, decoded.problem);
        continue;
      }
      raw = decoded.text;
    } catch (err) {
      fail(undefined, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      continue;
    }
    let dockerfile: Dockerfile;
    try {
      dockerfile = new Dockerfile(readSource(raw).text);
    } catch (err) {
      if (!(err instanceof DockerfileError)) {
        fail(undefined, `internal error: ${(err as Error).message}`);
        continue;
      }
      fail(err.line, err.message);
      continue;
    }
    try {
      // Dockerfiles of one folder share its context: walk it once.
      const own = `${file.real}.dockerignore`;
      const key = `${contextDir}\0${fs.existsSync(own) ? own : ""}`;
      const files = contextCache.get(key) ?? contextFiles(contextDir, file.real);
      contextCache.set(key, files);
      let changed: string[];
      if (options.changedSince) {
        const git = gitChanged(contextDir, options.changedSince);
        if (typeof git === "string") {
          io.stderr(reportLine(file.path, undefined, "error", undefined, git) + "\n");
          errors++;
          continue;
        }
        changed = git;
      } else if (options.changed.length) {
        changed = [];
        for (const c of options.changed) {
          const rel = path.relative(contextDir, path.resolve(cwd, c)).split(path.sep).join("/");
          if (rel.startsWith("../") || rel === ".." || path.isAbsolute(rel))
            warnings.push({
              line: undefined,
              message: `--changed ${c} is outside the build context ${shownPath(contextDir, cwd)}: no step can see it`,
            });
          else changed.push(rel);
        }
      } else {
        const typical = typicalChange(dockerfile, files);
        changed = typical ? [typical] : [];
      }
      const before = explain(dockerfile, files, changed);
      for (const stage of before.stages)
        for (const step of stage.steps)
          if (
            step.inputs.files &&
            step.inputs.files.length === 0 &&
            !step.inputs.url &&
            /^(COPY|ADD)\b/i.test(step.text)
          )
            warnings.push({
              line: step.line,
              message: `${step.text.split(" ")[0]} source matches nothing in the build context ${shownPath(contextDir, cwd)} (after .dockerignore): the build fails here`,
            });
      for (const w of warnings) io.stderr(reportLine(file.path, w.line, "warning", undefined, w.message) + "\n");
      let after: Explanation | undefined;
      if (options.migrate) {
        const source = readSource(raw);
        const migrated = runPipeline(source.text, source.eol, options.transforms, {
          path: file.path,
          file: file.real,
          context: folderContext(contextDir),
          options: mergeOptions(options.transforms, optionDefaults(options.transforms), options.transformOptions),
        }).output;
        after = explain(new Dockerfile(migrated), files, changed);
      }
      if (options.format === "json") {
        docs.push({
          path: file.path,
          context: shownPath(contextDir, cwd),
          changed,
          before,
          ...(after ? { after } : {}),
          warnings,
        });
        continue;
      }
      io.stdout(formatExplanation(file.path, before));
      if (after) {
        io.stdout(formatExplanation(`${file.path} (migrated by dfmod)`, after));
        io.stdout(`  before: ${counts(before)}; after: ${counts(after)}\n`);
      }
      io.stdout("\n");
    } catch (err) {
      // One file's failure is that file's error: the others are still explained.
      fail(undefined, `internal error: ${(err as Error).message}`);
    }
  }
  if (options.format === "json") io.stdout(JSON.stringify({ files: docs }, null, 2) + "\n");
  // Paths given, nothing explained (a link skipped): that is not a success.
  if (dockerfiles.length === 0 && found.skipped.length > 0) return 2;
  return errors > 0 ? 2 : 0;
}
