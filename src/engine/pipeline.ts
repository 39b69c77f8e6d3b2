import { Dockerfile } from "./dockerfile";
import { applyEditsWithMap } from "./edits";
import type { BuildContext } from "./context";
import type { Companion, Note, SharedBuild, Transform, TransformOptions } from "./types";

export interface PipelineResult {
  output: string;
  notes: Note[];
  /** Ids of the transforms that changed the text, in order. */
  applied: string[];
  companions: Companion[];
}

/**
 * Runs transforms one after another, each on the re-parsed text the one before produced.
 * `text` has no BOM; `eol` is the line ending inserted text gets.
 */
export function runPipeline(
  text: string,
  eol: string,
  transforms: Transform[],
  input: { path: string; context: BuildContext | undefined; options: TransformOptions; compose?: SharedBuild[] },
): PipelineResult {
  let current = text;
  let dockerfile = new Dockerfile(current);
  const notes: Note[] = [];
  // Maps a line of the current text to the line of the original file it stands for.
  let toOriginal = (line: number): number => line;
  const applied: string[] = [];
  const companions: Companion[] = [];
  if (dockerfile.instructions.length === 0) return { output: text, notes, applied, companions };
  for (const transform of transforms) {
    if (!transform.apply) continue;
    const change = transform.apply({ dockerfile, ...input });
    if (!change) continue;
    companions.push(...(change.companions ?? []));
    for (const note of change.notes) notes.push({ transform: transform.id, ...note, line: toOriginal(note.line) });
    if (change.edits.length === 0) continue;
    const { text: next, toOld } = applyEditsWithMap(current, change.edits, eol, transform.id);
    if (next === current) continue;
    const previousFile = dockerfile;
    try {
      dockerfile = new Dockerfile(next);
    } catch (err) {
      throw new Error(`transform ${transform.id} produced a Dockerfile that does not parse: ${(err as Error).message}`);
    }
    const nextFile = dockerfile;
    const previousMap = toOriginal;
    toOriginal = (line) => previousMap(previousFile.lineOf(toOld(nextFile.lineStart(line))));
    current = next;
    applied.push(transform.id);
  }
  return { output: current, notes, applied, companions };
}
