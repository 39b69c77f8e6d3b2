import { quotePath } from "../write";
import type { FileResult, Mode } from "../run";
import type { Note, Severity } from "../engine/types";

export interface Summary {
  files: number;
  changed: number;
  unchanged: number;
  skipped: number;
  errors: number;
  notes: Record<Severity, number>;
}

export function summarize(results: FileResult[]): Summary {
  const notes: Record<Severity, number> = { info: 0, warning: 0, "action-needed": 0 };
  for (const r of results) for (const n of r.notes) notes[n.severity]++;
  const errors = results.filter((r) => r.error).length;
  const skipped = results.filter((r) => !r.error && r.skipped).length;
  const changed = results.filter((r) => !r.error && !r.skipped && r.changed).length;
  return {
    files: results.length,
    changed,
    unchanged: results.length - changed - errors - skipped,
    skipped,
    errors,
    notes,
  };
}

const ORDER: Record<Severity, number> = { "action-needed": 0, warning: 1, info: 2 };
const COLORS: Record<Severity | "error" | "skipped", string> = {
  "action-needed": "\x1b[1;31m",
  error: "\x1b[1;31m",
  warning: "\x1b[33m",
  info: "\x1b[36m",
  skipped: "\x1b[2m",
};

/**
 * What the text report shows of a file's notes: with --quiet, warnings and action-needed only; of
 * a file left unchanged, the same (an unchanged file is quiet unless something is left to do), and
 * the notes that explain a change of a companion file it asked for (the .dockerignore created).
 */
export function shownNotes(r: FileResult, shown: Shown = {}): Note[] {
  if (shown.quiet) return r.notes.filter((n) => n.severity !== "info");
  if (!r.changed && !r.error && !shown.verbose) return r.notes.filter((n) => n.severity !== "info" || n.companion);
  return r.notes;
}

/** Which notes the text report shows: `--quiet` (no info notes), `--verbose` (info notes of unchanged files too). */
export interface Shown {
  quiet?: boolean;
  verbose?: boolean;
}

/** One line of the report: `path:line:1: severity transform: message` (`path: severity: message` without a line). */
export function reportLine(
  file: string,
  line: number | undefined,
  severity: Severity | "error" | "skipped",
  transform: string | undefined,
  message: string,
  color = false,
): string {
  const what = color ? `${COLORS[severity]}${severity}\x1b[0m` : severity;
  return `${quotePath(file)}:${line !== undefined ? `${line}:1:` : ""} ${what}${transform ? ` ${transform}` : ""}: ${message}`;
}

/**
 * Notes and errors as `path:line:col: severity transform: message` (clickable in editors and
 * terminals), grouped by file with a blank line between files; in each file, action-needed first,
 * then warnings, then info, each by line. Severities are coloured on a terminal.
 */
export function formatNotes(results: FileResult[], options: Shown & { color?: boolean } = {}): string {
  const groups: string[] = [];
  for (const r of results) {
    const notes = shownNotes(r, options).sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.line - b.line);
    const lines: string[] = [];
    const color = options.color ?? false;
    if (r.error) lines.push(reportLine(r.path, r.error.line, "error", undefined, r.error.message, color));
    if (r.skipped && !options.quiet) lines.push(reportLine(r.path, undefined, "skipped", undefined, r.skipped, color));
    for (const n of notes) lines.push(reportLine(r.path, n.line, n.severity, n.transform, n.message, color));
    if (lines.length) groups.push(lines.join("\n") + "\n");
  }
  return groups.map((g) => g + "\n").join("");
}

export function formatSummary(s: Summary, mode: Mode): string {
  const verb = mode === "write" ? "written" : mode === "check" ? "would change" : "changed";
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  const notes = [
    `${s.notes["action-needed"]} action-needed`,
    plural(s.notes.warning, "warning"),
    `${s.notes.info} info`,
  ];
  return `dfmod: ${plural(s.files, "file")}: ${s.changed} ${verb}, ${s.unchanged} unchanged, ${s.skipped} skipped, ${plural(s.errors, "error")}; notes: ${notes.join(", ")}\n`;
}
