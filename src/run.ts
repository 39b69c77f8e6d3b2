/**
 * One dfmod run: find the files, read the configs, process compose files (they tell which
 * Dockerfiles services share), then Dockerfiles (in worker threads with --jobs > 1), then the
 * companion files transforms asked for (.dockerignore); then diff | write | check, in a stable
 * order, and count.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Worker } from "node:worker_threads";
import { Config, ConfigError, ConfigFinder, FailOn } from "./config";
import { discover, fileKind, Found } from "./discover";
import { initShell, initShellLazily, withShellParser } from "./engine/shell";
import { setV8Flags } from "./engine/shell-start";
import { forgetFolders } from "./engine/context";
import { useListings } from "./engine/listing";
import type { Companion, Options, SharedBuild, Transform } from "./engine/types";
import { mergeOptions, optionDefaults, runsByDefault } from "./options";
import { BuildDef, BuildFinder, realOf, repositoryRoot } from "./builds";
import { BuildRef, failed, FileResult, processCompose, processDockerfile, Task, TaskResult } from "./process";
import { unifiedDiff } from "./report/diff";
import { toSarif } from "./report/sarif";
import { formatNotes, formatSummary, shownNotes, summarize } from "./report/summary";
import { decode, encode, type Encoding } from "./engine/source";
import { hashOf, quotePath, removeTemporaryFiles, writeAtomic, WriteRefused } from "./write";
import { anonymousVolumeEdit } from "./volumes";
import { applyEdits, type Edit } from "./engine/edits";
import { cacheComparisons, commitMessage, outcomeOf, prBody, type ComparedFile } from "./report/campaign";
import type { CacheComparison } from "./explain";

export type { FileResult } from "./process";
export type Mode = "diff" | "write" | "check" | "stdout";

export interface RunOptions {
  /** The transforms, in pipeline order (the CLI passes the registry; the worker threads load it too). */
  registry: Transform[];
  paths: string[];
  mode: Mode;
  format: "text" | "json" | "sarif";
  color: boolean;
  /** Colour the notes' severities (standard error is a terminal, or --color). */
  colorNotes?: boolean;
  /** `--quiet`: warnings, action-needed notes and errors only. */
  quiet?: boolean;
  /** `--verbose`: info notes of unchanged files too (why a file was not split...). */
  verbose?: boolean;
  /** `--transforms`: only these (undefined: all, or as the config says). */
  only: string[] | undefined;
  /** `--skip`. */
  skip: string[];
  /** The build context folder for every file; by default each Dockerfile's own folder. */
  context: string | undefined;
  /** Options given on the command line (they win over configs). */
  transformOptions: Options;
  /** `--transform` modules (absolute paths): the worker threads load them too. */
  modules?: string[];
  /** `--ignore` globs. */
  ignore: string[];
  /** Worker threads for Dockerfiles (1: in this thread). */
  jobs: number;
  /** Show a progress line on stderr (only when stderr is a terminal). */
  progress: boolean;
  /** `--fail-on`: notes that make the run exit 1 (default: action-needed with --check, never otherwise). */
  failOn?: FailOn;
  /** `--force`: replace read-only files; write hard-linked ones in place. */
  force?: boolean;
  /** `--commit-message`: the file to write a commit message made from the run into (`-`: standard output). */
  commitMessage?: string;
  /** `--pr-body`: the file to write a pull-request body (Markdown) made from the run into (`-`: standard output). */
  prBody?: string;
  cwd?: string;
}

export interface IO {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<Uint8Array>;
  /** Raw bytes to standard output (a file echoed as it came). */
  stdoutBytes?(bytes: Uint8Array): void;
}

export { writeAtomic } from "./write";

/** node:worker_threads, loaded when a run starts workers (a one-file run never does). */
const workerThreads = (): typeof import("node:worker_threads") => require("node:worker_threads");

/** From this many files, a run is long enough for dfmod's V8 flags (setV8Flags) to pay off. */
const MANY_FILES = 200;

/** Worker threads pay off only for many files: a small run stays in this thread. */
const FILES_PER_WORKER = 16;

/** A signal the run got (SIGINT, SIGTERM): it stops between two files. */
interface Stop {
  signal?: NodeJS.Signals;
}

class Interrupted extends Error {}

/** Which task comes next, and how many are done: this thread and the workers take from the same queue. */
interface Queue {
  next: number;
  done: number;
}

/**
 * The Dockerfiles processed by `jobs` threads: this one, and jobs - 1 worker threads for a run of
 * enough files. Results keep the tasks' order whatever the threads.
 */
async function runTasks(
  tasks: Task[],
  registry: Transform[],
  jobs: number,
  onDone: (done: number, task: Task) => void,
  stop: Stop,
  modules: string[] = [],
): Promise<TaskResult[]> {
  const results: TaskResult[] = new Array(tasks.length);
  const threads = Math.min(jobs, Math.ceil(tasks.length / FILES_PER_WORKER));
  const queue: Queue = { next: 0, done: 0 };
  const record = (id: number, result: TaskResult): void => {
    results[id] = result;
    queue.done++;
    onDone(queue.done, tasks[id]!);
  };
  // Before any worker starts: V8's flags are process-wide.
  if (tasks.length >= MANY_FILES) setV8Flags();
  const pool = threads > 1 ? startPool(tasks, threads - 1, modules, queue, record, stop) : undefined;
  try {
    await initShellLazily();
    while (queue.next < tasks.length) {
      if (stop.signal) throw new Interrupted();
      // A few files at a time, then the signal handlers and the workers' messages get their turn.
      const end = Math.min(tasks.length, queue.next + (pool ? 2 : 16));
      while (queue.next < end) {
        const id = queue.next++;
        const result = withShellParser(() => processDockerfile(tasks[id]!, registry));
        record(id, result instanceof Promise ? await result : result);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (pool && queue.done < tasks.length) await pool.finished;
  } finally {
    pool?.terminate();
  }
  return results;
}

/** `count` worker threads taking batches of tasks from the queue; `finished` when every task is done. */
function startPool(
  tasks: Task[],
  count: number,
  modules: string[],
  queue: Queue,
  record: (id: number, result: TaskResult) => void,
  stop: Stop,
): { finished: Promise<void>; terminate(): void } {
  const script = path.join(__dirname, "worker.js");
  // The workers compile under dfmod's V8 flags, which only this thread can set.
  setV8Flags();
  // Tasks go out in batches, two in flight per worker, so that a worker never waits for the next one.
  const batch = Math.max(1, Math.min(32, Math.floor(tasks.length / ((count + 1) * 8))));
  const pool: Worker[] = [];
  const inFlight = new Map<Worker, number>();
  let settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  finished.catch(() => undefined); // awaited only when this thread runs out of tasks first
  const feed = (worker: Worker): void => {
    if (queue.next >= tasks.length) return;
    const ids: number[] = [];
    while (ids.length < batch && queue.next < tasks.length) ids.push(queue.next++);
    inFlight.set(worker, (inFlight.get(worker) ?? 0) + ids.length);
    worker.postMessage(ids.map((id) => ({ id, task: tasks[id] })));
  };
  for (let i = 0; i < count; i++) {
    const worker = new (workerThreads().Worker)(script, { workerData: { modules } });
    pool.push(worker);
    worker.on("message", (m: { ready?: boolean; fatal?: string; id?: number; result?: TaskResult }) => {
      if (m.fatal) return settle!.reject(new Error(`a worker failed to start: ${m.fatal}`));
      if (m.ready) {
        feed(worker);
        feed(worker);
        return;
      }
      if (stop.signal) return settle!.reject(new Interrupted());
      record(m.id!, m.result!);
      const left = inFlight.get(worker)! - 1;
      inFlight.set(worker, left);
      if (left <= batch) feed(worker);
      if (queue.done === tasks.length) settle!.resolve();
    });
    worker.on("error", (err) => settle!.reject(err));
    worker.on("exit", (code) => {
      if (queue.done < tasks.length)
        settle!.reject(new Error(`a worker thread stopped (exit code ${code}) before the run was done`));
    });
  }
  return { finished, terminate: () => pool.forEach((w) => void w.terminate()) };
}

/**
 * A companion file (.dockerignore) as it is: its real path (a symbolic link is written through),
 * its text, encoding and hash; undefined text when there is no such file; or why it cannot be read.
 */
export function readCompanion(
  file: string,
): { real: string; text: string | undefined; encoding: Encoding; hash: string | null } | { problem: string } {
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return { problem: "a symbolic link loop: left as it is" };
    if (code !== "ENOENT") return { problem: `cannot read: ${code}; left as it is` };
    // A link whose target is missing: the target is created.
    try {
      if (fs.lstatSync(file).isSymbolicLink()) real = path.resolve(path.dirname(file), fs.readlinkSync(file));
    } catch {
      // no link either: a new file
    }
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(real);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      return { real, text: undefined, encoding: "utf8", hash: null };
    return { problem: `cannot read: ${(err as NodeJS.ErrnoException).code}; left as it is` };
  }
  if (!stat.isFile()) return { problem: `${fileKind(stat)}, not a regular file: left as it is` };
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(real);
  } catch (err) {
    return { problem: `cannot read: ${(err as NodeJS.ErrnoException).code}; left as it is` };
  }
  const decoded = decode(bytes);
  if ("problem" in decoded) return { problem: `${decoded.problem}; left as it is` };
  return { real, text: decoded.text, encoding: decoded.encoding, hash: hashOf(bytes) };
}

/** The new text of a companion file: what it had, plus the lines it lacks. */
export function companionText(before: string | undefined, lines: string[]): string {
  const have = new Set((before ?? "").split(/\r?\n/).map((l) => l.trim()));
  const add = lines.filter((l) => !have.has(l));
  if (add.length === 0) return before ?? "";
  const eol = before && before.includes("\r\n") ? "\r\n" : "\n";
  const base = before === undefined || before === "" ? "" : before.endsWith("\n") ? before : before + eol;
  return base + add.join(eol) + eol;
}

/** The 1-based line an edit starts on (1 when there is no edit). */
const lineOfEdit = (text: string, edit: Edit | string | undefined): number =>
  typeof edit === "object" ? text.slice(0, edit.start).split("\n").length : 1;

/** A path as dfmod shows it: relative to the current folder, with `/`, unless it is outside. */
export const shownPath = (file: string, cwd: string): string => {
  const rel = path.relative(cwd, file);
  return rel === "" ? "." : rel.startsWith("..") ? file : rel.split(path.sep).join("/");
};

/** A build as a task carries it, named for notes: `compose.yaml service api`. */
export function buildRef(b: BuildDef, cwd: string): BuildRef {
  let context = b.context;
  try {
    context = fs.realpathSync(b.context);
  } catch {
    // a context that does not exist: its files are simply not there
  }
  return {
    label: `${shownPath(b.file, cwd)} ${b.kind === "compose" ? "service" : "target"} ${b.name} (context ${shownPath(b.context, cwd)})`,
    context,
    target: b.target,
    args: b.args,
    ...(b.image ? { image: b.image } : {}),
    ...(b.kind === "compose" ? { compose: { file: b.file, service: b.name } } : {}),
    mounts: b.mounts,
    ...(b.runs ? { runs: b.runs } : {}),
  };
}

export async function run(options: RunOptions, io: IO): Promise<number> {
  // What an earlier run in this process learnt of the file system may be out of date.
  forgetFolders();
  // SIGINT / SIGTERM: the run stops between two files, and says what it wrote.
  const stop: Stop = {};
  const onSignal = (signal: NodeJS.Signals): void => {
    stop.signal = signal;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await runUntilStopped(options, io, stop);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    removeTemporaryFiles();
  }
}

const exitCodeOf = (signal: NodeJS.Signals): number => (signal === "SIGINT" ? 130 : 143);

/** What --write puts where: the new text, its encoding, and the hash of the bytes it replaces (null: no file). */
interface Output {
  real: string | undefined;
  output: string;
  encoding: Encoding;
  expect?: string | null;
}

/** A compose file of the run: its text before dfmod, its result, and its line ending. */
interface ComposeRun {
  before: string;
  result: FileResult;
  eol: string;
}

/** What one run knows as it goes: its options, the configs, and every file's result and output. */
interface RunState {
  options: RunOptions;
  io: IO;
  stop: Stop;
  cwd: string;
  /** The ids of the registry's transforms, in pipeline order. */
  ids: string[];
  configs: ConfigFinder;
  /** Only a diff run and the JSON document show diffs; the rest need not make them. */
  wantDiff: boolean;
  results: FileResult[];
  outputs: Map<FileResult, Output>;
  /** The fail-on level of each file's config, by the path the file is shown with. */
  failOnOf: Map<string, FailOn | undefined>;
  /** The real current folder, and the folder diffs name files from. */
  realCwd: string;
  diffRoot: string;
  /** Each Dockerfile's build context folder, by the path it is shown with (the PR body explains it there). */
  contextDirs: Map<string, string>;
  /** The Dockerfiles that asked for each companion file: it is written only with one of them. */
  askedBy: Map<FileResult, FileResult[]>;
}

/** A fresh run: no results yet; diffs name files from the repository's root (else the current folder). */
function newRunState(options: RunOptions, io: IO, stop: Stop): RunState {
  const cwd = options.cwd ?? process.cwd();
  const ids = options.registry.map((t) => t.id);
  const realCwd = realOf(cwd);
  return {
    options,
    io,
    stop,
    cwd,
    ids,
    configs: new ConfigFinder(options.registry),
    wantDiff: options.mode === "diff" || options.format === "json",
    results: [],
    outputs: new Map(),
    failOnOf: new Map(),
    realCwd,
    diffRoot: repositoryRoot(realCwd) ?? realCwd,
    contextDirs: new Map(),
    askedBy: new Map(),
  };
}

/** The config that applies to a folder, or the error that makes it unusable. */
function configFor(state: RunState, dir: string): Config | ConfigError | undefined {
  try {
    return state.configs.forDir(dir);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

/**
 * The task for one file: the transforms and options its config and the command line turn on; a
 * failed result when its config cannot be read.
 */
function taskFor(
  state: RunState,
  file: { path: string; real: string | undefined; text?: string },
  dir: string,
  contextDir: string | undefined,
): Task | FileResult {
  const { options } = state;
  const config = configFor(state, dir);
  if (config instanceof ConfigError) return failed(file.path, { message: `config: ${config.message}` });
  state.failOnOf.set(file.path, config?.failOn);
  const on = (id: string): boolean => {
    if (options.only) return options.only.includes(id) && !options.skip.includes(id);
    // A transform the registry marks opt-in runs only when named (`-t`, or the config's transforms),
    // or when an option that turns it on is given.
    const transform = options.registry.find((t) => t.id === id)!;
    const byDefault = runsByDefault(transform, config?.options, options.transformOptions);
    return (config?.transforms[id] ?? byDefault) && !options.skip.includes(id);
  };
  return {
    path: file.path,
    real: file.real,
    text: file.text,
    contextDir,
    transforms: state.ids.filter(on),
    options: mergeOptions(
      options.registry,
      optionDefaults(options.registry),
      config?.options,
      options.transformOptions,
    ),
    diff: state.wantDiff,
    image: options.format === "json",
    color: options.format === "text" && options.color,
  };
}

/**
 * A file's name in diffs, from the repository's root (else the current folder): `git apply` takes
 * them there, whatever folder dfmod ran in.
 */
function diffName(state: RunState, file: string): string {
  const rel = path.relative(state.diffRoot, path.resolve(state.realCwd, file));
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}

/** The files the paths name (configs' ignore globs apply); the missing, unreadable and skipped ones become results. */
function findFiles(state: RunState): ReturnType<typeof discover> {
  const { options, results } = state;
  const found = discover(
    options.paths.filter((p) => p !== "-"),
    {
      cwd: state.cwd,
      ignore: options.ignore,
      extraRules: (dir) => {
        const c = configFor(state, dir);
        return c && !(c instanceof ConfigError) ? { base: c.dir, globs: c.ignore } : undefined;
      },
    },
  );
  for (const p of found.missing) results.push(failed(p, { message: "no such file or folder" }));
  for (const u of found.unreadable) results.push(failed(u.path, { message: u.message }));
  for (const s of found.skipped)
    results.push({ ...failed(s.path, { message: "" }), error: undefined, skipped: s.reason });
  return found;
}

/** The Dockerfile on standard input (`-`): processed, and in text format printed (as it came when it fails). */
async function processStdin(state: RunState): Promise<void> {
  const { options, io, cwd } = state;
  const bytes = await io.readStdin();
  // A file that fails goes back out as it came, byte for byte.
  const echo = (): void => (io.stdoutBytes ? io.stdoutBytes(bytes) : io.stdout(Buffer.from(bytes).toString("latin1")));
  const task = taskFor(
    state,
    { path: "-", real: undefined },
    cwd,
    options.context ? path.resolve(cwd, options.context) : undefined,
  );
  if ("changed" in task) {
    state.results.push(task);
    if (options.format === "text" && options.mode !== "check") echo();
    return;
  }
  await initShellLazily();
  const r = await withShellParser(() => processDockerfile({ ...task, bytes }, options.registry));
  state.results.push(r.result);
  state.outputs.set(r.result, { real: undefined, output: r.output, encoding: r.encoding });
  if (options.format === "text" && options.mode !== "check") {
    const out = r.result.error === undefined ? encode(r.output, r.encoding) : undefined;
    if (out) io.stdoutBytes ? io.stdoutBytes(out) : io.stdout(r.output);
    else echo();
  }
}

/** What the compose files of the run say: the Dockerfiles services share, and each file's run by real path. */
interface ComposeFindings {
  shared: Map<string, SharedBuild[]>;
  composeRuns: Map<string, ComposeRun>;
}

/** The compose files, first: they say which Dockerfiles services share. */
function processComposeFiles(state: RunState, compose: Found[]): ComposeFindings {
  const shared = new Map<string, SharedBuild[]>();
  const composeRuns = new Map<string, ComposeRun>();
  for (const f of compose) {
    const dir = path.dirname(f.real);
    const task = taskFor(state, f, dir, dir);
    if ("changed" in task) {
      state.results.push(task);
      continue;
    }
    task.diffPath = diffName(state, f.path);
    const r = processCompose(task, state.options.registry);
    state.results.push(r.result);
    if (!r.result.error)
      composeRuns.set(f.real, { before: r.before, result: r.result, eol: r.before.includes("\r\n") ? "\r\n" : "\n" });
    state.outputs.set(r.result, { real: f.real, output: r.output, encoding: r.encoding, expect: r.hash });
    for (const s of r.shared) shared.set(s.dockerfile, [...(shared.get(s.dockerfile) ?? []), s]);
  }
  return { shared, composeRuns };
}

/**
 * The Dockerfiles' tasks, with the builds that name them and the compose services that share
 * them; the files whose config fails become results.
 */
function dockerfileTasks(
  state: RunState,
  dockerfiles: Found[],
  builds: BuildFinder,
  shared: Map<string, SharedBuild[]>,
): { tasks: Task[]; taskFiles: Found[] } {
  const { options, cwd } = state;
  const tasks: Task[] = [];
  const taskFiles: Found[] = [];
  for (const f of dockerfiles) {
    const dir = path.dirname(f.real);
    const task = taskFor(state, f, dir, options.context ? path.resolve(cwd, options.context) : dir);
    if ("changed" in task) {
      state.results.push(task);
      continue;
    }
    // --context wins; else the contexts of the builds that name the file; else its own folder.
    if (!options.context)
      task.builds = builds.forDockerfile(f.real).map((b) => {
        const ref = buildRef(b, cwd);
        const peers = builds.peersOf(b);
        return peers.length > 0 ? { ...ref, peers } : ref;
      });
    task.diffPath = diffName(state, f.path);
    task.compose = shared.get(f.real) ?? shared.get(path.resolve(cwd, f.path));
    if (task.contextDir) state.contextDirs.set(f.path, task.builds?.[0]?.context ?? task.contextDir);
    tasks.push(task);
    taskFiles.push(f);
  }
  return { tasks, taskFiles };
}

/** What the Dockerfiles ask of a companion file: the lines, and the Dockerfiles that ask. */
interface Asks {
  asks: Companion[];
  by: FileResult[];
}

/** The Dockerfiles' results and outputs join the run's; the companion files they ask for, by path. */
function collectDockerfiles(state: RunState, done: TaskResult[], taskFiles: Found[]): Map<string, Asks> {
  const companions = new Map<string, Asks>();
  done.forEach((r, i) => {
    state.results.push(r.result);
    state.outputs.set(r.result, { real: taskFiles[i]!.real, output: r.output, encoding: r.encoding, expect: r.hash });
    if (r.result.error) return;
    for (const c of r.companions) {
      const entry = companions.get(c.path) ?? { asks: [], by: [] };
      entry.asks.push(c);
      if (!entry.by.includes(r.result)) entry.by.push(r.result);
      companions.set(c.path, entry);
    }
  });
  return companions;
}

/**
 * Bind mounts that would hide an environment the migration put under them: the compose service
 * gets an anonymous volume over it (in a compose file of the run), or the Dockerfile a warning.
 */
function addVenvVolumes(
  state: RunState,
  done: TaskResult[],
  taskFiles: Found[],
  composeRuns: Map<string, ComposeRun>,
): void {
  const { options, cwd } = state;
  done.forEach((r, i) => {
    for (const need of r.volumes ?? []) {
      const compose = composeRuns.get(need.composeFile);
      const out = compose && state.outputs.get(compose.result);
      const edit = need.readOnly
        ? "read-only"
        : out
          ? anonymousVolumeEdit(out.output, need.service, need.path)
          : "the compose file is not in this run";
      const where = `${shownPath(need.composeFile, cwd)} service ${need.service}`;
      if (typeof edit === "object" && compose && out) {
        out.output = applyEdits(out.output, [edit], compose.eol, "dfmod");
        const result = compose.result;
        result.changed = out.output !== compose.before;
        if (!result.transforms.includes("dfmod")) result.transforms.push("dfmod");
        result.notes.push({
          transform: "dfmod",
          id: "venv-volume-added",
          severity: "info",
          // The line of the service's last volume in the file as it was.
          line: lineOfEdit(compose.before, anonymousVolumeEdit(compose.before, need.service, need.path)),
          message: `added the anonymous volume ${need.path} to service ${need.service}: its bind mount over ${need.mount} would hide the image's virtual environment (${taskFiles[i]!.path}), as in uv's Docker guide. The volume keeps the environment it was made with: after a dependency change, \`docker compose up --build -V\` (--renew-anon-volumes)`,
        });
        if (state.wantDiff)
          result.diff = unifiedDiff(
            diffName(state, result.path),
            compose.before,
            out.output,
            options.format === "text" && options.color,
          );
      } else if (typeof edit === "string") {
        r.result.notes.push({
          transform: "dfmod",
          id: "venv-hidden-by-mount",
          severity: "warning",
          line: 1,
          message: need.readOnly
            ? `${where} bind-mounts a folder read-only over ${need.mount}, which hides ${need.path} at run time, and an anonymous volume could not be mounted inside it (no mount point in a read-only folder): keep the environment outside ${need.mount} (ENV UV_PROJECT_ENVIRONMENT=/opt/venv with its PATH), or mount the source elsewhere`
            : `${where} bind-mounts a folder over ${need.mount}, which hides ${need.path} at run time; ${edit}: add \`- ${need.path}\` to its volumes (an anonymous volume keeps the image's environment)`,
        });
      }
    }
  });
}

/** Companion files (.dockerignore), one result each, however many Dockerfiles asked. */
function processCompanions(state: RunState, companions: Map<string, Asks>): void {
  const { options } = state;
  for (const [file, { asks, by }] of companions) {
    const display = shownPath(file, state.cwd);
    const read = readCompanion(file);
    const askedBy = [...new Set(asks.map((a) => a.transform ?? ""))];
    if ("problem" in read) {
      // Not readable is not missing: the file is never replaced by dfmod's lines.
      state.results.push({
        ...failed(display, { message: read.problem }),
        companion: true,
        transforms: askedBy,
      });
      continue;
    }
    const before = read.text;
    const lines = [...new Set(asks.flatMap((a) => a.lines))];
    const after = companionText(before, lines);
    if (after === (before ?? "")) continue;
    const result: FileResult = {
      path: display,
      changed: true,
      transforms: askedBy,
      companion: true,
      notes: [],
      diff: state.wantDiff
        ? unifiedDiff(
            diffName(state, file),
            before ?? "",
            after,
            options.format === "text" && options.color,
            before === undefined,
          )
        : "",
    };
    state.results.push(result);
    state.outputs.set(result, { real: read.real, output: after, encoding: read.encoding, expect: read.hash });
    state.askedBy.set(result, by);
  }
}

/** --write: one file replaced by its new text (never half written); a refusal becomes the result's error. */
function writeResult(state: RunState, result: FileResult, out: Output, written: string[]): void {
  const bytes = encode(out.output, out.encoding);
  try {
    if (!bytes)
      throw new WriteRefused(
        "the new text has characters the file's encoding (not UTF-8, read byte for byte) cannot hold: left as it was",
      );
    writeAtomic(out.real!, bytes, { expect: out.expect, force: state.options.force });
    written.push(result.path);
  } catch (err) {
    result.error = {
      message:
        err instanceof WriteRefused
          ? err.message
          : `cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    };
  }
}

/** In text format, what the mode shows of one file on standard output: its new text, its diff, or its path. */
function printResult(state: RunState, result: FileResult, out: Output): void {
  const { options, io } = state;
  if (options.format !== "text" || campaignStdout(options)) return;
  // --stdout prints the file asked for; companion files (a .dockerignore) show in diffs and --write.
  if (options.mode === "stdout") {
    if (!result.companion) {
      const bytes = encode(out.output, out.encoding);
      if (bytes && io.stdoutBytes) io.stdoutBytes(bytes);
      else io.stdout(out.output);
    }
  } else if (options.mode === "diff") io.stdout(result.diff);
  else if (options.mode === "check" && result.changed) io.stdout(`${quotePath(result.path)}\n`);
}

/**
 * Write, print, file by file in the results' order. An interrupt stops the writes between two
 * files: each is old or new, never half. Returns the paths written.
 */
async function writeAndPrint(state: RunState): Promise<string[]> {
  const { options } = state;
  const written: string[] = [];
  // Dockerfiles and compose files first, then the companion files: a .dockerignore is written only
  // when a Dockerfile that asked for it was (one left as it was, read-only say, leaves it too).
  const order =
    options.mode === "write"
      ? [...state.results.filter((r) => !r.companion), ...state.results.filter((r) => r.companion)]
      : state.results;
  for (const [i, result] of order.entries()) {
    if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    if (state.stop.signal) break;
    const out = state.outputs.get(result);
    if (!out || result.error || result.path === "-") continue;
    if (options.mode === "write" && result.changed && out.real) {
      const askers = state.askedBy.get(result);
      if (askers && askers.every((r) => r.error)) {
        result.error = {
          message: `left as it was: ${askers.map((r) => quotePath(r.path)).join(", ")}, which asked for it, was not written`,
        };
        continue;
      }
      writeResult(state, result, out, written);
    }
    printResult(state, result, out);
  }
  return written;
}

/** The interrupt message: how many files were written, and the first of them. */
function interruptedMessage(signal: NodeJS.Signals, written: string[]): string {
  return `\ndfmod: interrupted (${signal}); ${written.length} file${written.length === 1 ? "" : "s"} written${
    written.length ? `: ${written.slice(0, 20).map(quotePath).join(", ")}${written.length > 20 ? ", …" : ""}` : ""
  }; the others are as they were\n`;
}

/** `--commit-message -` or `--pr-body -`: standard output carries that text and nothing else. */
const campaignStdout = (options: RunOptions): boolean => options.commitMessage === "-" || options.prBody === "-";

/** The commit message and the PR body a run was asked for (the JSON document carries them too). */
interface CampaignTexts {
  commitMessage?: string;
  prBody?: string;
}

/** With --pr-body, the changed Dockerfiles explained before and after: read before anything is written. */
function comparisonsOf(state: RunState): Map<string, CacheComparison> {
  if (state.options.prBody === undefined) return new Map();
  const files: ComparedFile[] = [];
  for (const r of state.results) {
    const out = state.outputs.get(r);
    const contextDir = state.contextDirs.get(r.path);
    if (!r.changed || r.error || r.companion || !out?.real || !contextDir) continue;
    files.push({ path: r.path, real: out.real, contextDir, after: out.output });
  }
  return cacheComparisons(files);
}

/**
 * The commit message and PR body asked for, made from the results as they ended (a file whose write
 * failed is not in them), each written to its file or standard output (`-`); a file that cannot be
 * written: the message for exit 2.
 */
function writeCampaignTexts(state: RunState, comparisons: Map<string, CacheComparison>): CampaignTexts | string {
  const { options, io } = state;
  const texts: CampaignTexts = {};
  if (options.commitMessage !== undefined) texts.commitMessage = commitMessage(state.results, state.ids);
  if (options.prBody !== undefined) texts.prBody = prBody(state.results, state.ids, comparisons);
  const targets: [string, string | undefined, string | undefined][] = [
    ["--commit-message", options.commitMessage, texts.commitMessage],
    ["--pr-body", options.prBody, texts.prBody],
  ];
  for (const [flag, file, text] of targets) {
    if (file === undefined || text === undefined) continue;
    if (file === "-") {
      io.stdout(text);
      continue;
    }
    try {
      fs.writeFileSync(path.resolve(state.cwd, file), text);
    } catch (err) {
      return `${flag} ${file}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  return texts;
}

/** The report (text, JSON or SARIF) and the exit code: 2 on errors, 1 for --check changes or failing notes. */
function report(state: RunState, texts: CampaignTexts = {}): number {
  const { options, io, results } = state;
  // The text report counts what it shows; the JSON and SARIF documents have every note.
  const summary = summarize(
    options.format === "text" ? results.map((r) => ({ ...r, notes: shownNotes(r, options) })) : results,
  );
  // Files whose notes fail the run: their own config's level, unless --fail-on is given.
  const defaultLevel: FailOn = options.mode === "check" ? "action-needed" : "never";
  const failing = results.filter((r) => {
    const level = options.failOn ?? state.failOnOf.get(r.path) ?? defaultLevel;
    return !r.error && level !== "never" && r.notes.some((n) => n.severity === level || n.severity === "action-needed");
  });
  if (options.format === "json")
    io.stdout(JSON.stringify({ files: results, summary, outcome: outcomeOf(summary), ...texts }, null, 2) + "\n");
  else if (options.format === "sarif") io.stdout(JSON.stringify(toSarif(results, options.registry), null, 2) + "\n");
  else {
    io.stderr(formatNotes(results, { color: options.colorNotes, quiet: options.quiet, verbose: options.verbose }));
    io.stderr(formatSummary(summary, options.mode));
    if (failing.length > 0)
      io.stderr(
        `dfmod: ${failing.length} file${failing.length === 1 ? " has" : "s have"} notes that fail the run (--fail-on): exit 1\n`,
      );
  }
  if (summary.errors > 0) return 2;
  if (options.mode === "check" && summary.changed > 0) return 1;
  if (failing.length > 0) return 1;
  return 0;
}

/**
 * The run itself: standard input, compose files, Dockerfiles (nothing written if a signal comes
 * while they are processed), the volumes and companion files they ask for, then write, print and report.
 */
async function runUntilStopped(options: RunOptions, io: IO, stop: Stop): Promise<number> {
  const state = newRunState(options, io, stop);
  const { cwd } = state;
  const usesStdin = options.paths.includes("-");
  const found = findFiles(state);
  if (options.mode === "stdout" && found.files.length + (usesStdin ? 1 : 0) !== 1) {
    io.stderr("dfmod: --stdout takes exactly one file\n");
    return 2;
  }

  // Progress on a terminal: files done / total and the current file.
  const total = found.files.length + (usesStdin ? 1 : 0);
  const progress = (done: number, current: string): void => {
    if (options.progress) io.stderr(`\r\x1b[K[${done}/${total}] ${current}`);
  };

  if (usesStdin) await processStdin(state);

  const compose = found.files.filter((f) => f.kind === "compose");
  // Where each Dockerfile is built from: the compose and bake files of the run and above the files.
  const builds = new BuildFinder(cwd);
  for (const f of compose) builds.add(f.real);
  // Compose files are read with the parser loaded (no second try for them).
  if (compose.length > 0) await initShell();
  const { shared, composeRuns } = processComposeFiles(state, compose);

  const dockerfiles = found.files.filter((f) => f.kind === "dockerfile");
  // Enough files that folder listings save more system calls than they cost (src/engine/listing.ts).
  if (dockerfiles.length >= FILES_PER_WORKER) useListings();
  const { tasks, taskFiles } = dockerfileTasks(state, dockerfiles, builds, shared);
  let done: TaskResult[];
  try {
    done = await runTasks(
      tasks,
      options.registry,
      Math.max(1, options.jobs),
      (n, task) => progress(n + compose.length, task.path),
      stop,
      options.modules,
    );
  } catch (err) {
    if (!(err instanceof Interrupted) || !stop.signal) throw err;
    io.stderr(`\ndfmod: interrupted (${stop.signal}) before writing anything; every file is as it was\n`);
    return exitCodeOf(stop.signal);
  }
  const companions = collectDockerfiles(state, done, taskFiles);
  addVenvVolumes(state, done, taskFiles, composeRuns);
  if (options.progress && total > 0) io.stderr("\r\x1b[K");
  processCompanions(state, companions);

  state.results.sort((a, b) =>
    a.path === "-" ? -1 : b.path === "-" ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  const comparisons = comparisonsOf(state);
  const written = await writeAndPrint(state);
  if (stop.signal) {
    io.stderr(interruptedMessage(stop.signal, written));
    return exitCodeOf(stop.signal);
  }
  const texts = writeCampaignTexts(state, comparisons);
  if (typeof texts === "string") io.stderr(`dfmod: ${texts}\n`);
  const code = report(state, typeof texts === "string" ? {} : texts);
  return typeof texts === "string" ? 2 : code;
}

/**
 * One worker fewer than the CPUs: the main thread finds the files and gathers the results, and on
 * a 2-core machine a second thread costs more (garbage collection, copying results) than it gives.
 */
/** Threads for Dockerfiles: one per CPU (this thread is one of them). */
export const defaultJobs = (): number => Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
