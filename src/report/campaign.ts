/**
 * What a campaign step needs from a run: a commit message and a pull-request body made from the
 * results (`--commit-message`, `--pr-body`), and the run's outcome in one word (the JSON's
 * `outcome`). The same results give the same bytes: no dates, no versions, files in path order,
 * notes by line, transforms in pipeline order. Nothing changed: both texts are empty.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isComposeName } from "../discover";
import { Dockerfile } from "../engine/dockerfile";
import { decode, readSource } from "../engine/source";
import type { Note, Severity } from "../engine/types";
import { compareCache, contextFiles, rerunCounts, type CacheComparison } from "../explain";
import type { FileResult } from "../process";
import type { Summary } from "./summary";

/** What a script decides on: nothing to commit, a change, a change that leaves work for a human, or an error. */
export type Outcome = "unchanged" | "changed" | "changed-action-needed" | "error";

export function outcomeOf(summary: Summary): Outcome {
  if (summary.errors > 0) return "error";
  if (summary.changed === 0) return "unchanged";
  return summary.notes["action-needed"] > 0 ? "changed-action-needed" : "changed";
}

/** A changed Dockerfile, where it is and the build context it was processed with. */
export interface ComparedFile {
  path: string;
  real: string;
  contextDir: string;
  after: string;
}

/**
 * Each changed Dockerfile's cache behaviour before and after (as `explain --migrate` shows it), by
 * path; read before the files are written. A file that cannot be read or parsed is left out.
 */
export function cacheComparisons(files: ComparedFile[]): Map<string, CacheComparison> {
  const out = new Map<string, CacheComparison>();
  const walked = new Map<string, string[]>();
  for (const f of files) {
    try {
      const decoded = decode(fs.readFileSync(f.real));
      if ("problem" in decoded) continue;
      const own = `${f.real}.dockerignore`;
      const key = `${f.contextDir}\0${fs.existsSync(own) ? own : ""}`;
      const context = walked.get(key) ?? contextFiles(f.contextDir, f.real);
      walked.set(key, context);
      const before = new Dockerfile(readSource(decoded.text).text);
      const after = new Dockerfile(readSource(f.after).text);
      out.set(f.path, compareCache(before, after, context));
    } catch {
      // Not explained: the body says nothing about its cache.
    }
  }
  return out;
}

const SEVERITY_ORDER: Record<Severity, number> = { "action-needed": 0, warning: 1, info: 2 };

type Kind = "Dockerfile" | "compose file" | "companion";

function kindOf(r: FileResult): Kind {
  if (r.companion) return "companion";
  return isComposeName(path.posix.basename(r.path)) ? "compose file" : "Dockerfile";
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The run's files, split: those changed, and those left with something to say (notes beyond info, an error). */
function partition(results: FileResult[]): { changed: FileResult[]; left: FileResult[] } {
  const changed = results.filter((r) => r.changed && !r.error && !r.skipped);
  const left = results.filter(
    (r) => !changed.includes(r) && (r.error !== undefined || r.notes.some((n) => n.severity !== "info")),
  );
  return { changed, left };
}

/** Notes in a stable order: by severity when asked, then line, then pipeline order, then id and message. */
function sorted(notes: Note[], order: string[], bySeverity: boolean): Note[] {
  const rank = (t: string): number => (order.includes(t) ? order.indexOf(t) : order.length);
  return [...notes].sort(
    (a, b) =>
      (bySeverity ? SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] : 0) ||
      a.line - b.line ||
      rank(a.transform) - rank(b.transform) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** The transforms of the changed files, in pipeline order (those the registry does not know last, by name). */
function transformsOf(files: FileResult[], order: string[]): string[] {
  const all = [...new Set(files.flatMap((f) => f.transforms))];
  const rank = (t: string): number => (order.includes(t) ? order.indexOf(t) : order.length);
  return all.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** "migrate 2 Dockerfiles and 1 compose file": what the change is, by the kinds of files changed. */
function what(changed: FileResult[]): string {
  const count = (kind: Kind): number => changed.filter((r) => kindOf(r) === kind).length;
  const parts = [
    count("Dockerfile") ? plural(count("Dockerfile"), "Dockerfile") : "",
    count("compose file") ? plural(count("compose file"), "compose file") : "",
  ].filter(Boolean);
  return parts.length ? `migrate ${parts.join(" and ")}` : `update ${plural(changed.length, "file")}`;
}

/** The subject line: what changed, and the transforms when the line stays within 72 characters. */
export function subjectOf(changed: FileResult[], order: string[]): string {
  const subject = `dfmod: ${what(changed)}`;
  const withTransforms = `${subject} (${transformsOf(changed, order).join(", ")})`;
  return withTransforms.length <= 72 ? withTransforms : subject;
}

/** Words joined into lines of at most `width` characters (a longer word stands alone), the first after `first`, the rest after `rest`. */
function wrap(text: string, first: string, rest: string, width = 72): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else line += (empty ? "" : " ") + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** A file's error as the texts say it: with its line when it has one. */
const errorText = (error: { line?: number; message: string }): string =>
  `error${error.line !== undefined ? ` (line ${error.line})` : ""}: ${error.message}`;

/** One file's block of the commit message: its transforms, then each warning and action-needed note. */
function commitBlock(r: FileResult, order: string[]): string[] {
  const lines = [r.path];
  if (r.error) lines.push(...wrap(errorText(r.error), "  ", "    "));
  if (r.changed && !r.error) lines.push(...wrap(`transforms: ${transformsOf([r], order).join(", ")}`, "  ", "    "));
  for (const n of sorted(
    r.notes.filter((n) => n.severity !== "info"),
    order,
    true,
  ))
    lines.push(...wrap(`${n.severity} ${n.transform} (line ${n.line}): ${n.message}`, "  ", "    "));
  return lines;
}

/** The commit message: a subject, the files changed, then per file its transforms and notes; "" when nothing changed. */
export function commitMessage(results: FileResult[], order: string[]): string {
  const { changed, left } = partition(results);
  if (changed.length === 0) return "";
  const out = [subjectOf(changed, order), "", "Files changed:", ...changed.map((r) => `- ${r.path}`)];
  for (const r of changed) out.push("", ...commitBlock(r, order));
  if (left.length) {
    out.push("", "Left as they were, with notes:");
    for (const r of left) out.push("", ...commitBlock(r, order));
  }
  return out.join("\n") + "\n";
}

/**
 * Markdown text as it was written: outside code spans, the characters Markdown would read as markup
 * (`**` as bold, `<stage>` as a tag, `[x]` as a link) escaped with a backslash; one line.
 */
function md(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_[\]<~]/g, "\\$&").replace(/&(?=#?\w+;)/g, "&amp;")))
    .join("")
    .replace(/\r?\n/g, " ");
}

/** A table cell: Markdown text with `|` escaped (also in code spans: GitHub's tables split on it). */
const cell = (text: string): string => md(text).replace(/\|/g, "\\|");

/** A path in code: backticks inside it made safe by a longer fence. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence.length > 1 ? " " : ""}${text}${fence.length > 1 ? " " : ""}${fence}`;
}

function noteCounts(r: FileResult): string {
  const of = (s: Severity): number => r.notes.filter((n) => n.severity === s).length;
  const parts = [
    of("action-needed") ? `${of("action-needed")} action-needed` : "",
    of("warning") ? plural(of("warning"), "warning") : "",
    of("info") ? `${of("info")} info` : "",
  ];
  return parts.filter(Boolean).join(", ") || "none";
}

/** The table of files changed: transforms and the notes' counts. */
function filesTable(changed: FileResult[], order: string[]): string[] {
  return [
    "| file | transforms | notes |",
    "| --- | --- | --- |",
    ...changed.map(
      (r) => `| ${cell(code(r.path))} | ${cell(transformsOf([r], order).join(", ") || "dfmod")} | ${noteCounts(r)} |`,
    ),
  ];
}

/** The action-needed notes of every file, as a checklist. */
function checklist(results: FileResult[], order: string[]): string[] {
  const items = results.flatMap((r) =>
    sorted(
      r.notes.filter((n) => n.severity === "action-needed"),
      order,
      false,
    ).map((n) => `- [ ] ${code(r.path)} line ${n.line} (${n.transform}): ${md(n.message)}`),
  );
  return items.length ? ["### Action needed", "", ...items, ""] : [];
}

/** The info and warning notes of the changed files, grouped by transform (pipeline order), each by file and line. */
function whatAndWhy(changed: FileResult[], order: string[]): string[] {
  const out: string[] = [];
  for (const t of transformsOf(
    changed.map((r) => ({ ...r, transforms: r.notes.map((n) => n.transform) })),
    order,
  )) {
    const items = changed.flatMap((r) =>
      sorted(
        r.notes.filter((n) => n.transform === t && n.severity !== "action-needed"),
        order,
        false,
      ).map(
        (n) => `- ${code(r.path)} line ${n.line}: ${n.severity === "warning" ? "**warning:** " : ""}${md(n.message)}`,
      ),
    );
    if (items.length) out.push(`#### ${t}`, "", ...items, "");
  }
  return out.length ? ["### What changed and why", "", ...out] : [];
}

/** explain's before / after per changed Dockerfile: what a typical code change re-runs. */
function cacheTable(changed: FileResult[], comparisons: Map<string, CacheComparison>): string[] {
  const rows = changed.flatMap((r) => {
    const c = comparisons.get(r.path);
    if (!c) return [];
    const change = c.changed.length ? code(c.changed[0]!) : "(no code copy)";
    return [`| ${cell(code(r.path))} | ${cell(change)} | ${rerunCounts(c.before)} | ${rerunCounts(c.after)} |`];
  });
  if (!rows.length) return [];
  return [
    "### Build cache: what a code change re-runs",
    "",
    "As `dfmod explain --migrate` shows it: the steps a change to the file named re-runs, before and after.",
    "",
    "| Dockerfile | a change to | before | after |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ];
}

/**
 * The files left as they were that have something to say: an error, or notes beyond info. Their
 * warnings are listed under them (their action-needed notes are in the checklist).
 */
function leftAlone(left: FileResult[], order: string[]): string[] {
  if (!left.length) return [];
  const lines = ["### Left as they were", ""];
  for (const r of left) {
    const why = r.error
      ? errorText(r.error)
      : noteCounts({ ...r, notes: r.notes.filter((n) => n.severity !== "info") });
    lines.push(`- ${code(r.path)}: ${md(why)}`);
    const warnings = sorted(
      r.notes.filter((n) => n.severity === "warning"),
      order,
      false,
    );
    for (const n of warnings) lines.push(`  - line ${n.line} (${n.transform}): **warning:** ${md(n.message)}`);
  }
  return [...lines, ""];
}

/** The most characters GitHub takes in a pull request's body. */
export const PR_BODY_LIMIT = 65536;

/** A part of the PR body, in the order it is shown; `cut`: the order parts are shortened in when the body is too long. */
interface Part {
  lines: string[];
  /** Lines that stay however short the part gets (its heading). */
  head: number;
  cut: number;
}

/**
 * The pull-request body in Markdown; "" when nothing changed. Longer than `limit` characters (a
 * monorepo's many files): the parts are shortened from their ends, the least needed first (files
 * left alone, the build cache, what changed and why, the files table; the action-needed checklist
 * last), each with a line that says how many lines it left out.
 */
export function prBody(
  results: FileResult[],
  order: string[],
  comparisons: Map<string, CacheComparison>,
  limit = PR_BODY_LIMIT,
): string {
  const { changed, left } = partition(results);
  if (changed.length === 0) return "";
  const parts: Part[] = [
    { lines: [`## ${md(subjectOf(changed, order))}`, ""], head: 2, cut: 6 },
    { lines: [...filesTable(changed, order), ""], head: 2, cut: 4 },
    { lines: checklist([...changed, ...left], order), head: 2, cut: 5 },
    { lines: whatAndWhy(changed, order), head: 2, cut: 3 },
    { lines: cacheTable(changed, comparisons), head: 6, cut: 2 },
    { lines: leftAlone(left, order), head: 2, cut: 1 },
  ];
  return fitted(parts, limit);
}

function joined(parts: Part[]): string {
  return (
    parts
      .flatMap((p) => p.lines)
      .join("\n")
      .replace(/\n+$/, "") + "\n"
  );
}

/** The parts' text, shortened to `limit` characters as prBody says. */
function fitted(parts: Part[], limit: number): string {
  let text = joined(parts);
  for (const part of [...parts].sort((a, b) => a.cut - b.cut)) {
    if (text.length <= limit) break;
    const all = part.lines.length;
    // Room for the line that says what was left out.
    let over = text.length - limit + 200;
    while (part.lines.length > part.head && over > 0) over -= part.lines.pop()!.length + 1;
    const dropped = all - part.lines.length;
    if (dropped > 0)
      part.lines.push(
        "",
        `_${plural(dropped, "more line")} left out here: GitHub takes at most ${limit.toLocaleString("en-US")} characters in a pull request's body (\`dfmod --check\` lists everything)._`,
        "",
      );
    text = joined(parts);
  }
  // Still too long (a heading alone cannot be): cut at a line.
  return text.length <= limit ? text : text.slice(0, text.lastIndexOf("\n", limit - 1) + 1);
}
