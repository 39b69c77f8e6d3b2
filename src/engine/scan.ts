/**
 * Finds the instructions of a Dockerfile the way BuildKit's parser does: parser directives at the
 * top, comment and blank lines, instructions with their escaped continuations (comment and blank
 * lines inside a continuation belong to it), and heredocs after RUN / COPY / ADD. It gives the
 * same instruction boundaries as dockerfile-ast (a property test holds it to that), about ten
 * times faster: the pipeline scans a file again after every transform that changed it.
 */
import { lineStarts } from "./source";

export interface ScannedInstruction {
  keywordText: string;
  /** File offset of the keyword. */
  start: number;
  /** File offset just after the instruction's last character (before its line break). */
  end: number;
  /** 1-based lines of the keyword and of the last line. */
  line: number;
  endLine: number;
  heredoc: boolean;
}

export interface Scan {
  escape: string;
  /** 1-based lines of parser directives. */
  directiveLines: Set<number>;
  /** 1-based lines of comments outside instructions. */
  commentLines: Set<number>;
  instructions: ScannedInstruction[];
  /** Offsets where each line starts. */
  starts: number[];
  /** A line dfmod does not read (it starts with a form feed...): the scan stops there. */
  problem?: { line: number; message: string };
}

const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$/;
const HEREDOC_KEYWORDS = new Set(["RUN", "COPY", "ADD"]);
const HEREDOC_MARK = /(?<!<)<<(-?)(?!<)(?:"([A-Za-z_][\w-]*)"|'([A-Za-z_][\w-]*)'|([A-Za-z_][\w-]*))/g;

/**
 * `escape` given: the text is a piece of a file whose escape character is known (an edit's new
 * text); it has no parser directives of its own.
 */
export function scan(text: string, escape?: string): Scan {
  const starts = lineStarts(text);
  const lines = starts.map((s, i) => {
    const next = starts[i + 1];
    let end = next === undefined ? text.length : next;
    if (end > s && text[end - 1] === "\n") end--;
    if (end > s && text[end - 1] === "\r") end--;
    return text.slice(s, end);
  });
  const result: Scan = { escape: "\\", directiveLines: new Set(), commentLines: new Set(), instructions: [], starts };

  // Parser directives: only at the very top, before any blank line, comment or instruction.
  let i = 0;
  const seen = new Set<string>();
  if (escape !== undefined) result.escape = escape;
  for (; escape === undefined && i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (!m) break;
    const name = m[1]!.toLowerCase();
    if (seen.has(name)) break;
    seen.add(name);
    if (name === "escape" && (m[2] === "`" || m[2] === "\\")) result.escape = m[2];
    result.directiveLines.add(i + 1);
  }
  const esc = result.escape;
  const endsWithEscape = (line: string): boolean => line.replace(/[ \t]+$/, "").endsWith(esc);

  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.replace(/^[ \t]+/, "");
    if (trimmed === "") continue;
    if (trimmed.startsWith("#")) {
      result.commentLines.add(i + 1);
      continue;
    }
    // Whitespace other than spaces and tabs before a keyword (a form feed, a no-break space): Docker
    // and dockerfile-ast disagree on it, so dfmod does not guess.
    if (/^\s/.test(trimmed)) {
      const code = trimmed.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
      result.problem = {
        line: i + 1,
        message: `the line starts with U+${code}, a space character Docker and dfmod read differently: replace it with spaces`,
      };
      break;
    }
    const indent = line.length - trimmed.length;
    const start = starts[i]! + indent;
    const keywordText = /^[^\s]+/.exec(trimmed)![0].replace(esc === "\\" ? /\\$/ : /`$/, "") || trimmed[0]!;
    const first = i;
    // The logical line: escaped continuations, skipping comment and blank lines inside them.
    let logical = trimmed;
    let last = i;
    // A continuation that runs into the end of the file takes the rest of it (as dockerfile-ast does).
    let toEnd = false;
    while (endsWithEscape(lines[last]!)) {
      let j = last + 1;
      while (j < lines.length && (lines[j]!.trim() === "" || /^[ \t]*#/.test(lines[j]!))) j++;
      if (j >= lines.length) {
        toEnd = last + 1 < lines.length || text.length > starts[last]! + lines[last]!.length;
        break;
      }
      last = j;
      logical += "\n" + lines[j];
    }
    // Heredocs: each `<<WORD` takes the lines up to the one that is WORD.
    let heredoc = false;
    if (HEREDOC_KEYWORDS.has(keywordText.toUpperCase())) {
      const marks = [...logical.matchAll(HEREDOC_MARK)];
      for (const m of marks) {
        heredoc = true;
        const word = m[2] ?? m[3] ?? m[4]!;
        const strip = m[1] === "-";
        let j = last + 1;
        while (j < lines.length && (strip ? lines[j]!.replace(/^\t+/, "") : lines[j]) !== word) j++;
        if (j >= lines.length) toEnd = true; // an unterminated heredoc takes the rest of the file
        last = Math.min(j, lines.length - 1);
      }
    }
    // An instruction ends at its last line with text: trailing blank / comment lines are not its own.
    while (!toEnd && last > first && (lines[last]!.trim() === "" || (!heredoc && /^[ \t]*#/.test(lines[last]!))))
      last--;
    result.instructions.push({
      keywordText,
      start,
      end: toEnd ? text.length : starts[last]! + lines[last]!.length,
      line: first + 1,
      endLine: last + 1,
      heredoc,
    });
    i = toEnd ? lines.length : last;
  }
  return result;
}
