/**
 * `dfmod report RESULTS.json...`: the `--format json` documents of many repositories' runs merged
 * into one summary, Markdown or CSV: which repositories dfmod migrated and which it left (and why),
 * the most common action-needed notes, and the Alpine packages with no known Debian name across
 * the fleet. A repository is named by the document's `repository` field (a campaign script may add
 * it), else by the file's name without `.json`. Same documents, same bytes: repositories by name,
 * notes by count then id.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Note } from "../engine/types";
import type { FileResult } from "../process";
import { outcomeOf, type Outcome } from "./campaign";
import type { Summary } from "./summary";

/** One repository's run, as its JSON document says. */
export interface RepositoryRun {
  name: string;
  /** The file it was read from, as given. */
  file: string;
  files: FileResult[];
  summary: Summary;
  outcome: Outcome;
}

/** A document read and checked; a problem: the message naming the file, for exit 2. */
export function readRun(file: string, text: string): RepositoryRun | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return `${file}: not JSON: ${(err as Error).message.replace(/\s+/g, " ")}`;
  }
  const d = doc as { files?: unknown; summary?: unknown; outcome?: unknown; repository?: unknown };
  const summary = d?.summary as Summary | undefined;
  if (!d || typeof d !== "object" || !Array.isArray(d.files) || typeof summary?.changed !== "number" || !summary.notes)
    return `${file}: not a document of \`dfmod --format json\` (it needs "files" and "summary")`;
  if (d.repository !== undefined && (typeof d.repository !== "string" || d.repository === ""))
    return `${file}: "repository" must be a non-empty string`;
  const outcomes: Outcome[] = ["unchanged", "changed", "changed-action-needed", "error"];
  if (d.outcome !== undefined && !outcomes.includes(d.outcome as Outcome))
    return `${file}: "outcome" must be one of ${outcomes.join(", ")}`;
  const name = (d.repository as string | undefined) ?? path.basename(file).replace(/\.json$/i, "");
  const files = d.files as FileResult[];
  const full = completeSummary(summary, files);
  const outcome = (d.outcome as Outcome | undefined) ?? outcomeOf(full);
  return { name, file, files, summary: full, outcome };
}

/**
 * The summary with what an older run's document leaves out (its file count, errors, a severity's
 * count) counted from its files, so the report shows no hole and the outcome agrees with the notes.
 */
function completeSummary(summary: Summary, files: FileResult[]): Summary {
  const count = (severity: Note["severity"]): number =>
    files.reduce((n, f) => n + (f.notes ?? []).filter((x) => x.severity === severity).length, 0);
  const num = (value: unknown, fallback: () => number): number => (typeof value === "number" ? value : fallback());
  return {
    ...summary,
    files: num(summary.files, () => files.length),
    unchanged: num(summary.unchanged, () => files.filter((f) => !f.changed && !f.error && !f.skipped).length),
    skipped: num(summary.skipped, () => files.filter((f) => f.skipped).length),
    errors: num(summary.errors, () => files.filter((f) => f.error).length),
    notes: {
      info: num(summary.notes.info, () => count("info")),
      warning: num(summary.notes.warning, () => count("warning")),
      "action-needed": num(summary.notes["action-needed"], () => count("action-needed")),
    },
  };
}

/** The documents of the files given, each checked; the first problem (a file missing, not JSON, two of one name). */
export function readRuns(files: string[], cwd: string): RepositoryRun[] | string {
  const runs: RepositoryRun[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(cwd, file), "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EISDIR") return `${file}: a folder: give the JSON documents in it (${path.join(file, "*.json")})`;
      return `${file}: ${code === "ENOENT" ? "no such file" : `cannot read: ${code}`}`;
    }
    const run = readRun(file, text);
    if (typeof run === "string") return run;
    const twin = runs.find((r) => r.name === run.name);
    if (twin) return `${twin.file} and ${file} both name the repository "${run.name}"`;
    runs.push(run);
  }
  return runs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const notesOf = (run: RepositoryRun, severity: Note["severity"]): Note[] =>
  run.files.flatMap((f) => (f.notes ?? []).filter((n) => n.severity === severity));

/** The `transform/id`s of a repository's notes of one severity, sorted, each once. */
const idsOf = (run: RepositoryRun, severity: Note["severity"]): string[] =>
  [...new Set(notesOf(run, severity).map((n) => `${n.transform}/${n.id}`))].sort();

/** Why a repository is left as it was, or what is left in a migrated one. */
export function whyOf(run: RepositoryRun): string {
  const errors = run.files
    .filter((f) => f.error)
    .map((f) => `${f.path}${f.error!.line !== undefined ? ` line ${f.error!.line}` : ""}: ${f.error!.message}`);
  if (errors.length) return `error: ${errors.join("; ")}`;
  const ids = idsOf(run, "action-needed");
  if (ids.length) return `action needed: ${ids.join(", ")}`;
  const warnings = idsOf(run, "warning");
  if (warnings.length) return `warnings: ${warnings.join(", ")}`;
  if (run.outcome !== "unchanged") return "nothing left";
  return run.summary.files === 0 ? "no Dockerfiles or compose files" : "nothing to change";
}

/** Action-needed notes by `transform/id`: how many, in how many repositories; most common first. */
export function commonNotes(runs: RepositoryRun[]): { id: string; count: number; repositories: string[] }[] {
  const byId = new Map<string, { count: number; repositories: Set<string> }>();
  for (const run of runs)
    for (const n of notesOf(run, "action-needed")) {
      const id = `${n.transform}/${n.id}`;
      const entry = byId.get(id) ?? { count: 0, repositories: new Set<string>() };
      entry.count++;
      entry.repositories.add(run.name);
      byId.set(id, entry);
    }
  return [...byId]
    .map(([id, e]) => ({ id, count: e.count, repositories: [...e.repositories].sort() }))
    .sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
}

/** Alpine packages with no known Debian name (the notes' `packages`), with the repositories that install them. */
export function unknownPackages(runs: RepositoryRun[]): { name: string; repositories: string[] }[] {
  const byName = new Map<string, Set<string>>();
  for (const run of runs)
    for (const f of run.files)
      for (const n of f.notes ?? [])
        for (const p of n.packages ?? []) byName.set(p, (byName.get(p) ?? new Set()).add(run.name));
  return [...byName]
    .map(([name, repos]) => ({ name, repositories: [...repos].sort() }))
    .sort((a, b) => b.repositories.length - a.repositories.length || (a.name < b.name ? -1 : 1));
}

/** A Markdown table cell: one line, `|` and HTML escaped. */
function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

function counts(runs: RepositoryRun[]): string {
  const of = (o: Outcome): number => runs.filter((r) => r.outcome === o).length;
  return (
    `${runs.length} ${runs.length === 1 ? "repository" : "repositories"}: ` +
    `${of("changed") + of("changed-action-needed")} migrated (${of("changed-action-needed")} of them with action-needed notes), ` +
    `${of("unchanged")} left as they were, ${of("error")} with errors.`
  );
}

/** The fleet report in Markdown. */
export function fleetMarkdown(runs: RepositoryRun[]): string {
  const lines = ["# dfmod fleet report", "", counts(runs), "", "## Repositories", ""];
  lines.push(
    "| repository | outcome | files changed | action-needed | warnings | why left, or what is left |",
    "| --- | --- | --- | --- | --- | --- |",
    ...runs.map(
      (r) =>
        `| ${cell(r.name)} | ${r.outcome} | ${r.summary.changed} | ${r.summary.notes["action-needed"] ?? 0} | ${r.summary.notes.warning ?? 0} | ${cell(whyOf(r))} |`,
    ),
    "",
  );
  const notes = commonNotes(runs);
  lines.push("## Most common action-needed notes", "");
  if (notes.length)
    lines.push(
      "| note | count | repositories |",
      "| --- | --- | --- |",
      ...notes.map((n) => `| \`${cell(n.id)}\` | ${n.count} | ${cell(n.repositories.join(", "))} |`),
    );
  else lines.push("None.");
  const packages = unknownPackages(runs);
  lines.push("", "## Alpine packages with no known Debian name", "");
  if (packages.length)
    lines.push(
      "| package | repositories |",
      "| --- | --- |",
      ...packages.map((p) => `| \`${cell(p.name)}\` | ${cell(p.repositories.join(", "))} |`),
    );
  else lines.push("None.");
  return lines.join("\n") + "\n";
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
function csv(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The fleet report as CSV: one row per repository. */
export function fleetCsv(runs: RepositoryRun[]): string {
  const header = [
    "repository",
    "outcome",
    "files",
    "files_changed",
    "errors",
    "action_needed",
    "warnings",
    "action_needed_ids",
    "unknown_packages",
    "why",
  ];
  const rows = runs.map((r) => [
    r.name,
    r.outcome,
    r.summary.files,
    r.summary.changed,
    r.summary.errors,
    r.summary.notes["action-needed"] ?? 0,
    r.summary.notes.warning ?? 0,
    commonNotes([r])
      .map((n) => n.id)
      .join(" "),
    unknownPackages([r])
      .map((p) => p.name)
      .join(" "),
    whyOf(r),
  ]);
  return [header, ...rows].map((row) => row.map(csv).join(",")).join("\r\n") + "\r\n";
}

/** `dfmod report`: the documents read, the report on standard output; exit 2 when a file cannot be taken. */
export function runReport(
  options: { files: string[]; format: "markdown" | "csv"; cwd: string },
  io: { stdout(text: string): void; stderr(text: string): void },
): number {
  const runs = readRuns(options.files, options.cwd);
  if (typeof runs === "string") {
    io.stderr(`dfmod report: ${runs}\n`);
    return 2;
  }
  io.stdout(options.format === "csv" ? fleetCsv(runs) : fleetMarkdown(runs));
  return 0;
}
