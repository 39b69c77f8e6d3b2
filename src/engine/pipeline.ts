import { Dockerfile, type Instruction } from "./dockerfile";
import { applyEditsWithMap, type Edit } from "./edits";
import { checkImage, checkStructure, GuardError, insideInstruction } from "./guard";
import { scan } from "./scan";
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
 * A message's references to lines of the text the transform saw (`the RUN at line 7`, `(line 7)`),
 * as lines of the original file, as the note's own line is.
 */
function originalLines(message: string, toOriginal: (line: number) => number): string {
  if (!message.includes("line ")) return message;
  return message.replace(
    /((?:^|\b(?:at|by) |\()line )(\d+)\b/g,
    (_, before: string, line: string) => `${before}${toOriginal(Number(line))}`,
  );
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
      message: originalLines(note.message, toOriginal),
    };
    if (note.packages) out.packages = note.packages;
    if (note.companion) out.companion = true;
    notes.push(out);
  }
}

/** How the input writes instructions: new ones are written the same way. */
interface Style {
  /** Every keyword is lower case (`from`, `run`). */
  lower: boolean;
  /** Every instruction but FROM is indented. */
  indented: boolean;
}

const isLower = (i: Instruction): boolean => i.keywordText === i.keywordText.toLowerCase();

function styleOf(file: Dockerfile): Style {
  const body = file.instructions.filter((i) => i.keyword !== "FROM");
  return {
    lower: file.instructions.every(isLower),
    indented: body.length > 0 && body.every((i) => /^[ \t]+$/.test(i.indent)),
  };
}

/**
 * The edits with the instructions they put between others written in the file's style, as a
 * formatter keeps a file's style: transforms write keywords in upper case at the start of a line.
 * A file whose every keyword is lower case gets new keywords in lower case (any other mix of cases
 * gets them as the transforms wrote them), and a file that indents every instruction but FROM gets
 * new ones indented as the instruction before them. An edit inside an instruction (a transform
 * that renames a keyword on purpose) is left as it is.
 */
function inFileStyle(file: Dockerfile, edits: Edit[], style: Style): Edit[] {
  if (!style.lower && !style.indented) return edits;
  return edits.map((edit) => {
    if (edit.text === "" || insideInstruction(edit, file.instructions)) return edit;
    const previous = file.instructions.filter((i) => i.start < edit.start).pop();
    let indent = previous && previous.keyword !== "FROM" ? previous.indent : "";
    if (!/^[ \t]*$/.test(indent)) indent = "";
    if (indent === "") indent = file.instructions.find((i) => i.keyword !== "FROM")?.indent ?? "";
    const atLineStart = edit.start === 0 || file.text[edit.start - 1] === "\n";
    let text = "";
    let pos = 0;
    for (const i of scan(edit.text, file.escape).instructions) {
      const keyword = style.lower ? i.keywordText.toLowerCase() : i.keywordText;
      const lineStart = i.start === 0 ? atLineStart : edit.text[i.start - 1] === "\n";
      const blanks = style.indented && lineStart && i.keywordText.toUpperCase() !== "FROM" ? indent : "";
      text += edit.text.slice(pos, i.start) + blanks + keyword;
      pos = i.start + i.keywordText.length;
    }
    text += edit.text.slice(pos);
    return text === edit.text ? edit : { ...edit, text };
  });
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
    /** Other Dockerfiles built from the same context (see Context.peers). */
    peers?: string[];
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
  const style = styleOf(first);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const transform of transforms) {
      // Later passes keep only edits (and the notes of a transform that made some).
      if (pass > 0 && transform.meta.editsDockerfile === false) continue;
      const change = applyTransform(transform, dockerfile, input);
      if (!change) continue;
      if (transform.meta.editsDockerfile === false && change.edits.length > 0)
        throw new Error(`transform ${transform.id} edited the Dockerfile, which its meta says it never does`);
      const edits = inFileStyle(dockerfile, change.edits, style);
      if (pass === 0) companions.push(...(change.companions ?? []).map((c) => ({ ...c, transform: transform.id })));
      const next = edits.length > 0 ? applyEditsWithMap(current, edits, eol, transform.id) : undefined;
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
        if (checkStructure(previousFile, edits, nextFile, eol, transform.id))
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
