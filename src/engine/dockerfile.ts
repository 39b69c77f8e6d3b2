/**
 * The Dockerfile model transforms work on. The scanner (./scan.ts) finds the instructions (with the
 * escape directive, heredocs and comments) as BuildKit and dockerfile-ast do; this module builds, for each instruction, the logical line
 * the way Docker does (continuations joined, comment and blank lines inside a continuation
 * dropped) with a map from every logical offset back to the file, so that an edit made in logical
 * terms changes exactly the bytes it means to.
 */
import { scan } from "./scan";
import { afterLineBreak, lineEnd } from "./source";
import { parseShell, ShellScript } from "./shell";
import { keyValueProblem } from "./keyvalue";

/** Text for a message: control characters as \u escapes, long text cut. */
export function printable(text: string, max = 40): string {
  const escaped = text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

export class DockerfileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** An escape (backslash, backtick) that runs on into the end of a text, past comment and blank lines only. */
const DANGLING = ["\\\\", "`"].map((e) => new RegExp(`[ \\t]*${e}[ \\t]*((?:\\r?\\n[ \\t]*(?:#[^\\r\\n]*)?)*)$`));

const KEYWORDS = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

/** A piece of the logical line: `length` characters at logical offset `logical` come from file offset `file`. */
export interface Segment {
  logical: number;
  file: number;
  length: number;
}

/** A whitespace-separated word of an instruction's logical line. */
export interface Word {
  text: string;
  start: number;
  end: number;
}

export interface Flag {
  name: string;
  value: string | undefined;
  start: number;
  end: number;
}

export class Instruction {
  /** Upper-case keyword; `keywordText` is as written. */
  readonly keyword: string;
  flags: Flag[] = [];
  /** Logical offset where the arguments (after the flags) start. */
  argsStart = 0;
  stage: Stage | undefined;
  /** Facts computed from this instruction, kept for as long as this parse lives (see `memo`). */
  memo: Map<string, unknown> | undefined = undefined;
  private shellCache: ShellScript | null | undefined;
  private jsonCache: string[] | null | undefined;

  constructor(
    readonly file: Dockerfile,
    readonly index: number,
    readonly keywordText: string,
    /** File offset of the keyword. */
    readonly start: number,
    /** File offset just after the instruction's last character (before its line break). */
    readonly end: number,
    /** 1-based line of the keyword, and of the instruction's last line. */
    readonly line: number,
    readonly endLine: number,
    readonly logical: string,
    readonly segments: Segment[],
    readonly heredoc: boolean,
  ) {
    this.keyword = keywordText.toUpperCase();
    this.parseFlags();
  }

  private parseFlags(): void {
    let i = this.keywordText.length;
    const text = this.logical;
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (!text.startsWith("--", i)) break;
      const start = i;
      while (i < text.length && !/\s/.test(text[i]!)) i++;
      const token = text.slice(start + 2, i);
      const eq = token.indexOf("=");
      this.flags.push({
        name: eq === -1 ? token : token.slice(0, eq),
        value: eq === -1 ? undefined : token.slice(eq + 1),
        start,
        end: i,
      });
    }
    this.argsStart = i;
  }

  /** The arguments after the flags, as written on the logical line. */
  get args(): string {
    return this.logical.slice(this.argsStart).trimEnd();
  }

  flag(name: string): Flag | undefined {
    return this.flags.find((f) => f.name === name);
  }

  /**
   * True for the JSON (exec) form: `CMD ["a", "b"]`. Arguments that start with `[` and are not a
   * JSON array of strings (`RUN [[ -f x ]] || ...`) are the shell form, as Docker reads them.
   */
  get isJson(): boolean {
    return this.jsonArgs() !== undefined;
  }

  /** The JSON form's strings, or undefined when the arguments are not a JSON array of strings. */
  jsonArgs(): string[] | undefined {
    if (this.jsonCache === undefined) this.jsonCache = (this.args.startsWith("[") && jsonStrings(this.args)) || null;
    return this.jsonCache ?? undefined;
  }

  /** Whitespace-separated words of the arguments (the shell form), with logical offsets. */
  words(): Word[] {
    const out: Word[] = [];
    const re = /\S+/g;
    const text = this.logical;
    re.lastIndex = this.argsStart;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
    }
    return out;
  }

  /** The arguments as words: the JSON form's strings, or the shell form's whitespace-separated words. */
  argWords(): string[] {
    return this.jsonArgs() ?? this.words().map((w) => w.text);
  }

  /** COPY / ADD: what is copied (all words but the last). */
  copySources(): string[] {
    return this.argWords().slice(0, -1);
  }

  /** COPY / ADD: where to (the last word). */
  copyDestination(): string {
    const words = this.argWords();
    return words[words.length - 1] ?? ".";
  }

  /** The shell view of a shell-form RUN (undefined for exec form and heredocs). */
  shell(): ShellScript | undefined {
    if (this.shellCache === undefined) {
      this.shellCache =
        this.keyword === "RUN" && !this.heredoc && !this.isJson && this.args.length > 0
          ? parseShell(this.logical.slice(this.argsStart), this.argsStart)
          : null;
    }
    return this.shellCache ?? undefined;
  }

  /** File offset of a logical offset. An offset at the end of a segment maps to the end of that segment. */
  fileOffset(logical: number): number {
    let last: Segment | undefined;
    for (const s of this.segments) {
      if (logical < s.logical) break;
      last = s;
      if (logical <= s.logical + s.length) return s.file + (logical - s.logical);
    }
    if (!last) return this.start;
    return last.file + last.length;
  }

  /**
   * The file ranges covering logical [start, end). Consecutive pieces are merged over the escaped
   * line breaks between them, unless a comment line stands there (it is kept).
   */
  fileRanges(start: number, end: number): { start: number; end: number }[] {
    const ranges: { start: number; end: number }[] = [];
    for (const s of this.segments) {
      const a = Math.max(start, s.logical);
      const b = Math.min(end, s.logical + s.length);
      if (a > b || (a === b && start !== end)) continue;
      const range = { start: s.file + (a - s.logical), end: s.file + (b - s.logical) };
      const prev = ranges[ranges.length - 1];
      if (prev && !/^[ \t]*#/m.test(this.file.text.slice(prev.end, range.start))) {
        prev.end = range.end;
        continue;
      }
      if (prev && a === s.logical) {
        // A piece that starts a continuation line after a kept comment keeps the line's indentation.
        while (range.start < range.end && /[ \t]/.test(this.file.text[range.start]!)) range.start++;
      }
      ranges.push(range);
      if (start === end) break;
    }
    return ranges;
  }

  /** File offset of the start of the comment lines directly above this instruction (or of its own line). */
  get blockStart(): number {
    return this.file.blockStart(this);
  }

  /**
   * The instruction's line(s) with its comments, as written, without the final line break, ready to
   * be put elsewhere: an escape that ran on into the end of the file (where it did nothing) goes, as
   * it would join whatever follows the text in its new place.
   */
  get blockText(): string {
    return this.file.withoutDanglingEscape(this.file.text.slice(this.blockStart, this.end));
  }

  /** The whitespace before the keyword on its line. */
  get indent(): string {
    const lineStart = this.file.lineStart(this.line);
    return this.file.text.slice(lineStart, this.start);
  }
}

/** A JSON array of strings (an exec form's arguments), or undefined for anything else. */
export function jsonStrings(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  } catch {
    return undefined;
  }
  return undefined;
}

/** HEALTHCHECK's CMD word (undefined for HEALTHCHECK NONE). */
export const healthcheckCmd = (instruction: Instruction): Word | undefined =>
  instruction.words().find((w) => w.text.toUpperCase() === "CMD");

/**
 * What a CMD, ENTRYPOINT or HEALTHCHECK runs, on its logical line: the text after the keyword (and
 * HEALTHCHECK's options and CMD), and its strings when that text is an exec form's JSON array.
 * Undefined for HEALTHCHECK NONE.
 */
export function containerCommand(instruction: Instruction): { text: string; json?: string[] } | undefined {
  const cmd = instruction.keyword === "HEALTHCHECK" ? healthcheckCmd(instruction) : undefined;
  if (instruction.keyword === "HEALTHCHECK" && !cmd) return undefined;
  const text = instruction.logical.slice(cmd?.end ?? instruction.argsStart).trim();
  // Not a JSON array (`[[ -f x ]] || exit 1`): the shell form, as Docker reads it.
  return { text, json: text.startsWith("[") ? jsonStrings(text) : undefined };
}

/** COPY . <dest> / ADD . <dest> from the build context: the code copy. */
export function isWholeContextCopy(instruction: Instruction): boolean {
  if (
    (instruction.keyword !== "COPY" && instruction.keyword !== "ADD") ||
    instruction.heredoc ||
    instruction.flag("from")
  ) {
    return false;
  }
  const sources = instruction.copySources();
  return sources.length === 1 && (sources[0] === "." || sources[0] === "./");
}

export interface Stage {
  index: number;
  /** `AS name`, as written. */
  name: string | undefined;
  from: Instruction;
  /** The image reference as written (`python:3.12-slim`, `${BASE}`, `builder`). */
  image: string;
  instructions: Instruction[];
  /** Facts computed from this stage, kept for as long as this parse lives (see `memo`). */
  memo?: Map<string, unknown>;
}

/**
 * A fact about a parse (a Dockerfile, a stage, an instruction), computed once and kept on it: a
 * re-parse starts afresh, and the facts go with the parse. (A field, not a WeakMap: the garbage
 * collector pays for every WeakMap entry, and there is one per instruction.)
 */
export function memo<T>(owner: { memo?: Map<string, unknown> | undefined }, key: string, compute: () => T): T {
  owner.memo ??= new Map();
  if (owner.memo.has(key)) return owner.memo.get(key) as T;
  const value = compute();
  owner.memo.set(key, value);
  return value;
}

/** The escape character and blanks that end a line that goes on (`\\` or, with `# escape=\``, a backtick). */
const BACKSLASH_CONTINUATION = /\\[ \t]*$/;
const BACKTICK_CONTINUATION = /`[ \t]*$/;

export class Dockerfile {
  readonly instructions: Instruction[] = [];
  /** Facts computed from this parse (see `memo`). */
  memo: Map<string, unknown> | undefined = undefined;
  readonly stages: Stage[] = [];
  readonly escape: string;
  private readonly starts: number[];
  private readonly directiveLines: Set<number>;
  private readonly commentLines: Set<number>;

  private readonly directives: Map<string, string>;

  /** A parser directive's value (`syntax`, `escape`, `check`; lower case), or undefined. */
  directive(name: string): string | undefined {
    return this.directives.get(name);
  }

  constructor(readonly text: string) {
    const scanned = scan(text);
    this.starts = scanned.starts;
    if (scanned.problem) throw new DockerfileError(scanned.problem.line, scanned.problem.message);
    this.escape = scanned.escape;
    this.directiveLines = scanned.directiveLines;
    this.directives = scanned.directives;
    this.commentLines = scanned.commentLines;
    let stage: Stage | undefined;
    for (const found of scanned.instructions) {
      const { start, end, keywordText, heredoc } = found;
      const { logical, segments } = this.logicalLine(start, end, heredoc);
      const instruction = new Instruction(
        this,
        this.instructions.length,
        keywordText,
        start,
        end,
        found.line,
        found.endLine,
        logical,
        segments,
        heredoc,
      );
      if (!KEYWORDS.has(instruction.keyword)) {
        throw new DockerfileError(instruction.line, `unknown instruction: ${printable(keywordText)}`);
      }
      // (Only a pair followed by a word without `=` can be a problem: most lines are not read twice.)
      if (
        (instruction.keyword === "ENV" || instruction.keyword === "LABEL") &&
        /^\S*=/.test(instruction.args) &&
        /(?:^|\s)(?:[^\s=]+|=\S*)(?:\s|$)/.test(instruction.args)
      ) {
        const problem = keyValueProblem(instruction.args);
        if (problem) throw new DockerfileError(instruction.line, `${keywordText}: ${problem}`);
      }
      if (instruction.keyword === "FROM") {
        const words = instruction.words().map((w) => w.text);
        stage = {
          index: this.stages.length,
          name: words.length >= 3 && words[1]!.toUpperCase() === "AS" ? words[2] : undefined,
          from: instruction,
          image: words[0] ?? "",
          instructions: [],
          memo: undefined,
        };
        if (!words[0]) throw new DockerfileError(instruction.line, "FROM needs an image");
        this.stages.push(stage);
      } else if (!stage && instruction.keyword !== "ARG") {
        throw new DockerfileError(instruction.line, `${keywordText} before the first FROM (only ARG may come first)`);
      }
      instruction.stage = stage;
      stage?.instructions.push(instruction);
      this.instructions.push(instruction);
    }
    if (this.instructions.length > 0 && this.stages.length === 0) {
      throw new DockerfileError(this.instructions[0]!.line, "no FROM instruction");
    }
  }

  /**
   * `text` without an escape that runs on into its very end (past comment and blank lines only):
   * the comment lines stay, the blank lines at the end go.
   */
  withoutDanglingEscape(text: string): string {
    if (!text.includes(this.escape)) return text;
    return text.replace(DANGLING[this.escape === "`" ? 1 : 0]!, (_all, rest: string) =>
      rest.replace(/(?:\r?\n[ \t]*)+$/, ""),
    );
  }

  /** File offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /** 1-based line of a file offset (the end of a file that ends with a line break is on its last line). */
  lineOf(offset: number): number {
    if (
      offset >= this.text.length &&
      this.starts.length > 1 &&
      this.starts[this.starts.length - 1] === this.text.length
    ) {
      return this.starts.length - 1;
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private logicalLine(start: number, end: number, heredoc: boolean): { logical: string; segments: Segment[] } {
    const text = this.text;
    const segments: Segment[] = [];
    let logical = "";
    let pos = start;
    let first = true;
    const continuation = this.escape === "\\" ? BACKSLASH_CONTINUATION : BACKTICK_CONTINUATION;
    while (pos < text.length && pos <= end) {
      const le = lineEnd(text, pos);
      const content = text.slice(pos, le);
      if (!first && (content.trim() === "" || /^\s*#/.test(content))) {
        pos = afterLineBreak(text, pos);
        continue;
      }
      first = false;
      const m = heredoc ? null : continuation.exec(content);
      const piece = m ? content.slice(0, m.index) : content;
      segments.push({ logical: logical.length, file: pos, length: piece.length });
      logical += piece;
      if (!m || heredoc) break;
      pos = afterLineBreak(text, pos);
      if (pos === le) break;
    }
    return { logical, segments };
  }

  /** Start of the comment lines directly above an instruction (no blank line between), or of its line. */
  blockStart(instruction: Instruction): number {
    const previousEnd = instruction.index > 0 ? this.instructions[instruction.index - 1]!.endLine : 0;
    let line = instruction.line;
    while (line - 1 > previousEnd && this.commentLines.has(line - 1) && !this.directiveLines.has(line - 1)) line--;
    return this.lineStart(line);
  }

  /**
   * For `FROM ${BASE}`: the global ARG (before the first FROM) that gives BASE its default, with the
   * default's logical range in that ARG; undefined when the image is not one variable or has no
   * default that can be seen.
   */
  baseImageArg(stage: Stage): { arg: Instruction; value: string; start: number; end: number } | undefined {
    const variable = /^\$\{?(\w+)\}?$/.exec(stage.image);
    if (!variable) return undefined;
    const firstFrom = this.stages[0]?.from.index ?? 0;
    const arg = this.instructions
      .slice(0, firstFrom)
      .reverse()
      .find((i) => i.keyword === "ARG" && new RegExp(`^${variable[1]}(=|$)`).test(i.args));
    const m = arg && new RegExp(`^(${variable[1]}=)("?)([^"\\s]*)\\2`).exec(arg.args);
    if (!arg || !m || !m[3]) return undefined;
    const start = arg.argsStart + m[1]!.length + m[2]!.length;
    return { arg, value: m[3], start, end: start + m[3].length };
  }

  /** The stage's base image as written, or the default of the global ARG it names. */
  baseImage(stage: Stage): string {
    return this.baseImageArg(stage)?.value ?? stage.image;
  }

  /** The stage of this file that `stage` is built FROM (`FROM builder`), if it is one. */
  parentStage(stage: Stage): Stage | undefined {
    const name = stage.image.toLowerCase();
    for (let i = stage.index - 1; i >= 0; i--) if (this.stages[i]!.name?.toLowerCase() === name) return this.stages[i];
    return undefined;
  }

  /** The stage a name or index refers to (`COPY --from=builder`, `FROM builder`). */
  stageByName(name: string): Stage | undefined {
    const lower = name.toLowerCase();
    return (
      this.stages.find((s) => s.name?.toLowerCase() === lower) ??
      (/^\d+$/.test(name) ? this.stages[Number(name)] : undefined)
    );
  }
}
