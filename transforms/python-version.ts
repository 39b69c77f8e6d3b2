/**
 * `--python 3.X` (option `python`): the Python minor that every Python base image moves to.
 * alpine-to-trixie moves Alpine Python images, debian-to-trixie the Debian ones; both leave a file
 * whose Python would go down a version, and both bring the pins that name the old minor along
 * (uv's `--python`, `ARG PYTHON_VERSION=` defaults) once the stage runs the new one.
 */
import { isWholeContextCopy, type Dockerfile, type Instruction, type Stage } from "../src/engine/dockerfile";
import type { BuildContext } from "../src/engine/context";
import type { Edit } from "../src/engine/edits";
import type { MessageSchema, NoteInput, OptionSchema } from "../src/engine/types";
import { baseStage } from "../src/engine/stage";
import { parseImage, PYTHON_PATCHES } from "./alpine-to-trixie/images";
import { replaceRange } from "../src/engine/fixer";
import { allowsVersion } from "./pep440";

/** Python minors (3.N) with an official python:3.N-slim-trixie image. */
export const TRIXIE_MINORS = [9, 10, 11, 12, 13, 14];

/** What is wrong with a value of --python, or undefined when it names a minor with a trixie image. */
export function pythonProblem(value: string): string | undefined {
  const m = /^3\.(\d+)$/.exec(value);
  if (!m) return "takes a Python minor version, 3.N (e.g. 3.13)";
  if (!TRIXIE_MINORS.includes(Number(m[1])))
    return `there is no official python:${value}-slim-trixie image (those with one: ${TRIXIE_MINORS.map((n) => `3.${n}`).join(", ")})`;
  return undefined;
}

export const pythonOption: OptionSchema = {
  key: "python",
  flag: "python",
  type: "string",
  default: undefined,
  description:
    "move every Python base image to this minor (3.N, with an official trixie image); also runs debian-to-trixie",
  check: pythonProblem,
};

/** The minor --python asks for (13 for "3.13"), undefined when not given; an invalid value is an error. */
export function targetMinor(options: { python?: unknown }): number | undefined {
  const value = options.python;
  if (value === undefined || value === "") return undefined;
  const problem = typeof value === "string" ? pythonProblem(value) : "must be a string";
  if (problem) throw new Error(`option python ${String(value)}: ${problem}`);
  return Number((value as string).slice(2));
}

/** The notes about --python, in both transforms' catalogues. */
export const pythonMessages: Record<string, MessageSchema> = {
  "python-upgraded": {
    severity: "warning",
    description:
      "--python moved the image to a newer Python. The note names what to test: the test suite on the new image, the dependencies (locked for the old version, they may need a new lock and have no wheel yet) and the standard-library modules the versions in between removed.",
  },
  "python-downgrade-refused": {
    severity: "action-needed",
    description:
      "The file has a Python newer than --python asks for (an image, an ARG PYTHON_VERSION default or uv's --python): dfmod does not move Python down a version, so the file was left as it was. Give the version it has, or a newer one.",
  },
  "python-target-refused": {
    severity: "action-needed",
    description:
      "--python asks for a minor the project cannot run on as it is: the requires-python of its pyproject.toml (or python_requires) excludes it, the .python-version the image copies names another minor (uv sync would look for that Python and find none), or the file names a path of the old minor (/usr/local/lib/python3.10/site-packages). The file was left as it was. Change that, then run dfmod again.",
  },
  "python-2-left": {
    severity: "action-needed",
    description:
      "A Python 2 image: --python does not move Python 2 to Python 3 (the code must be ported first), so the stage was left as it is.",
  },
  "python-pin-updated": {
    severity: "info",
    description:
      "A pin of the old Python minor in a stage that now runs the new one (uv's --python, a `uv python install`, an ARG PYTHON_VERSION default) now names the new minor.",
  },
  "python-floating": {
    severity: "info",
    description:
      "The image's tag names no Python minor (`python:3-alpine`, `python:slim`): it follows the newest Python, so --python left its version as it is.",
  },
};

/** Standard-library removals (and the like) of each minor: what to test when a move crosses it. */
const REMOVED: Record<number, string> = {
  10: "3.10 removed the collections ABC aliases (collections.Mapping...), parser, symbol and formatter",
  11: "3.11 removed binhex and asyncio.coroutine",
  12: "3.12 removed distutils, imp, asynchat, asyncore and smtpd",
  13: "3.13 removed cgi, cgitb, imghdr, telnetlib, crypt, pipes, audioop and the other PEP 594 modules, and lib2to3",
  14: "3.14 removed ast.Num / ast.Str and the other old ast node classes, and starts multiprocessing workers with forkserver instead of fork",
};

/** The note for a move from 3.from to 3.to: what to test. */
export function upgradeNote(
  image: string,
  from: number,
  to: number,
): { id: string; severity: "warning"; message: string } {
  const removed = Object.entries(REMOVED)
    .filter(([minor]) => Number(minor) > from && Number(minor) <= to)
    .map(([, what]) => what);
  return {
    id: "python-upgraded",
    severity: "warning",
    message: `${image}: Python 3.${from} -> 3.${to}. Test: run the test suite on the new image; lock the dependencies again for 3.${to} (uv lock --python 3.${to}) and check each has a cp3${to} wheel or builds; ${removed.join("; ")}`,
  };
}

/** `3.12`, `3.12.4`, `python3.12` -> 12; undefined for anything else (2.7 included). */
export function minorOf(version: string): number | undefined {
  const m = /^(?:python|cpython@?)?3\.(\d+)(?:\.\d+)*$/.exec(version);
  return m ? Number(m[1]) : undefined;
}

/** The version the context's .python-version names (`3.12`, `3.12.3`, `cpython-3.12.3`) as numbers, if a CPython 3 one. */
export function pinnedVersion(context: BuildContext | undefined): number[] | undefined {
  const pinned = context?.read(".python-version");
  const text = pinned && /^\s*(?:cpython-|cpython@)?(3\.\d+(?:\.\d+)?)(?:\s|$)/m.exec(pinned)?.[1];
  return text ? text.split(".").map(Number) : undefined;
}

/** The Python version of a python:* image's tag, as far as it says (`3.12` -> [3, 12], `3.12.3-slim` -> [3, 12, 3]). */
export function imageVersion(file: Dockerfile, image: string): number[] | undefined {
  const ref = parseImage(image);
  if (ref.name !== "python" || ref.tag === undefined) return undefined;
  const version = ref.tag.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArg(file, name)?.value ?? "?");
  const m = /^(3\.\d+(?:\.\d+)?)(?:-|$)/.exec(version);
  return m ? m[1]!.split(".").map(Number) : undefined;
}

/** Python's official images put setuptools and wheel into their Python up to 3.11 (3.12's have neither). */
export const shipsSetuptools = (version: number[] | undefined): version is number[] =>
  version !== undefined && version[0] === 3 && version[1]! <= 11;

/** The Python version of the image a stage is built on (through the stages it is built on), as far as its tag says. */
export function stagePython(file: Dockerfile, stage: Stage): number[] | undefined {
  return imageVersion(file, file.baseImage(baseStage(file, stage)));
}

/**
 * Whether the image's Python is the one a .python-version asks for: the same minor, and the same
 * patch when the pin names one (a floating tag such as 3.12 does not say which patch it has, and uv
 * takes 3.12.3 to mean that patch and no other).
 */
export function pinSatisfied(pin: number[], image: number[] | undefined): boolean {
  return image !== undefined && pin.every((n, k) => image[k] === n);
}

/** The minor the context's .python-version names (`3.11`, `cpython-3.11.4`), if it names a CPython 3 minor. */
export function pinnedMinor(context: BuildContext | undefined): number | undefined {
  return pinnedVersion(context)?.[1];
}

/** The first COPY or ADD among `instructions` that brings the context's .python-version (by name, or with the whole context). */
export function pythonVersionCopy(instructions: Instruction[]): Instruction | undefined {
  return instructions.find(
    (i) =>
      (i.keyword === "COPY" || i.keyword === "ADD") &&
      !i.flag("from") &&
      (isWholeContextCopy(i) || i.copySources().some((s) => /(?:^|\/)\.python-version$/.test(s))),
  );
}

/** The default of a global ARG (before the first FROM). */
export function globalArg(file: Dockerfile, name: string): { arg: Instruction; value: string } | undefined {
  const first = file.stages[0]?.from;
  for (const instruction of file.instructions) {
    if (instruction === first) break;
    if (instruction.keyword !== "ARG") continue;
    for (const w of instruction.words()) {
      const m = new RegExp(`^${name}=["']?([^"']*)["']?$`).exec(w.text);
      if (m) return { arg: instruction, value: m[1]! };
    }
  }
  return undefined;
}

/** The Python minor of a python:* image reference (`${PYTHON_VERSION}` from its global ARG); undefined: none known. */
export function imageMinor(file: Dockerfile, image: string): number | undefined {
  return imageVersion(file, image)?.[1];
}

/** Whether a requires-python allows an image's Python: the version its tag pins, or its minor's newest patch. */
export function allowsImage(spec: string, image: number[]): boolean {
  return image.length >= 3 ? allowsVersion(spec, image, "allows") : allowsMinor(spec, image[1]!);
}

/** Whether a requires-python allows 3.minor (its newest patch); a refusal rests on a clause dfmod read. */
export function allowsMinor(spec: string, minor: number): boolean {
  return allowsVersion(spec, [3, minor, PYTHON_PATCHES[`3.${minor}`] ?? 0], "allows");
}

/** A pin of a Python minor: its instruction, the range of the version in the logical line, the minor. */
interface Pin {
  instruction: Instruction;
  start: number;
  end: number;
  minor: number;
  what: string;
}

/** uv's `--python 3.8` / `-p 3.8` / `--python=3.8` and `uv python install 3.8` in a RUN. */
function uvPins(instruction: Instruction): Pin[] {
  const pins: Pin[] = [];
  for (const command of instruction.shell()?.commands ?? []) {
    const words = command.words;
    if (!/(?:^|\/)uvx?$/.test(words[0]?.text ?? "")) continue;
    const install = words[1]?.text === "python" && words[2]?.text === "install";
    words.forEach((w, i) => {
      const text = w.text === w.raw ? (w.text ?? "") : "";
      const eq = /^--python=/.exec(text);
      const after = ["--python", "-p"].includes(words[i - 1]?.text ?? "") || (install && i > 2);
      const version = eq ? text.slice(eq[0].length) : after ? text : undefined;
      const minor = version === undefined ? undefined : minorOf(version);
      if (minor === undefined) return;
      const start = w.start + (eq ? eq[0].length : 0);
      pins.push({
        instruction,
        start,
        end: w.end,
        minor,
        what: `uv ${eq ? "--python=" : install ? "python install " : `${words[i - 1]!.text} `}${version}`,
      });
    });
  }
  return pins;
}

/** `ARG PYTHON_VERSION=3.8` (quoted or not). */
function argPins(instruction: Instruction): Pin[] {
  const pins: Pin[] = [];
  for (const w of instruction.words()) {
    const m = /^(PYTHON_VERSION=["']?)(3\.\d+(?:\.\d+)*)["']?$/.exec(w.text);
    const minor = m ? minorOf(m[2]!) : undefined;
    if (!m || minor === undefined) continue;
    const start = w.start + m[1]!.length;
    pins.push({ instruction, start, end: start + m[2]!.length, minor, what: `ARG PYTHON_VERSION=${m[2]}` });
  }
  return pins;
}

/** Every pin of a Python minor in the file: global ARGs, and those of each stage. */
function pins(file: Dockerfile): { pin: Pin; stage: Stage | undefined }[] {
  const out: { pin: Pin; stage: Stage | undefined }[] = [];
  for (const instruction of file.instructions) {
    const found =
      instruction.keyword === "ARG" ? argPins(instruction) : instruction.keyword === "RUN" ? uvPins(instruction) : [];
    for (const pin of found) out.push({ pin, stage: instruction.stage });
  }
  return out;
}

/** The first thing in the file that has a newer Python than 3.target: an image or a pin. */
function newerPython(file: Dockerfile, target: number): { line: number; what: string; image?: string } | undefined {
  for (const stage of file.stages) {
    const image = file.baseImage(stage);
    const minor = imageMinor(file, image);
    if (minor !== undefined && minor > target) return { line: stage.from.line, what: image, image };
  }
  const pin = pins(file).find((p) => p.pin.minor > target);
  return pin && { line: pin.pin.instruction.line, what: pin.pin.what };
}

function downgradeNote(found: { line: number; what: string }, target: number): NoteInput {
  return {
    id: "python-downgrade-refused",
    severity: "action-needed",
    line: found.line,
    message: `${found.what} is newer than --python 3.${target}: dfmod does not move Python down a version; file left as it was`,
  };
}

/** A stage that runs python:3.target on trixie (its own image or its base stage's). */
function onTarget(file: Dockerfile, stage: Stage, target: number): boolean {
  const image = file.baseImage(baseStage(file, stage));
  const tag = parseImage(image).tag ?? "";
  if (!/trixie$/.test(tag)) return false;
  // python:${PYTHON_VERSION}-slim-trixie runs what the ARG says: the ARG is what moves.
  return imageMinor(file, image) === target || /^\$\{?PYTHON_VERSION\b/.test(tag);
}

/**
 * The pins of an older minor in stages that run python:3.target on trixie (and the global ARG
 * PYTHON_VERSION, when one such stage exists) move to 3.target.
 */
export function pinEdits(file: Dockerfile, target: number): { edits: Edit[]; notes: NoteInput[] } {
  const edits: Edit[] = [];
  const notes: NoteInput[] = [];
  const anyOnTarget = file.stages.some((s) => onTarget(file, s, target));
  for (const { pin, stage } of pins(file)) {
    if (pin.minor >= target || !(stage ? onTarget(file, stage, target) : anyOnTarget)) continue;
    edits.push(...replaceRange(pin.instruction, pin.start, pin.end, `3.${target}`));
    const line = pin.instruction.line;
    notes.push({
      id: "python-pin-updated",
      severity: "info",
      line,
      message: `${pin.what} -> 3.${target}: the Python the image now has`,
    });
    // The ARG picks the image's Python: moving it is the upgrade.
    if (!stage && pin.what.startsWith("ARG ")) notes.push({ ...upgradeNote(pin.what, pin.minor, target), line });
  }
  return { edits, notes };
}

/** Whether the file has a stage on an Alpine python:* image (alpine-to-trixie's domain). */
function alpinePython(file: Dockerfile): boolean {
  return file.stages.some((s) => {
    const ref = parseImage(file.baseImage(s));
    return ref.name === "python" && /alpine/.test(ref.tag ?? "");
  });
}

/**
 * What keeps a file from moving to 3.target: the context's requires-python (pyproject.toml, or
 * python_requires) excludes it, a .python-version the image copies names another minor, or the file
 * names a path or command of another minor (`/usr/local/lib/python3.10/site-packages`, `python3.10`).
 */
function targetConflict(
  file: Dockerfile,
  context: BuildContext | undefined,
  target: number,
): { line: number; what: string } | undefined {
  const firstLine = file.stages[0]?.from.line ?? 1;
  const required = context && requiresPython(context);
  if (required && !allowsMinor(required.spec, target))
    return { line: firstLine, what: `${required.file} requires Python ${required.spec}, which 3.${target} is not` };
  const minor = pinnedMinor(context);
  if (minor !== undefined && minor !== target) {
    const copy = pythonVersionCopy(file.instructions);
    if (copy)
      return {
        line: copy.line,
        what: `the image copies .python-version, which names 3.${minor} (uv sync would look for that Python)`,
      };
  }
  for (const i of file.instructions) {
    if (i.keyword === "FROM" || i.keyword === "ARG") continue;
    const text = file.text.slice(i.start, i.end).replace(/--from=\S+/g, "");
    for (const m of text.matchAll(/python3\.(\d+)(?![\d])/g)) {
      if (Number(m[1]) !== target) return { line: i.line, what: `${i.keyword} names ${m[0]}` };
    }
  }
  return undefined;
}

/**
 * --python and a file that must stay as it was: one with a newer Python (dfmod does not move Python
 * down), or one whose project cannot run on the minor asked for (targetConflict). undefined when the
 * file can move; else the note, from alpine-to-trixie when the file has an Alpine Python image and
 * from debian-to-trixie otherwise (the other transform returns no note, and no edits either).
 */
export function pythonRefusal(
  file: Dockerfile,
  context: BuildContext | undefined,
  target: number,
  from: "alpine-to-trixie" | "debian-to-trixie",
): NoteInput[] | undefined {
  const newer = newerPython(file, target);
  const conflict = newer ? undefined : targetConflict(file, context, target);
  if (!newer && !conflict) return undefined;
  if (alpinePython(file) !== (from === "alpine-to-trixie")) return [];
  return [newer ? downgradeNote(newer, target) : conflictNote(conflict!, target)];
}

function conflictNote(found: { line: number; what: string }, target: number): NoteInput {
  return {
    id: "python-target-refused",
    severity: "action-needed",
    line: found.line,
    message: `--python 3.${target}: ${found.what}; file left as it was`,
  };
}

/** The project's requires-python, from pyproject.toml (or setup.cfg / setup.py's python_requires). */
function requiresPython(context: BuildContext): { file: string; spec: string } | undefined {
  const pyproject = context.read("pyproject.toml");
  const m = pyproject && /^\s*requires-python\s*=\s*["']([^"']+)["']/m.exec(pyproject);
  if (m) return { file: "pyproject.toml", spec: m[1]! };
  for (const file of ["setup.cfg", "setup.py"]) {
    const text = context.read(file);
    const r = text && /python_requires\s*=\s*["']?([^"'\n]+)/.exec(text);
    if (r) return { file, spec: r[1]!.trim() };
  }
  return undefined;
}
