import { quotePath } from "../write";

const RED = "\x1b[31m";
const GREEN = "\x1b[32m";
const CYAN = "\x1b[36m";
const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";

/**
 * A unified diff with git's `a/` `b/` headers (`--- /dev/null` for a file the diff creates), so that
 * `git apply` takes it. Line endings are part of each line, so a CRLF file's diff shows its "\r"s
 * as git does; a missing final newline gets git's "\ No newline" marker.
 */
export function unifiedDiff(file: string, before: string, after: string, color: boolean, created = false): string {
  if (before === after) return "";
  file = file.replace(/^\/+/, "");
  // Loaded on first use: a run that changes nothing never needs it.
  const { structuredPatch } = require("diff") as typeof import("diff");
  const patch = structuredPatch(`a/${file}`, `b/${file}`, before, after, "", "", { context: 3 });
  const paint = (code: string, line: string): string => (color ? code + line + RESET : line);
  // A name with a line break or a quote is quoted as git quotes it: a header stays one line.
  const out: string[] = [
    paint(BOLD, `--- ${created ? "/dev/null" : quotePath(`a/${file}`)}`),
    paint(BOLD, `+++ ${quotePath(`b/${file}`)}`),
  ];
  for (const hunk of patch.hunks) {
    out.push(paint(CYAN, `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`));
    for (const line of hunk.lines) {
      if (line.startsWith("-")) out.push(paint(RED, line));
      else if (line.startsWith("+")) out.push(paint(GREEN, line));
      else out.push(line);
    }
  }
  return out.join("\n") + "\n";
}

function range(start: number, lines: number): string {
  // An empty range names the line before it, as in GNU diff and git.
  if (lines === 0) return `${start - 1},0`;
  return lines === 1 ? `${start}` : `${start},${lines}`;
}
