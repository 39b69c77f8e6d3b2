/**
 * The fixer: edits into a Dockerfile's text, made from the parsed model (which only reads). As
 * ESLint's RuleFixer beside its SourceCode, the reading and the writing are apart; every edit is
 * plain data (`{start, end, text}`) that the engine applies, checks and re-parses.
 */
import type { Edit } from "./edits";
import type { Dockerfile, Instruction } from "./dockerfile";
import type { ShellScript } from "./shell";
import { afterLineBreak, lineEnd } from "./source";

/** The trailing parts of `replaceRange`'s ranges: emptied continuation lines go whole. */
function trimEmptied(instruction: Instruction, ranges: { start: number; end: number }[], text: string): void {
  const file = instruction.file;
  const src = file.text;
  const escapeOnly = new RegExp(`^[ \\t]*\\${file.escape}[ \\t]*$`);
  /** Index of the last range whose line keeps text, and whether the lines after it were all emptied. */
  let lastKept = 0;
  let tailEmptied = false;
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    // New text before a kept comment line, or a removal right after a word: the space in front of
    // the escape stays.
    if (i === 0 && ranges.length > 1 && (text !== "" || /[^ \t]/.test(src[r.start - 1] ?? " ")))
      while (r.end > r.start && /[ \t]/.test(src[r.end - 1]!)) r.end--;
    if (i === 0) continue;
    const lineStart = file.lineStart(file.lineOf(r.start));
    const rest = src.slice(r.end, lineEnd(src, r.end));
    const emptied = /^[ \t]*$/.test(src.slice(lineStart, r.start));
    if (emptied && escapeOnly.test(rest)) {
      // A continuation line that the edit empties goes entirely.
      r.start = lineStart;
      r.end = afterLineBreak(src, r.end);
    } else if (emptied && /^[ \t]*$/.test(rest)) {
      // The instruction's last line, emptied: it goes with the line break before it.
      r.start = lineStart - (src[lineStart - 2] === "\r" && src[lineStart - 1] === "\n" ? 2 : 1);
      r.end = lineEnd(src, r.end);
      tailEmptied = true;
    } else {
      lastKept = i;
    }
  }
  if (tailEmptied) {
    // The last line with text now ends the instruction: its escape goes.
    const kept = ranges[lastKept]!;
    const end = lineEnd(src, kept.end);
    if (escapeOnly.test(src.slice(kept.end, end))) kept.end = end;
  }
}

/**
 * Edits that replace logical [start, end) of an instruction with `text`. The new text goes where
 * the range starts; comment lines inside the range stay. A continuation line the edit empties goes
 * entirely, and when the emptied lines end the instruction, so does the escape of the last line
 * that keeps text: otherwise the instruction would run on, past the kept comments, into the next one.
 */
export function replaceRange(instruction: Instruction, start: number, end: number, text: string): Edit[] {
  const ranges = instruction.fileRanges(start, end);
  if (ranges.length === 0) {
    const at = instruction.fileOffset(start);
    return [{ start: at, end: at, text }];
  }
  trimEmptied(instruction, ranges, text);
  return ranges.map((r, i) => ({ start: r.start, end: r.end, text: i === 0 ? text : "" }));
}

/**
 * Edits that remove some items of a RUN's top-level list and replace others (index -> new text).
 * A removed item takes one of its joining operators with it; when every item goes, the whole
 * instruction goes. Undefined when an item to remove is joined by `||` or `|` (removing it would
 * change what runs).
 */
export function editChain(
  instruction: Instruction,
  script: ShellScript,
  remove: Set<number>,
  replace: Map<number, string> = new Map(),
): Edit[] | undefined {
  const items = script.items;
  const removable = (op: string | undefined): boolean => op === undefined || op === "&&" || op === ";";
  for (const i of remove) {
    if (!removable(items[i]?.op) || !removable(items[i + 1]?.op)) return undefined;
  }
  if (items.every((_, i) => remove.has(i))) return [removeInstruction(instruction)];
  const edits: Edit[] = [];
  for (let i = 0; i < items.length; i++) {
    if (replace.has(i) && !remove.has(i)) {
      // A command's own range: redirections after it stay.
      const target = items[i]!.command ?? items[i]!;
      edits.push(...replaceRange(instruction, target.start, target.end, replace.get(i)!));
    }
    if (!remove.has(i)) continue;
    let last = i;
    while (remove.has(last + 1)) last++;
    if (i > 0) edits.push(...replaceRange(instruction, items[i - 1]!.end, items[last]!.end, ""));
    else edits.push(...replaceRange(instruction, items[0]!.start, items[last + 1]!.start, ""));
    i = last;
  }
  return edits;
}

/** Whether the line before the one that starts at `lineStart` is blank (or there is none). */
function blankLineBefore(file: Dockerfile, lineStart: number): boolean {
  if (lineStart === 0) return false;
  const previous = file.lineStart(file.lineOf(lineStart - 1));
  return file.text.slice(previous, lineStart).trim() === "";
}

/** Removes an instruction and the comments directly above it, with its line break. */
export function removeInstruction(instruction: Instruction): Edit {
  const file = instruction.file;
  const text = file.text;
  let start = instruction.blockStart;
  let end = afterLineBreak(text, instruction.end);
  if (end === text.length && !/[\r\n]$/.test(text) && start > 0) {
    // The last line of a file without a final newline: take the line break before it instead.
    start = text[start - 2] === "\r" && text[start - 1] === "\n" ? start - 2 : start - 1;
    end = instruction.end;
  } else if (blankLineBefore(file, start) && /^[ \t]*(?:\r?\n|$)/.test(text.slice(end))) {
    // A block between two blank lines: one of them goes too, so no double blank line is left.
    end = afterLineBreak(text, end);
  }
  return { start, end, text: "" };
}

/**
 * Inserts lines (each an instruction, possibly with comments) above an instruction and its
 * comments, indented like it. Moved blocks keep their own indentation: pass indent "".
 */
export function insertBefore(instruction: Instruction, lines: string[], indent = instruction.indent): Edit {
  const at = instruction.blockStart;
  return { start: at, end: at, text: lines.map((l) => indent + l + "\n").join("") };
}

/** Inserts lines after an instruction. Moved blocks keep their own indentation: pass indent "". */
export function insertAfter(instruction: Instruction, lines: string[], indent = instruction.indent): Edit {
  const file = instruction.file;
  // At the end of the instruction, before its line break: the next line's bytes are not touched,
  // so an edit that removes the next instruction cannot overlap this one. An escape that ran on
  // into the end of the file goes first, or it would join the new lines to the instruction.
  const own = file.text.slice(instruction.start, instruction.end);
  const kept = file.withoutDanglingEscape(own);
  if (kept === own)
    return { start: instruction.end, end: instruction.end, text: lines.map((l) => "\n" + indent + l).join("") };
  // The kept text is the instruction's own up to the escape, and the comment lines after it.
  const at = own.search(new RegExp(`[ \\t]*\\${file.escape}[ \\t]*(?:\\r?\\n[ \\t]*(?:#[^\\r\\n]*)?)*$`));
  const text = kept.slice(at) + lines.map((l) => "\n" + indent + l).join("");
  return { start: instruction.start + at, end: instruction.end, text };
}

/** Replaces an instruction's own text (not its comments). */
export function replaceInstruction(instruction: Instruction, text: string): Edit {
  return { start: instruction.start, end: instruction.end, text };
}
