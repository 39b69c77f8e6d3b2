/**
 * Guards the pipeline runs after every transform, as ESLint re-parses fixed output. A transform's
 * edits must give exactly the instructions it meant, and the final image must stay configured as
 * it was but for what the transform says it changes. A file that fails either check is left as it
 * was: a transform that breaks a Dockerfile is a bug, never a result.
 *
 * 1. Structure. Each edit either works inside one instruction or stands between instructions
 *    (inserting, replacing or removing whole ones). The instructions the edits meant are the
 *    untouched ones, byte for byte; the edited ones, as their own text with the edits applied;
 *    and those in the text of the edits between them. Split Docker's way (comment and blank lines
 *    inside a continuation do not end it), the output must have exactly these, in this order.
 * 2. Image config. The final stage's USER, WORKDIR, ENTRYPOINT, CMD, EXPOSE, VOLUME, LABEL,
 *    STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD and ENV are equal before and after, but for the keys
 *    the transform declares.
 */
import type { Dockerfile, Instruction } from "./dockerfile";
import { applyEdits, Edit } from "./edits";
import { configDifferences, ConfigKey, imageConfig } from "./image";
import { scan } from "./scan";

export class GuardError extends Error {
  constructor(
    readonly transform: string,
    /** 1-based line, in the text the transform saw. */
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

interface Intended {
  text: string;
  /** Line in the text before the edits that this instruction stands for. */
  line: number;
  /** Edited, or put in by an edit (not an instruction left as it was). */
  changed: boolean;
}

/** Instructions that make up the final image's config (FROM: which stage is the final one). */
const CONFIG =
  /^[ \t]*(?:FROM|ARG|ENV|LABEL|USER|WORKDIR|EXPOSE|VOLUME|STOPSIGNAL|CMD|ENTRYPOINT|HEALTHCHECK|SHELL|ONBUILD)\b/i;

const startsWithBreak = (text: string): boolean => /^\r?\n/.test(text);
const endsWithBreak = (text: string): boolean => /\n$/.test(text);

/** Index of the last instruction that starts at or before `offset` (-1: none); instructions are in file order. */
function lastStartingBy(instructions: Instruction[], offset: number): number {
  let lo = 0;
  let hi = instructions.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (instructions[mid]!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The instruction an edit works inside, or undefined for an edit between instructions. */
export function insideInstruction(edit: Edit, instructions: Instruction[]): Instruction | undefined {
  const i = instructions[lastStartingBy(instructions, edit.start)];
  if (i && edit.start >= i.start && edit.end <= i.end) {
    const insertion = edit.start === edit.end;
    if (insertion && edit.start === i.end && startsWithBreak(edit.text)) return undefined;
    if (insertion && edit.start === i.start && endsWithBreak(edit.text)) return undefined;
    if (!insertion && edit.start <= i.start && edit.end >= i.end) return undefined;
    return i;
  }
  return undefined;
}

/** The instructions of a piece of text, split Docker's way, as written (from keyword to last character). */
function instructionTexts(text: string, escape: string): string[] {
  return scan(text, escape).instructions.map((i) => text.slice(i.start, i.end));
}

/** The instructions the edits mean the output to have, in order. */
export function intendedInstructions(
  file: Dockerfile,
  edits: Edit[],
  eol: string,
  transform: string,
): { instructions: Intended[]; configTouched: boolean } {
  const within = new Map<Instruction, Edit[]>();
  const between: Edit[] = [];
  for (const edit of edits) {
    const owner = insideInstruction(edit, file.instructions);
    if (owner) within.set(owner, [...(within.get(owner) ?? []), edit]);
    else between.push(edit);
  }
  const removed = new Set<Instruction>();
  for (const edit of between) {
    if (edit.start === edit.end) continue;
    const from = Math.max(0, lastStartingBy(file.instructions, edit.start));
    for (const i of file.instructions.slice(from)) {
      if (i.start >= edit.end) break;
      if (edit.start >= i.end || edit.end <= i.start) continue;
      if (edit.start <= i.start && edit.end >= i.end) removed.add(i);
      else
        throw new GuardError(
          transform,
          i.line,
          `transform ${transform} made an edit that cuts across the instruction at line ${i.line}`,
        );
    }
  }
  // In the order applyEdits puts them: by start, then end, then the order they were made in; an
  // edit between instructions that starts where an instruction does comes before it.
  type Item = { at: number; end: number; order: number; instruction?: Instruction; edit?: Edit };
  const items: Item[] = [
    ...file.instructions
      .filter((i) => !removed.has(i))
      .map((instruction) => ({ at: instruction.start, end: Infinity, order: Infinity, instruction })),
    ...between.map((edit) => ({ at: edit.start, end: edit.end, order: edits.indexOf(edit), edit })),
  ].sort((a, b) => a.at - b.at || a.end - b.end || a.order - b.order);
  const out: Intended[] = [];
  for (const item of items) {
    if (item.instruction) {
      const i = item.instruction;
      const own = file.text.slice(i.start, i.end);
      const edited = within.get(i);
      const text = edited
        ? applyEdits(
            own,
            edited.map((e) => ({ ...e, start: e.start - i.start, end: e.end - i.start })),
            eol,
            transform,
          )
        : own;
      for (const t of edited ? instructionTexts(text, file.escape) : [text])
        out.push({ text: t, line: i.line, changed: edited !== undefined });
    } else {
      const edit = item.edit!;
      const line = file.lineOf(edit.start);
      for (const t of instructionTexts(edit.text.replace(/\r?\n/g, eol), file.escape))
        out.push({ text: t, line, changed: true });
    }
  }
  const configTouched =
    [...removed].some((i) => CONFIG.test(i.keywordText)) || out.some((i) => i.changed && CONFIG.test(i.text));
  return { instructions: out, configTouched };
}

const excerpt = (text: string): string => {
  const one = text.replace(/\s+/g, " ");
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
};

/**
 * Throws a GuardError when the output's instructions are not the ones the edits meant; says
 * whether an instruction of the image's config was edited, put in or removed.
 */
export function checkStructure(
  before: Dockerfile,
  edits: Edit[],
  after: Dockerfile,
  eol: string,
  transform: string,
): boolean {
  const { instructions: intended, configTouched } = intendedInstructions(before, edits, eol, transform);
  const actual = after.instructions.map((i) => after.text.slice(i.start, i.end));
  const n = Math.max(intended.length, actual.length);
  for (let k = 0; k < n; k++) {
    const want = intended[k];
    const got = actual[k];
    if (want !== undefined && got === want.text) continue;
    const line = want?.line ?? intended[intended.length - 1]?.line ?? 1;
    const what =
      want === undefined
        ? `an instruction it did not mean (\`${excerpt(got!)}\`)`
        : got === undefined
          ? `no instruction where it meant \`${excerpt(want.text)}\``
          : got.startsWith(want.text)
            ? `\`${excerpt(want.text)}\` running on into the next instruction`
            : `\`${excerpt(got)}\` where it meant \`${excerpt(want.text)}\``;
    throw new GuardError(
      transform,
      line,
      `transform ${transform} gave ${actual.length} instructions where it meant ${intended.length}: ${what}`,
    );
  }
  return configTouched;
}

/** Throws a GuardError when the final image's config changed in a key the transform did not declare. */
export function checkImage(before: Dockerfile, after: Dockerfile, declared: ConfigKey[], transform: string): void {
  // Values built on a variable the transform changes on purpose are compared as written.
  const opaque = new Set(declared.filter((k) => k.startsWith("env ")).map((k) => k.slice(4)));
  const changed = configDifferences(imageConfig(before, opaque), imageConfig(after, opaque)).filter(
    (key) => !declared.includes(key) && !declared.includes(key.split(" ")[0] as ConfigKey),
  );
  if (changed.length === 0) return;
  const last = before.stages[before.stages.length - 1];
  throw new GuardError(
    transform,
    last?.from.line ?? 1,
    `transform ${transform} changed the final image's ${changed.join(", ")}, which it did not mean to`,
  );
}
