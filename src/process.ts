/** Processing one file: read, run the transforms, diff. Used by the main thread and by workers. */
import * as fs from "node:fs";
import { folderContext } from "./engine/context";
import { DockerfileError } from "./engine/dockerfile";
import { GuardError } from "./engine/guard";
import { applyEdits } from "./engine/edits";
import { runPipeline } from "./engine/pipeline";
import { decode, readSource, writeSource, type Encoding } from "./engine/source";
import type { Companion, Note, SharedBuild, Transform, TransformOptions } from "./engine/types";
import type { ImageConfig } from "./engine/image";
import { unifiedDiff } from "./report/diff";
import { hashOf } from "./write";
import { transformById } from "../transforms";

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
  transforms: string[];
  options: TransformOptions;
  compose?: SharedBuild[];
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
}

export function failed(file: string, error: { line?: number; message: string }): FileResult {
  return { path: file, changed: false, transforms: [], notes: [], diff: "", error };
}

function transformsOf(ids: string[]): Transform[] {
  return ids.map((id) => transformById(id)!).filter(Boolean);
}

/** The task's text, how it was decoded and the hash of its bytes, or the error result. */
function readTask(task: Task): { raw: string; encoding: Encoding; hash?: string } | FileResult {
  if (task.text !== undefined) return { raw: task.text, encoding: "utf8" };
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

export function processDockerfile(task: Task): TaskResult {
  const read = readTask(task);
  if ("changed" in read) return { result: read, output: "", encoding: "utf8", companions: [] };
  const { raw, encoding, hash } = read;
  const source = readSource(raw);
  try {
    const pipeline = runPipeline(source.text, source.eol, transformsOf(task.transforms), {
      path: task.path,
      context: task.contextDir === undefined ? undefined : folderContext(task.contextDir),
      options: task.options,
      compose: task.compose,
    });
    const { output, notes, applied, companions } = pipeline;
    const image = task.image ? pipeline.image() : undefined;
    const full = writeSource(source, output);
    const changed = full !== raw;
    const diff = changed && task.diff ? unifiedDiff(task.path, raw, full, task.color) : "";
    return {
      result: { path: task.path, changed, transforms: applied, notes, diff, ...(image ? { image } : {}) },
      output: full,
      encoding,
      hash,
      companions,
    };
  } catch (err) {
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

export function processCompose(task: Task): TaskResult & { shared: SharedBuild[] } {
  const read = readTask(task);
  if ("changed" in read) return { result: read, output: "", encoding: "utf8", companions: [], shared: [] };
  const { raw, encoding, hash } = read;
  const notes: Note[] = [];
  const applied: string[] = [];
  const shared: SharedBuild[] = [];
  let text = raw;
  for (const transform of transformsOf(task.transforms)) {
    if (!transform.applyCompose) continue;
    const change = transform.applyCompose({
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
      diff: changed && task.diff ? unifiedDiff(task.path, raw, text, task.color) : "",
    },
    output: text,
    encoding,
    hash,
    companions: [],
    shared,
  };
}
