import { Dockerfile } from "./dockerfile";
import { applyEditsWithMap } from "./edits";
import { checkImage, checkStructure, GuardError } from "./guard";
import { imageConfig, ImageConfig } from "./image";
import type { BuildContext } from "./context";
import { applyTransform, type ReportedNote } from "./apply";
import type { Companion, Note, Options, SharedBuild, Transform } from "./types";

export interface PipelineResult {
  output: string;
  notes: Note[];
  /** Ids of the transforms that changed the text, in order. */
  applied: string[];
  companions: Companion[];
  /**
   * The final image's config in the input and in the output (undefined for a file with no
   * instructions); computed on first use: only the JSON report shows it.
   */
  image(): { before: ImageConfig; after: ImageConfig } | undefined;
}

/**
 * Adds a transform's notes, their lines mapped to the original file, after removing those they
 * supersede. Built field by field (object rest and spread are slow paths), in the order JSON shows.
 */
function keepNotes(
  notes: Note[],
  reported: ReportedNote[],
  transform: string,
  toOriginal: (line: number) => number,
): void {
  for (const note of reported) {
    for (const id of note.supersedes ?? [])
      for (let k = notes.length - 1; k >= 0; k--) if (notes[k]!.id === id) notes.splice(k, 1);
    const out: Note = {
      transform,
      id: note.id,
      severity: note.severity,
      line: toOriginal(note.line),
      message: note.message,
    };
    if (note.packages) out.packages = note.packages;
    if (note.companion) out.companion = true;
    notes.push(out);
  }
}

/** Passes over the pipeline at most: one transform can open the way for another that ran before it. */
const MAX_PASSES = 4;

/**
 * Runs transforms one after another, each on the re-parsed text the one before produced, and the
 * whole pipeline again while a pass changes something (so that dfmod's output is a fixed point:
 * running it again changes nothing). Notes of later passes are kept only from transforms that
 * changed something in that pass. `text` has no BOM; `eol` is the line ending inserted text gets.
 */
export function runPipeline(
  text: string,
  eol: string,
  transforms: Transform[],
  input: {
    path: string;
    /** The Dockerfile's absolute path (undefined for stdin). */
    file?: string;
    context: BuildContext | undefined;
    options: Options;
    compose?: SharedBuild[];
  },
): PipelineResult {
  let current = text;
  let dockerfile = new Dockerfile(current);
  const notes: Note[] = [];
  // Maps a line of the current text to the line of the original file it stands for.
  let toOriginal = (line: number): number => line;
  const applied: string[] = [];
  const companions: Companion[] = [];
  if (dockerfile.instructions.length === 0) return { output: text, notes, applied, companions, image: () => undefined };
  const first = dockerfile;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const transform of transforms) {
      const change = applyTransform(transform, dockerfile, input);
      if (!change) continue;
      if (pass === 0) companions.push(...(change.companions ?? []).map((c) => ({ ...c, transform: transform.id })));
      const edited = change.edits.length > 0;
      const next = edited ? applyEditsWithMap(current, change.edits, eol, transform.id) : undefined;
      if (pass === 0 || (next && next.text !== current)) keepNotes(notes, change.notes, transform.id, toOriginal);
      if (!next || next.text === current) continue;
      const previousFile = dockerfile;
      try {
        dockerfile = new Dockerfile(next.text);
      } catch (err) {
        throw new Error(
          `transform ${transform.id} produced a Dockerfile that does not parse: ${(err as Error).message}`,
        );
      }
      const nextFile = dockerfile;
      try {
        // Only an edit of a config instruction (or FROM) can change the image's config.
        if (checkStructure(previousFile, change.edits, nextFile, eol, transform.id))
          checkImage(previousFile, nextFile, change.declares ?? [], transform.id);
      } catch (err) {
        if (err instanceof GuardError) throw new GuardError(err.transform, toOriginal(err.line), err.message);
        throw err;
      }
      const previousMap = toOriginal;
      const toOld = next.toOld;
      toOriginal = (line) => previousMap(previousFile.lineOf(toOld(nextFile.lineStart(line))));
      current = next.text;
      if (!applied.includes(transform.id)) applied.push(transform.id);
      changed = true;
    }
    if (!changed) break;
  }
  return {
    output: current,
    notes,
    applied,
    companions,
    image: () => ({ before: imageConfig(first), after: imageConfig(dockerfile) }),
  };
}
