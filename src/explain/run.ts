/** `dfmod explain`: for each Dockerfile, the step table and what a change re-runs (and, with --migrate, after the migration). */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { discover, type Found } from "../discover";
import { Dockerfile, DockerfileError } from "../engine/dockerfile";
import { initShell } from "../engine/shell";
import { decode, readSource } from "../engine/source";
import { reportLine } from "../report/summary";
import { runPipeline } from "../engine/pipeline";
import { folderContext } from "../engine/context";
import type { Options, Transform } from "../engine/types";
import { mergeOptions, optionDefaults } from "../options";
import { contextFiles, explain, Explanation, formatExplanation, rerunCounts as counts, typicalChange } from ".";
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

/** What `dfmod explain` knows as it goes: its options, the builds, the walked contexts, the JSON documents and the error count. */
interface ExplainState {
  options: ExplainOptions;
  io: IO;
  cwd: string;
  /** The compose and bake files that say where each Dockerfile is built from. */
  builds: BuildFinder;
  /** The files of each build context (with the Dockerfile's own .dockerignore), walked once. */
  contextCache: Map<string, string[]>;
  docs: object[];
  errors: number;
}

/** A warning about one Dockerfile, printed before its explanation. */
interface Warning {
  line: number | undefined;
  message: string;
}

/** One Dockerfile being explained: the file, its text and parse, its build context and warnings so far. */
interface FileJob {
  file: Found;
  raw: string;
  dockerfile: Dockerfile;
  contextDir: string;
  warnings: Warning[];
}

/** The missing, unreadable and skipped paths on standard error; returns how many are errors. */
function reportFound(io: IO, found: ReturnType<typeof discover>): number {
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
  return errors;
}

/** One error line for a file on standard error, counted. */
function fail(state: ExplainState, file: Found, line: number | undefined, message: string): void {
  state.io.stderr(reportLine(file.path, line, "error", undefined, message) + "\n");
  state.errors++;
}

/**
 * The build context a Dockerfile is explained for: --context, else the one the compose / bake
 * files give, else the file's folder; a warning when builds give it other contexts too.
 */
function contextOf(state: ExplainState, file: Found, warnings: Warning[]): string {
  const { options, cwd } = state;
  const defs = options.context ? [] : state.builds.forDockerfile(file.real);
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
  return contextDir;
}

/** A Dockerfile's text and parse; undefined (with the error reported) when it cannot be read or parsed. */
function readDockerfile(state: ExplainState, file: Found): { raw: string; dockerfile: Dockerfile } | undefined {
  let raw: string;
  try {
    const decoded = decode(fs.readFileSync(file.real));
    if ("problem" in decoded) {
      fail(state, file, undefined, decoded.problem);
      return undefined;
    }
    raw = decoded.text;
  } catch (err) {
    fail(state, file, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
  try {
    return { raw, dockerfile: new Dockerfile(readSource(raw).text) };
  } catch (err) {
    if (!(err instanceof DockerfileError)) fail(state, file, undefined, `internal error: ${(err as Error).message}`);
    else fail(state, file, err.line, err.message);
    return undefined;
  }
}

/** The files of a build context (after .dockerignore); Dockerfiles of one folder share its context: walked once. */
function filesOf(state: ExplainState, job: FileJob): string[] {
  const own = `${job.file.real}.dockerignore`;
  const key = `${job.contextDir}\0${fs.existsSync(own) ? own : ""}`;
  const files = state.contextCache.get(key) ?? contextFiles(job.contextDir, job.file.real);
  state.contextCache.set(key, files);
  return files;
}

/**
 * The changed files, relative to the build context: --changed-since (from git), else --changed
 * (a warning for those outside the context), else a typical change; undefined when git fails.
 */
function changedFiles(state: ExplainState, job: FileJob, files: string[]): string[] | undefined {
  const { options, cwd } = state;
  if (options.changedSince) {
    const git = gitChanged(job.contextDir, options.changedSince);
    if (typeof git === "string") {
      fail(state, job.file, undefined, git);
      return undefined;
    }
    return git;
  }
  if (options.changed.length) {
    const changed: string[] = [];
    for (const c of options.changed) {
      const rel = path.relative(job.contextDir, path.resolve(cwd, c)).split(path.sep).join("/");
      if (rel.startsWith("../") || rel === ".." || path.isAbsolute(rel))
        job.warnings.push({
          line: undefined,
          message: `--changed ${c} is outside the build context ${shownPath(job.contextDir, cwd)}: no step can see it`,
        });
      else changed.push(rel);
    }
    return changed;
  }
  const typical = typicalChange(job.dockerfile, files);
  return typical ? [typical] : [];
}

/** A warning for each COPY or ADD whose source matches nothing in the build context: the build fails there. */
function warnEmptySources(state: ExplainState, job: FileJob, before: Explanation): void {
  for (const stage of before.stages)
    for (const step of stage.steps)
      if (step.inputs.files && step.inputs.files.length === 0 && !step.inputs.url && /^(COPY|ADD)\b/i.test(step.text))
        job.warnings.push({
          line: step.line,
          message: `${step.text.split(" ")[0]} source matches nothing in the build context ${shownPath(job.contextDir, state.cwd)} (after .dockerignore): the build fails here`,
        });
}

/** --migrate: the explanation of the Dockerfile as dfmod's transforms leave it. */
function explainMigrated(state: ExplainState, job: FileJob, files: string[], changed: string[]): Explanation {
  const { options } = state;
  const source = readSource(job.raw);
  const migrated = runPipeline(
    source.text,
    source.eol,
    options.transforms.filter((t) => !t.meta.optIn),
    {
      path: job.file.path,
      file: job.file.real,
      context: folderContext(job.contextDir),
      options: mergeOptions(options.transforms, optionDefaults(options.transforms), options.transformOptions),
    },
  ).output;
  return explain(new Dockerfile(migrated), files, changed);
}

/** One Dockerfile's explanation: a JSON document kept for the end, or the step tables on standard output. */
function showExplanation(
  state: ExplainState,
  job: FileJob,
  changed: string[],
  before: Explanation,
  after: Explanation | undefined,
): void {
  const { io } = state;
  const { file } = job;
  if (state.options.format === "json") {
    state.docs.push({
      path: file.path,
      context: shownPath(job.contextDir, state.cwd),
      changed,
      before,
      ...(after ? { after } : {}),
      warnings: job.warnings,
    });
    return;
  }
  io.stdout(formatExplanation(file.path, before));
  if (after) {
    io.stdout(formatExplanation(`${file.path} (migrated by dfmod)`, after));
    io.stdout(`  before: ${counts(before)}; after: ${counts(after)}\n`);
  }
  io.stdout("\n");
}

/** One Dockerfile explained: its context, the changed files, what they re-run (and after --migrate). */
function explainFile(state: ExplainState, file: Found): void {
  const warnings: Warning[] = [];
  const contextDir = contextOf(state, file, warnings);
  const read = readDockerfile(state, file);
  if (!read) return;
  const job: FileJob = { file, ...read, contextDir, warnings };
  try {
    const files = filesOf(state, job);
    const changed = changedFiles(state, job, files);
    if (!changed) return;
    const before = explain(job.dockerfile, files, changed);
    warnEmptySources(state, job, before);
    for (const w of warnings) state.io.stderr(reportLine(file.path, w.line, "warning", undefined, w.message) + "\n");
    const after = state.options.migrate ? explainMigrated(state, job, files, changed) : undefined;
    showExplanation(state, job, changed, before, after);
  } catch (err) {
    // One file's failure is that file's error: the others are still explained.
    fail(state, file, undefined, `internal error: ${(err as Error).message}`);
  }
}

/** `dfmod explain` for the paths given: every Dockerfile's step table; the exit code (2 when a file failed). */
export async function runExplain(options: ExplainOptions, io: IO): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  await initShell();
  const found = discover(options.paths, { cwd, ignore: [] });
  const errors = reportFound(io, found);
  const state: ExplainState = {
    options,
    io,
    cwd,
    builds: new BuildFinder(cwd),
    contextCache: new Map(),
    docs: [],
    errors,
  };
  const dockerfiles = found.files.filter((f) => f.kind === "dockerfile");
  for (const f of found.files) if (f.kind === "compose") state.builds.add(f.real);
  for (const file of dockerfiles) explainFile(state, file);
  if (options.format === "json") io.stdout(JSON.stringify({ files: state.docs }, null, 2) + "\n");
  // Paths given, nothing explained (a link skipped): that is not a success.
  if (dockerfiles.length === 0 && found.skipped.length > 0) return 2;
  return state.errors > 0 ? 2 : 0;
}
