/** Processing one file: read, run the transforms, diff. Used by the main thread and by workers. */
import * as fs from "node:fs";
import type { ServiceRun } from "./builds";
import { folderContext } from "./engine/context";
import { Dockerfile, DockerfileError, Instruction } from "./engine/dockerfile";
import { envPairs } from "./engine/stage";
import { GuardError } from "./engine/guard";
import { applyEdits } from "./engine/edits";
import { runPipeline } from "./engine/pipeline";
import { ShellParserUnavailable } from "./engine/shell";
import { decode, readSource, writeSource, type Encoding } from "./engine/source";
import { applyComposeTransform } from "./engine/apply";
import type { Companion, Note, Options, SharedBuild, Transform } from "./engine/types";
import type { ImageConfig } from "./engine/image";
import { unifiedDiff } from "./report/diff";
import { hashOf } from "./write";

export interface FileResult {
  path: string;
  changed: boolean;
  transforms: string[];
  notes: Note[];
  diff: string;
  error?: { line?: number; message: string };
  /** Found but not processed (a link out of the folder given...). */
  skipped?: string;
  /** A file a transform asked for next to a Dockerfile (a .dockerignore), not one that was found. */
  companion?: true;
  /** A Dockerfile's final image config before and after (the engine holds them equal but for declared changes). */
  image?: { before: ImageConfig; after: ImageConfig };
}

export interface Task {
  path: string;
  /** Where the text is read from and written to; undefined for stdin (`text` is given). */
  real: string | undefined;
  /** The file's bytes when they do not come from `real` (stdin). */
  bytes?: Uint8Array;
  /** Or its text, already decoded. */
  text?: string;
  contextDir: string | undefined;
  /**
   * The compose services and bake targets that build this Dockerfile (their contexts replace
   * contextDir): each context is migrated, and a file whose builds disagree is left as it is.
   */
  builds?: BuildRef[];
  transforms: string[];
  options: Options;
  compose?: SharedBuild[];
  /** The name the diff gives the file (relative to the repository's root); default: `path`. */
  diffPath?: string;
  /** Make the unified diff (the output shows it); a --check or --write run does not need one. */
  diff: boolean;
  /** Report the final image's config before and after (the JSON document shows it). */
  image?: boolean;
  color: boolean;
}

export interface TaskResult {
  result: FileResult;
  /** The new text (the old one when unchanged or on error). */
  output: string;
  /** How the file's bytes became text: the output goes back the same way. */
  encoding: Encoding;
  /** A hash of the bytes read: a write checks that the file still holds them. */
  hash?: string;
  companions: Companion[];
  /** Anonymous volumes compose services need over the environment the migration put under their bind mounts. */
  volumes?: VolumeNeed[];
}

/** A build of the Dockerfile, as the task needs it. */
export interface BuildRef {
  /** "compose.yaml, service api", as notes name it. */
  label: string;
  context: string;
  target: string | undefined;
  /** The build args it sets (undefined value: from the environment). */
  args: Record<string, string | undefined>;
  /** A compose service's file (absolute) and name; undefined for a bake target. */
  compose?: { file: string; service: string };
  /** The name the build is tagged with (compose `image:`). */
  image?: string;
  /** Container paths the service bind-mounts host folders over, with the compose file that says so. */
  mounts: { target: string; file: string; readOnly?: boolean }[];
  /** A compose service's own command, entrypoint and healthcheck test. */
  runs?: ServiceRun[];
  /** Other Dockerfiles built from the same context (by the run's compose and bake files): they share its .dockerignore. */
  peers?: string[];
}

/** An anonymous volume a compose service needs so that its bind mount does not hide the image's environment. */
export interface VolumeNeed {
  composeFile: string;
  service: string;
  path: string;
  /** The bind mount's container path that would hide it. */
  mount: string;
  /** The bind mount is read-only: Docker could not create the volume's mount point in it. */
  readOnly?: boolean;
}

export function failed(file: string, error: { line?: number; message: string }): FileResult {
  return { path: file, changed: false, transforms: [], notes: [], diff: "", error };
}

/** The task's transforms, from the registry the caller gives (the engine knows none by name). */
function transformsOf(ids: string[], registry: Transform[]): Transform[] {
  return ids.map((id) => registry.find((t) => t.id === id)).filter((t): t is Transform => t !== undefined);
}

/** The task's text, how it was decoded and the hash of its bytes, or the error result. */
function readTask(task: Task): { raw: string; encoding: Encoding; hash?: string } | FileResult {
  if (task.text !== undefined) return { raw: task.text, encoding: "utf8" };
  if (task.bytes === undefined) {
    // Read as UTF-8 first (Node's one-call path, about half the time of reading bytes): with no
    // U+FFFD (what an invalid byte decodes to) and no NUL, the file is valid UTF-8, decode()
    // would give this very text, and its bytes are the text's UTF-8. Anything else is read again
    // as bytes, for decode() to judge.
    let text: string;
    try {
      text = fs.readFileSync(task.real!, "utf8");
    } catch (err) {
      return failed(task.path, {
        message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
    }
    if (!text.includes("\uFFFD") && !text.includes("\0"))
      return { raw: text, encoding: "utf8", hash: hashOf(Buffer.from(text, "utf8")) };
  }
  let bytes: Uint8Array;
  try {
    bytes = task.bytes ?? fs.readFileSync(task.real!);
  } catch (err) {
    return failed(task.path, {
      message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    });
  }
  const decoded = decode(bytes);
  if ("problem" in decoded) return failed(task.path, { message: `${decoded.problem}; the file is left as it was` });
  return { raw: decoded.text, encoding: decoded.encoding, hash: task.real === undefined ? undefined : hashOf(bytes) };
}

/** The other Dockerfiles the task's builds build from the context folder `dir` (undefined: none). */
function peersIn(task: Task, dir: string | undefined): string[] | undefined {
  const peers = [...new Set((task.builds ?? []).flatMap((b) => (b.context === dir ? (b.peers ?? []) : [])))];
  return peers.length > 0 ? peers : undefined;
}

export function processDockerfile(task: Task, registry: Transform[]): TaskResult {
  const read = readTask(task);
  if ("changed" in read) return { result: read, output: "", encoding: "utf8", companions: [] };
  const { raw, encoding, hash } = read;
  const source = readSource(raw);
  try {
    const contexts = task.builds?.length ? [...new Set(task.builds.map((b) => b.context))] : [task.contextDir];
    const transforms = transformsOf(task.transforms, registry);
    const pipelineIn = (text: string, dir: string | undefined) =>
      runPipeline(text, source.eol, transforms, {
        path: task.path,
        file: task.real,
        context: dir === undefined ? undefined : folderContext(dir),
        options: task.options,
        compose: task.compose,
        peers: peersIn(task, dir),
      });
    const runs = contexts.map((dir) => pipelineIn(source.text, dir));
    const pipeline = runs[0]!;
    const { notes, applied, companions } = pipeline;
    let { output } = pipeline;
    const migrate = (text: string): string => pipelineIn(text, contexts[0]).output;
    const problem = task.builds?.length
      ? buildProblem(source.text, runs, contexts as string[], task.builds, migrate)
      : undefined;
    if (problem) {
      output = source.text;
      notes.splice(0, notes.length, { transform: "dfmod", ...problem });
      applied.splice(0);
      companions.splice(0);
    } else for (const other of runs.slice(1)) companions.push(...other.companions);
    const image = task.image && !problem ? pipeline.image() : undefined;
    const volumes = problem || !task.builds ? [] : hiddenEnvironments(source.text, output, task.builds);
    // A build tagged with an Alpine name now makes a Debian image under it.
    if (!problem && output !== source.text)
      for (const b of task.builds ?? [])
        if (b.image && /alpine/i.test(b.image) && !/alpine/i.test(output))
          notes.push({
            transform: "dfmod",
            id: "alpine-tag-on-debian-build",
            severity: "warning",
            line: 1,
            message: `${b.label} tags this build as ${b.image}, an Alpine name, and the image is Debian now: rename the tag (a local ${b.image} also hides the published one from other builds)`,
          });
    const full = writeSource(source, output);
    const changed = full !== raw;
    const diff = changed && task.diff ? unifiedDiff(task.diffPath ?? task.path, raw, full, task.color) : "";
    return {
      result: { path: task.path, changed, transforms: applied, notes, diff, ...(image ? { image } : {}) },
      output: full,
      encoding,
      hash,
      companions,
      volumes,
    };
  } catch (err) {
    // The file goes again once the WebAssembly parser is ready (withShellParser).
    if (err instanceof ShellParserUnavailable) throw err;
    const error =
      err instanceof DockerfileError
        ? { line: err.line, message: err.message }
        : err instanceof GuardError
          ? { line: err.line, message: `internal error: ${err.message}; the file is left as it was` }
          : err instanceof RangeError && /call stack/.test(err.message)
            ? { message: "nested too deeply to read (the call stack ran out); the file is left as it was" }
            : { message: `internal error: ${(err as Error).message}` };
    return { result: failed(task.path, error), output: raw, encoding, hash, companions: [] };
  }
}

/**
 * Why the migration does not fit every build of the file, or undefined: the builds' contexts gave
 * different outputs; a build's target stage is gone; a build sets an arg that a FROM uses, and
 * the migration changed a FROM or that ARG (the arg would bring the old base image back).
 */
export function buildProblem(
  input: string,
  runs: { output: string }[],
  contexts: string[],
  builds: BuildRef[],
  migrate: (text: string) => string,
): { id: string; severity: "warning"; line: number; message: string } | undefined {
  const output = runs[0]!.output;
  if (output === input) return undefined;
  const labelsOf = (dir: string): string =>
    builds
      .filter((b) => b.context === dir)
      .map((b) => b.label)
      .join("; ");
  const differs = runs.findIndex((r) => r.output !== output);
  if (differs > 0)
    return {
      id: "build-contexts-differ",
      severity: "warning",
      line: 1,
      message: `built by ${labelsOf(contexts[0]!)} and by ${labelsOf(contexts[differs]!)} from different contexts, which need different changes: left as it is; migrate it for one context (--context) or build it from one`,
    };
  const before = new Dockerfile(input);
  const after = new Dockerfile(output);
  const overridden = overrideProblem(before, after, builds);
  if (overridden) return overridden;
  for (const b of builds) {
    if (b.target && before.stageByName(b.target) && !after.stageByName(b.target))
      return {
        id: "build-target-removed",
        severity: "warning",
        line: before.stageByName(b.target)!.from.line,
        message: `${b.label} builds target ${b.target}, which the migration would remove: left as it is`,
      };
  }
  // A build arg that a FROM uses: the file is migrated once more with the build's value as the
  // ARG's default, and must come out as the output with that same default. When the migration
  // rewrites the ARG's default (`ARG BASE=python:3.12-alpine`), the build's value would bring the
  // old base image back: the file is left as it is.
  const globalArgs = (d: Dockerfile, name: string): Instruction[] =>
    d.instructions
      .slice(0, d.stages[0]?.from.index ?? d.instructions.length)
      .filter((i) => i.keyword === "ARG" && new RegExp(`^${name}(=|\\s|$)`).test(i.args));
  const fromVars = new Set<string>();
  for (const stage of before.stages)
    for (const m of stage.from.args.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) fromVars.add(m[1]!);
  for (const b of builds) {
    for (const [name, value] of Object.entries(b.args)) {
      if (!fromVars.has(name)) continue;
      const declared = globalArgs(before, name);
      if (declared.length === 0) continue;
      const inOutput = globalArgs(after, name);
      const variant =
        value === undefined || declared.length !== 1 ? undefined : withArg(input, declared[0]!, name, value);
      const safe =
        variant !== undefined &&
        inOutput.length === 1 &&
        migrate(variant) === withArg(output, inOutput[0]!, name, value!);
      if (!safe)
        return {
          id: "build-arg-in-from",
          severity: "warning",
          line: declared[0]!.line,
          message: `${b.label} sets build arg ${name}${value === undefined ? " (from the environment)" : `=${value}`}, which a FROM uses: with that value the migrated file would not be what dfmod checked (the arg overrides the ARG's default), so it is left as it is; change the arg along with the Dockerfile, or drop it`,
        };
    }
  }
  return undefined;
}

/**
 * A compose service that runs, in place of the image's command, something the migrated image no
 * longer has: the split moved the install into a virtual environment (`/usr/local/bin/gunicorn`,
 * site-packages) and keeps Poetry, Pipenv and uv in the builder; Debian slim has no BusyBox wget or
 * nc, nor Alpine's su-exec, ash, apk, crond or /sbin/tini; distroless has no shell. The Dockerfile's own commands are the transforms' to check; these
 * are not in the Dockerfile, so the file is left as it is.
 */
function overrideProblem(
  before: Dockerfile,
  after: Dockerfile,
  builds: BuildRef[],
): { id: string; severity: "warning"; line: number; message: string } | undefined {
  const finalText = (d: Dockerfile): string => {
    const last = d.stages[d.stages.length - 1];
    return last ? last.instructions.map((i) => d.text.slice(i.start, i.end)).join("\n") : "";
  };
  const split = after.stages.length > before.stages.length;
  const runtime = finalText(after);
  const fromAlpine =
    before.stages.some((s) => /alpine/i.test(s.image)) && !after.stages.some((s) => /alpine/i.test(s.image));
  const distroless = /distroless/.test(after.stages[after.stages.length - 1]?.image ?? "");
  for (const b of builds) {
    for (const r of b.runs ?? []) {
      let why: string | undefined;
      const named = /\/usr\/local\/(?:bin\/[\w.-]+|lib\/python[\d.]*)|\S*site-packages\S*/.exec(r.text)?.[0];
      const tool = /(?:^|[\s;&|(])(poetry|pipenv|uv|uvx)(?=\s|$)/.exec(r.text)?.[1];
      const busybox = /(?:^|[\s;&|(])(wget|nc)(?=\s|$)/.exec(r.text)?.[1];
      const alpine = /(?:^|[\s;&|(])((?:\/s?bin\/)?(?:su-exec|ash|apk|crond)|\/sbin\/tini)(?=\s|$)/.exec(r.text)?.[1];
      // A script the runtime stage copies there (`COPY entrypoint.sh /usr/local/bin/`) is still there.
      const copiedThere =
        named !== undefined && (runtime.includes(named) || /\s\/usr\/local\/bin\/?(?:\s|$)/.test(runtime));
      if (split && named && !copiedThere) why = `names ${named}, and the install now goes into a virtual environment`;
      else if (split && tool && !new RegExp(`(?:^|[\\s/"])${tool}(?:[\\s"]|$)`).test(runtime))
        why = `runs ${tool}, which the split keeps in the builder stage`;
      else if (fromAlpine && busybox && !new RegExp(busybox === "nc" ? "netcat" : "\\bwget\\b").test(runtime))
        why = `runs ${busybox}, which BusyBox had built in and Debian slim does not have`;
      else if (fromAlpine && alpine) why = `runs ${alpine}, which Alpine has and the Debian image does not`;
      else if (distroless && (r.shell || /^\s*(?:\/bin\/)?(?:sh|bash)\b/.test(r.text)))
        why = "needs a shell, which distroless does not have";
      if (why)
        return {
          id: "compose-override-breaks",
          severity: "warning",
          line: 1,
          message: `${b.label}: its ${r.what} (${r.text.length > 80 ? `${r.text.slice(0, 77)}...` : r.text}) ${why}: left as it is; change the compose file, or migrate by hand`,
        };
    }
  }
  return undefined;
}

/**
 * Virtual environments the migration put in the final stage (`ENV PATH="/app/.venv/bin:$PATH"`, a
 * `COPY --from` of it) under a folder a compose service bind-mounts over (`.:/app`): at run time the
 * mount would hide them. The original file never named them.
 */
export function hiddenEnvironments(input: string, output: string, builds: BuildRef[]): VolumeNeed[] {
  // Only a compose service's bind mount can hide anything (and most files have none: no parse).
  if (output === input || !builds.some((b) => b.compose && b.mounts.length > 0)) return [];
  const file = new Dockerfile(output);
  const last = file.stages[file.stages.length - 1];
  if (!last) return [];
  const venvs = new Set<string>();
  for (const i of last.instructions) {
    if (i.keyword === "ENV")
      for (const p of envPairs(i))
        if (p.key === "PATH")
          for (const part of p.value.split(":")) if (/^\/.+\/bin$/.test(part)) venvs.add(part.slice(0, -4));
    if (i.keyword === "COPY" && i.flag("from")) venvs.add(i.copyDestination().replace(/\/+$/, ""));
  }
  const out: VolumeNeed[] = [];
  for (const venv of venvs) {
    if (input.includes(venv) || !/\/\.?venv$/.test(venv)) continue;
    for (const b of builds)
      for (const mount of b.mounts)
        if (b.compose && (mount.target === "/" || venv.startsWith(`${mount.target}/`)))
          out.push({
            composeFile: mount.file,
            service: b.compose.service,
            path: venv,
            mount: mount.target,
            ...(mount.readOnly ? { readOnly: true } : {}),
          });
  }
  return out;
}

/** The text with a global ARG's instruction made `ARG name=value`; undefined when that cannot be said plainly. */
function withArg(text: string, arg: Instruction, name: string, value: string): string | undefined {
  if (arg.line !== arg.endLine || !/^[\w.:/@+-]*$/.test(value)) return undefined;
  if (!new RegExp(`^${name}(=("[^"\\s$]*"|[^"\\s$]*))?$`).test(arg.args)) return undefined;
  return text.slice(0, arg.start) + `${arg.keywordText} ${name}=${value}` + text.slice(arg.end);
}

export function processCompose(
  task: Task,
  registry: Transform[],
): TaskResult & { shared: SharedBuild[]; before: string } {
  const read = readTask(task);
  if ("changed" in read) return { result: read, output: "", encoding: "utf8", companions: [], shared: [], before: "" };
  const { raw, encoding, hash } = read;
  const notes: Note[] = [];
  const applied: string[] = [];
  const shared: SharedBuild[] = [];
  let text = raw;
  for (const transform of transformsOf(task.transforms, registry)) {
    const change = applyComposeTransform(transform, {
      text,
      path: task.path,
      dir: task.contextDir ?? ".",
      options: task.options,
    });
    if (!change) continue;
    for (const n of change.notes) notes.push({ transform: transform.id, ...n });
    shared.push(...change.shared);
    if (change.edits.length === 0) continue;
    const next = applyEdits(text, change.edits, readSource(text).eol, transform.id);
    if (next !== text) applied.push(transform.id);
    text = next;
  }
  const changed = text !== raw;
  return {
    result: {
      path: task.path,
      changed,
      transforms: applied,
      notes,
      diff: changed && task.diff ? unifiedDiff(task.diffPath ?? task.path, raw, text, task.color) : "",
    },
    output: text,
    encoding,
    hash,
    companions: [],
    shared,
    before: raw,
  };
}
