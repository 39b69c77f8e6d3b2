/**
 * Debian bookworm / bullseye package names -> trixie's, from renames.tsv: the 64-bit time_t (t64)
 * renames, new sonames, packages replaced by another version or program, and packages trixie does
 * not have at all. Every trixie name in it is checked against trixie's package list by a test.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type RenameKind = "t64" | "renamed" | "replaced" | "removed";

export interface Rename {
  /** The trixie packages (none when removed). */
  to: string[];
  kind: RenameKind;
  note: string;
}

let table: Map<string, Rename> | undefined;

/** The table, by old name (read on first use). */
export function renames(): Map<string, Rename> {
  if (!table) {
    table = new Map();
    const lines = fs.readFileSync(path.join(__dirname, "renames.tsv"), "utf8").split("\n");
    for (const line of lines.filter((l) => l && !l.startsWith("#")).slice(1)) {
      const [from, to, kind, note] = line.split("\t");
      table.set(from!, { to: to === "-" ? [] : to!.split(","), kind: kind as RenameKind, note: note ?? "" });
    }
  }
  return table;
}
