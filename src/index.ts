/**
 * dfmod as a library: `migrate` runs the transforms on a Dockerfile's text and returns the new
 * text, the notes and the edits, with the same guards as the command line (a transform whose
 * output would not parse, or would change the image's config unannounced, throws).
 *
 *   const { migrate } = require("dfmod");
 *   const { output, notes } = await migrate(text, { context: "services/api" });
 */
import * as path from "node:path";
import { diffLines } from "diff";
import { folderContext, forgetFolders } from "./engine/context";
import type { Edit } from "./engine/edits";
import { runPipeline } from "./engine/pipeline";
import { initShell } from "./engine/shell";
import { readSource, writeSource } from "./engine/source";
import type { Note, Options, Transform } from "./engine/types";
import { mergeOptions, optionDefaults, runsByDefault } from "./options";
import { transforms as builtins, transformById } from "../transforms";

export type { Edit } from "./engine/edits";
export type {
  Change,
  Companion,
  ComposeChange,
  ComposeContext,
  Context,
  Fixer,
  MessageSchema,
  Note,
  NoteInput,
  OptionSchema,
  Options,
  Reporter,
  Severity,
  Transform,
  TransformMeta,
} from "./engine/types";
export type { BuiltinOptions } from "../transforms/options";
export { Dockerfile } from "./engine/dockerfile";
export {
  editChain,
  insertAfter,
  insertBefore,
  removeInstruction,
  replaceInstruction,
  replaceRange,
} from "./engine/fixer";

/** The built-in transforms, in pipeline order. */
export const transforms: readonly Transform[] = builtins;

export interface MigrateOptions {
  /** The build context folder (COPY sources, pyproject.toml, uv.lock...); none: only what the text shows. */
  context?: string;
  /** The file's name in notes. Default: "Dockerfile". */
  path?: string;
  /** Transforms to run, in this order: ids of built-in ones or transform objects. Default: the built-in ones but the opt-in ones (unless an option that turns one on is given). */
  transforms?: (string | Transform)[];
  /** Transform options by key (`{ uvCheck: "locked" }`); the rest are the defaults. */
  options?: Options;
}

export interface MigrateResult {
  /** The new text (the input when nothing changed). */
  output: string;
  changed: boolean;
  /** What the transforms said, each with its transform, id, severity and line of the input. */
  notes: Note[];
  /** The ids of the transforms that changed the text, in order. */
  applied: string[];
  /** Edits into the input text that give the output: [start, end) replaced with text, in order, not overlapping. */
  edits: Edit[];
}

function pipelineOf(wanted: MigrateOptions["transforms"], options: MigrateOptions["options"]): Transform[] {
  if (!wanted) return builtins.filter((t) => runsByDefault(t, options));
  return wanted.map((t) => {
    if (typeof t !== "string") return t;
    const found = transformById(t);
    if (!found) throw new Error(`unknown transform "${t}" (known: ${builtins.map((b) => b.id).join(", ")})`);
    return found;
  });
}

/** The output as edits into the input: the changed lines, each run of them one edit. */
function editsBetween(input: string, output: string): Edit[] {
  const edits: Edit[] = [];
  let offset = 0;
  for (const part of diffLines(input, output)) {
    if (part.added) {
      const last = edits[edits.length - 1];
      if (last && last.end === offset) last.text += part.value;
      else edits.push({ start: offset, end: offset, text: part.value });
    } else if (part.removed) {
      const last = edits[edits.length - 1];
      if (last && last.end === offset) last.end += part.value.length;
      else edits.push({ start: offset, end: offset + part.value.length, text: "" });
      offset += part.value.length;
    } else offset += part.value.length;
  }
  return edits;
}

/** Runs the transforms on one Dockerfile's text. */
export async function migrate(text: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  await initShell();
  forgetFolders();
  const pipeline = pipelineOf(options.transforms, options.options);
  const source = readSource(text);
  const result = runPipeline(source.text, source.eol, pipeline, {
    path: options.path ?? "Dockerfile",
    context: options.context === undefined ? undefined : folderContext(path.resolve(options.context)),
    options: mergeOptions(pipeline, optionDefaults(pipeline), options.options),
  });
  const output = writeSource(source, result.output);
  return {
    output,
    changed: output !== text,
    notes: result.notes,
    applied: result.applied,
    edits: output === text ? [] : editsBetween(text, output),
  };
}
