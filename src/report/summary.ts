import { quotePath } from "../write";
import type { FileResult, Mode } from "../run";
import type { Severity } from "../engine/types";

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

/** Notes and errors, grouped per file (eslint's layout): `  line  severity  transform  message`. */
export function formatNotes(results: FileResult[]): string {
  let out = "";
  for (const r of results) {
    if (!r.error && !r.skipped && r.notes.length === 0) continue;
    out += `${quotePath(r.path)}\n`;
    if (r.error) out += `  ${r.error.line ?? "-"}  error  ${r.error.message}\n`;
    if (r.skipped) out += `  -  skipped  ${r.skipped}\n`;
    const notes = [...r.notes].sort((a, b) => a.line - b.line);
    for (const n of notes) out += `  ${n.line}  ${n.severity}  ${n.transform}  ${n.message}\n`;
    out += "\n";
  }
  return out;
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
