/**
 * `apk add` -> `apt-get install`, word by word, in the command's own layout: a package per line
 * stays a package per line, comment lines stay where they are (next to the packages they talk
 * about), a package with no Debian counterpart loses its line. Only the command's own bytes are
 * rewritten.
 *
 *   RUN apk add --no-cache \              RUN apt-get update && apt-get install -y --no-install-recommends \
 *       # the C extension                     # the C extension
 *       gcc \                      ->         gcc \
 *       musl-dev \                            libc6-dev \
 *       cargo                                 && rm -rf /var/lib/apt/lists/*   (cargo: wheels; the suffix
 *                                                                              gets a line of its own only
 *                                                                              after a comment)
 */
import type { Instruction } from "../../src/engine/dockerfile";
import type { Edit } from "../../src/engine/edits";
import type { ShellCommand, ShellWord } from "../../src/engine/shell";

export interface WordPlan {
  command: ShellCommand;
  /** The apt-get text that takes the place of `apk`, its options and its verb. */
  head: string;
  /** Package words and the Debian names each becomes (none: the word goes). Other words after `apk` go. */
  packages: Map<ShellWord, string[]>;
  /** Appended after the last package: more packages, then ` && rm -rf ...` (either may be empty). */
  extra: string[];
  suffix: string;
}

interface Line {
  text: string;
  eol: string;
  comment: boolean;
  /** The escape at the end of a content line, with the blanks around it ("" on the last line). */
  escape: string;
  words: ShellWord[];
}

/** The command's file bytes as lines, each content line with the command words that start on it. */
function lines(instruction: Instruction, command: ShellCommand, escape: string): { start: number; lines: Line[] } {
  const text = instruction.file.text;
  const start = instruction.fileOffset(command.start);
  const end = instruction.fileOffset(command.end);
  const out: Line[] = [];
  const escaped = new RegExp(`[ \\t]*\\${escape}[ \\t]*$`);
  let at = start;
  for (const m of text.slice(start, end).matchAll(/([^\r\n]*)(\r?\n|$)/g)) {
    if (m[0] === "" && at >= end) break;
    const lineText = m[1]!;
    const lineStart = at;
    at += m[0].length;
    const comment = out.length > 0 && /^[ \t]*#/.test(lineText);
    const esc = comment ? "" : (escaped.exec(lineText)?.[0] ?? "");
    const words = command.words.filter((w) => {
      const offset = instruction.fileOffset(w.start);
      return offset >= lineStart && offset < lineStart + lineText.length;
    });
    out.push({ text: lineText.slice(0, lineText.length - esc.length), eol: m[2]!, comment, escape: esc, words });
    if (m[2] === "") break;
  }
  return { start, lines: out };
}

/**
 * The edit that rewrites the command in place, or undefined when its layout does not allow it (a
 * word split over lines, or nothing to end it after trailing comment lines).
 */
export function rewriteInPlace(instruction: Instruction, plan: WordPlan): Edit | undefined {
  const { command } = plan;
  const file = instruction.file;
  const { start, lines: all } = lines(instruction, command, file.escape);
  if (all.reduce((n, l) => n + l.words.length, 0) !== command.words.length) return undefined;
  const firstPackage = command.words.findIndex((w) => plan.packages.has(w));
  const kept: { line: Line; text: string }[] = [];
  for (const line of all) {
    if (line.comment || line.words.length === 0) {
      // A line with no word (blank, or only the escape) keeps its bytes.
      kept.push({ line, text: line.text + line.escape });
      continue;
    }
    const indent = /^[ \t]*/.exec(line.text)![0];
    const parts: string[] = [];
    for (const w of line.words) {
      const i = command.words.indexOf(w);
      if (i === 0) parts.push(plan.head);
      else if (plan.packages.has(w)) parts.push(...plan.packages.get(w)!);
      else if (firstPackage === -1 || i < firstPackage) continue; // apk's options and verb
    }
    if (parts.length > 0) kept.push({ line, text: (line === all[0] ? "" : indent) + parts.join(" ") });
  }
  let lastContent = kept.map((k) => !k.line.comment && k.line.words.length > 0).lastIndexOf(true);
  // Blank lines after the last package were inside the continuation; they go with the packages after them.
  while (kept.length > lastContent + 1 && !kept[kept.length - 1]!.line.comment) kept.pop();
  lastContent = Math.min(lastContent, kept.length - 1);
  const tail = kept.slice(lastContent + 1).some((k) => k.line.comment);
  const ending = [...plan.extra, ...(plan.suffix ? [plan.suffix.trim()] : [])].join(" ");
  if (tail && ending === "") return undefined;
  let out = "";
  kept.forEach((k, i) => {
    const last = i === kept.length - 1;
    const content = !k.line.comment && k.line.words.length > 0;
    let text = k.text;
    if (content && i === lastContent) {
      if (!tail) text += ending && ` ${ending}`;
      else text += k.line.escape || ` ${file.escape}`;
    } else if (content) text += k.line.escape || ` ${file.escape}`;
    out += text + (last && !tail ? "" : k.line.eol || "\n");
  });
  if (tail) out += `${/^[ \t]*/.exec(kept[lastContent]!.line.text)![0]}${ending}`;
  return { start, end: instruction.fileOffset(command.end), text: out };
}
