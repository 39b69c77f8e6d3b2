/**
 * debian-to-trixie (opt-in): Debian bookworm / bullseye base images -> their trixie tags, and the
 * apt package names of those stages -> trixie's (renames.tsv). A stage that installs a package
 * trixie does not have, pins a package version or names its old release is left as it was, FROM
 * included, with an action-needed note. With --python, every python:* image moves to that minor.
 */
import type { Dockerfile, Instruction, Stage } from "../../src/engine/dockerfile";
import type { Edit } from "../../src/engine/edits";
import type { ShellCommand } from "../../src/engine/shell";
import { copySourceStage, stagesBuiltOn } from "../../src/engine/stage";
import type { NoteInput } from "../../src/engine/types";
import type { Context, Transform } from "../options";
import { imageMinor, pinEdits, pythonRefusal, targetMinor } from "../python-version";
import { tagFromArgs } from "../tag-args";
import { migrateDebianImage } from "./images";
import { meta } from "./meta";
import { topCommands } from "../failures";
import { renames } from "./renames";
import { trixiePackages } from "../alpine-to-trixie/packages";
import { replaceRange } from "../../src/engine/fixer";
import { parseShell } from "../../src/engine/shell";
import { scriptsRun } from "../alpine-to-trixie/scripts";

interface Out {
  edits: Edit[];
  notes: NoteInput[];
}

export const debianToTrixie: Transform = {
  id: "debian-to-trixie",
  summary: "Debian bookworm / bullseye images -> trixie, apt package names -> trixie's (t64 renames and the like)",
  meta,
  apply(ctx: Context) {
    const file = ctx.dockerfile;
    const target = targetMinor(ctx.options);
    // Python never goes down a version, nor to one the project cannot run on: the file stays as it
    // was (alpine-to-trixie says so for Alpine files).
    const refused = target === undefined ? undefined : pythonRefusal(file, ctx.context, target, "debian-to-trixie");
    if (refused) return { edits: [], notes: refused };
    const out: Out = { edits: [], notes: [] };
    const editedArgs = new Set<Instruction>();
    for (const family of families(file)) moveFamily(ctx, family, editedArgs, out);
    if (target !== undefined) {
      const pins = pinEdits(file, target);
      out.edits.push(...pins.edits);
      out.notes.push(...pins.notes);
    }
    return out;
  },
};

/** What moving one stage (and those built on it) takes: edits and notes, or why it cannot move. */
interface Plan {
  stage: Stage;
  out: Out;
  /** Notes that keep the stage (and its family) as it was. */
  blockers: NoteInput[];
  /** The new image: an edit of the FROM, or of the default of the global ARG it names (once for all its stages). */
  image: Edit[];
  arg?: Instruction;
}

/** One stage's plan; undefined when its image is not one to move. */
function planStage(ctx: Context, stage: Stage): Plan | undefined {
  const file = ctx.dockerfile;
  const fromArg = file.baseImageArg(stage);
  if (/^\$\{?\w+\}?$/.test(stage.image) && !fromArg) return undefined;
  const image = fromArg?.value ?? stage.image;
  const target = targetMinor(ctx.options);
  const python = target === undefined ? undefined : { target, minor: imageMinor(file, image) };
  const migration = migrateDebianImage(image, python);
  if (migration.kind === "none" || (migration.kind === "migrate" && migration.image === image)) return undefined;
  const plan: Plan = { stage, out: { edits: [], notes: [] }, blockers: [], image: [], arg: fromArg?.arg };
  if (migration.kind === "leave") {
    plan.blockers.push({ id: migration.id, line: stage.from.line, message: migration.message });
    return plan;
  }
  if (target === undefined) {
    const check = tagFromArgs(file, image, migration.image, (literal) => migrateDebianImage(literal, undefined));
    const note = check && { id: check.note.id, line: stage.from.line, message: check.note.message };
    if (check?.kind === "leave") {
      plan.blockers.push(note!);
      return plan;
    }
    if (note) plan.out.notes.push(note);
  }
  const line = fromArg ? fromArg.arg.line : stage.from.line;
  const word = stage.from.words()[0]!;
  plan.image = fromArg
    ? replaceRange(fromArg.arg, fromArg.start, fromArg.end, migration.image)
    : replaceRange(stage.from, word.start, word.end, migration.image);
  plan.out.notes.push({ id: "image-migrated", line, message: `${image} -> ${migration.image}: Debian 13 (trixie)` });
  plan.out.notes.push(...migration.notes.map((n) => ({ ...n, line })));
  const packages = { ...plan.out, blockers: plan.blockers, addsSource: addsAptSource(file, stage) };
  for (const s of [stage, ...stagesBuiltOn(file, stage)]) {
    for (const instruction of s.instructions) if (instruction.keyword === "RUN") aptRun(instruction, packages);
    plan.blockers.push(...scriptApt(ctx, s, packages.addsSource), ...sourcesList(ctx, s));
  }
  const minor = imageMinor(file, image);
  plan.blockers.push(...aptPythonPath(file, stage, image, minor, python?.target ?? minor));
  return plan;
}

/** The Python minor each old release's apt python3 packages are built for. */
const RELEASE_PYTHON: Record<string, number> = { bookworm: 11, bullseye: 9 };
/** trixie's: its python3-* packages' compiled modules import only in Python 3.13. */
const TRIXIE_PYTHON_MINOR = 13;
const DIST_PACKAGES = /\/usr\/lib\/python3(?:\.\d+)?\/dist-packages/;

/**
 * A python:3.N image on the release whose apt python3 is 3.N, whose stage puts apt's python3-*
 * packages on the image's Python path (`ENV PYTHONPATH=/usr/lib/python3/dist-packages`, a .pth
 * file, a link): the compiled modules of trixie's python3-gdal and the like are built for 3.13, so
 * on any other minor they stop importing. The stage stays as it was.
 */
function aptPythonPath(
  file: Dockerfile,
  stage: Stage,
  image: string,
  minor: number | undefined,
  newMinor: number | undefined,
): NoteInput[] {
  const release = /\b(bookworm|bullseye)\b/.exec(image.replace(/^.*:/, ""))?.[1];
  if (!release || !/^(?:[\w.-]+(?::\d+)?\/)?(?:library\/)?python:/.test(image)) return [];
  if (minor !== RELEASE_PYTHON[release] || newMinor === TRIXIE_PYTHON_MINOR) return [];
  const family = [stage, ...stagesBuiltOn(file, stage)];
  const onPath = family
    .flatMap((s) => s.instructions)
    .find((i) => i.keyword !== "FROM" && DIST_PACKAGES.test(file.text.slice(i.start, i.end)));
  if (!onPath) return [];
  const apt = family
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === "RUN")
    .flatMap((i) => (i.shell()?.commands ?? []).flatMap(packageWords))
    .map((w) => w.text ?? "")
    .filter((name) => /^python3-(?!(?:pip|venv|dev|minimal|distutils|setuptools|wheel)$)/.test(name));
  if (apt.length === 0) return [];
  const packages = [...new Set(apt)].join(" ");
  return [
    {
      id: "apt-python-path",
      line: onPath.line,
      message: `this ${onPath.keyword} puts apt's Python packages (${packages}) on the path of the image's Python 3.${minor}: ${release}'s are built for 3.${minor}, trixie's for 3.${TRIXIE_PYTHON_MINOR}, so their compiled modules would not import. Stage left as it was; move to Python 3.${TRIXIE_PYTHON_MINOR} (-t debian-to-trixie --python 3.${TRIXIE_PYTHON_MINOR}) or install them with pip, then run dfmod again`,
    },
  ];
}

/**
 * The build context's scripts the stage runs that run apt: dfmod does not change them, so a
 * package name trixie does not have (or calls otherwise), a pinned version or an old release
 * named there keeps the stage as it was.
 */
function scriptApt(ctx: Context, stage: Stage, addsSource: boolean): NoteInput[] {
  const out: NoteInput[] = [];
  for (const { file, text, instruction } of scriptsRun(stage, ctx.context)) {
    const apt = /\bapt(?:-get)?\b/.test(text);
    if (!apt && !text.includes(SOURCES_LIST)) continue;
    const why: string[] = [];
    const script = parseShell(text);
    // A reader that runs for sure: in the script's top-level list, not behind a test of the file
    // (`[ -f /etc/apt/sources.list ] && sed ...`), not a fallback (`... || sed ...`) nor followed by
    // one; inside `if`, loops and subshells, dfmod does not follow the outcome (as in a RUN).
    const reader = script.items
      .filter((item, k) => {
        const words = item.command?.words.map((w) => w.text) ?? [];
        if (!readsSourcesList(words) || item.op === "||" || script.items[k + 1]?.op === "||") return false;
        const before = script.items[k - 1]?.command?.words[0]?.text;
        return !(item.op === "&&" && (before === "[" || before === "test"));
      })
      .map((item) => item.command!)[0];
    if (reader)
      why.push(
        `it runs ${reader.words[0]!.text} on ${SOURCES_LIST}, which trixie's images do not have (their sources are /etc/apt/sources.list.d/debian.sources)`,
      );
    if (!apt && !reader) continue;
    const release = /\b(bookworm|bullseye|buster)\b/.exec(text);
    if (release) why.push(`it names ${release[1]}`);
    if (script.hasError) why.push("dfmod cannot read all of it");
    for (const command of script.commands) {
      for (const word of packageWords(command)) {
        const name = word.text;
        if (name === undefined || /^\$/.test(word.raw)) continue;
        const base = name.replace(/[:=/].*$/, "");
        const rename = renames().get(base);
        if (/[=/]/.test(name)) why.push(`${name} is a pinned version`);
        else if (rename)
          why.push(`${base} is ${rename.kind === "removed" ? "not in trixie" : `${rename.to.join(" ")} in trixie`}`);
        else if (!trixiePackages().has(base) && !addsSource) why.push(`${base} is not a trixie package`);
      }
    }
    if (why.length > 0)
      out.push({
        id: "script-apt",
        line: instruction.line,
        message: `${file}, which this ${instruction.keyword} runs, ${script.commands.some((c) => /^(?:\S*\/)?apt(?:-get)?$/.test(c.words[0]?.text ?? "")) ? "runs apt" : "changes apt's configuration"}: ${[...new Set(why)].join("; ")}. dfmod does not change scripts: stage left as it was; change the script for trixie, then run dfmod again`,
      });
  }
  return out;
}

/**
 * The stages of a family move together or not at all: what is built on trixie may not run on
 * bookworm, and a virtual environment copied between stages needs the same Python.
 */
function moveFamily(ctx: Context, family: Stage[], editedArgs: Set<Instruction>, out: Out): void {
  const plans = family.flatMap((s) => (ctx.dockerfile.parentStage(s) ? [] : (planStage(ctx, s) ?? [])));
  const blocked = plans.filter((p) => p.blockers.length > 0);
  if (blocked.length > 0) {
    for (const p of plans) out.notes.push(...p.blockers);
    const first = blocked[0]!.stage.from.line;
    for (const p of plans.filter((x) => x.blockers.length === 0))
      out.notes.push({
        id: "stage-left",
        line: p.stage.from.line,
        message: `left as it was with the stage at line ${first}, which it moves with (files are copied between them, one is built on the other, or their images come from one ARG): what is built on trixie may not run on the old release, nor a virtual environment on another Python`,
      });
    return;
  }
  for (const p of plans) {
    // The note of the image goes with its edit: once for a global ARG that several stages take.
    const [imageNote, ...notes] = p.out.notes;
    if (!p.arg || !editedArgs.has(p.arg)) out.edits.push(...p.image);
    if (!p.arg || !editedArgs.has(p.arg)) out.notes.push(imageNote!);
    if (p.arg) editedArgs.add(p.arg);
    out.edits.push(...p.out.edits);
    out.notes.push(...notes);
  }
}

/** apt-get / apt options whose value is the next word. */
const VALUE_OPTIONS = new Set(["-t", "--target-release", "--default-release", "-o", "--option", "-c", "--config-file"]);

/** The package words of an apt-get / apt install, remove or purge (none for other commands). */
function packageWords(command: ShellCommand): ShellCommand["words"] {
  const name = (command.words[0]?.text ?? "").replace(/^.*\//, "");
  if (name !== "apt-get" && name !== "apt") return [];
  const verb = command.words.findIndex((w, i) => i > 0 && w.text !== undefined && !w.text.startsWith("-"));
  if (!["install", "remove", "purge"].includes(command.words[verb]?.text ?? "")) return [];
  const out: ShellCommand["words"] = [];
  for (let i = verb + 1; i < command.words.length; i++) {
    const text = command.words[i]!.text;
    if (text !== undefined && VALUE_OPTIONS.has(text)) i++;
    else if (text === undefined || !text.startsWith("-")) out.push(command.words[i]!);
  }
  return out;
}

/** The stage (or one built on it) adds an apt repository: packages may come from it, not from trixie. */
function addsAptSource(file: Dockerfile, stage: Stage): boolean {
  return [stage, ...stagesBuiltOn(file, stage)].some((s) =>
    s.instructions.some((i) =>
      /sources\.list|\/etc\/apt\/|apt-key|signed-by|add-apt-repository|extrepo/.test(file.text.slice(i.start, i.end)),
    ),
  );
}

/** The tools that read a file they are given (and cp / mv a source): `sed -i ... /etc/apt/sources.list`. */
const READERS = new Set(["sed", "cat", "grep", "egrep", "awk", "perl", "head", "tail", "cp", "mv", "sort", "tr"]);
const SOURCES_LIST = "/etc/apt/sources.list";

/** A command that reads or edits /etc/apt/sources.list (cp and mv read their sources, not their last word). */
function readsSourcesList(words: (string | undefined)[]): boolean {
  const name = words[0]?.replace(/^.*\//, "") ?? "";
  const at = words.lastIndexOf(SOURCES_LIST);
  if (at < 1 || !READERS.has(name)) return false;
  return !((name === "cp" || name === "mv") && at === words.length - 1);
}

/**
 * What a stage does with /etc/apt/sources.list that trixie's images break: they have none (since
 * bookworm, the sources are /etc/apt/sources.list.d/debian.sources), so a RUN that edits or reads it
 * (`sed -i 's/deb.debian.org/mirror/' /etc/apt/sources.list`) fails; and a context file copied there
 * names the old release's suites, or may.
 */
function sourcesList(ctx: Context, stage: Stage): NoteInput[] {
  const out: NoteInput[] = [];
  for (const instruction of stage.instructions) {
    if ((instruction.keyword === "COPY" || instruction.keyword === "ADD") && !instruction.flag("from")) {
      const into = instruction.copyDestination() ?? "";
      const sources = instruction.copySources();
      const intoFolder = /^\/etc\/apt\/?$/.test(into) && sources.some((f) => /(?:^|\/)sources\.list$/.test(f));
      if (into !== SOURCES_LIST && !intoFolder) continue;
      const texts = sources.map((f) => ctx.context?.read(f));
      if (texts.every((t) => t !== undefined && !/\b(?:bookworm|bullseye|buster)\b/.test(t))) continue;
      out.push({
        id: "stage-left",
        line: instruction.line,
        message: `this ${instruction.keyword} puts a file of the build context at ${SOURCES_LIST}, whose suites are the old release's (or dfmod cannot read it): stage left as it was; write it for trixie (or as /etc/apt/sources.list.d/debian.sources), then run dfmod again`,
      });
    }
  }
  // A reader of it that fails the build: `[ -f ... ] && sed ... || true`, the else branch of an
  // `if`, a fallback after `||` are guarded, and left alone.
  const seen = new Set<Instruction>();
  for (const { instruction, command, handled } of topCommands(stage)) {
    const words = command.words.map((w) => w.text);
    if (handled || seen.has(instruction) || !readsSourcesList(words)) continue;
    const name = words[0]!.replace(/^.*\//, "");
    seen.add(instruction);
    out.push({
      id: "stage-left",
      line: instruction.line,
      message: `this RUN runs ${name} on ${SOURCES_LIST}, which trixie's images do not have (their sources are /etc/apt/sources.list.d/debian.sources): stage left as it was; change it for debian.sources, then run dfmod again`,
    });
  }
  return out;
}

/** One RUN: its apt package names renamed (edits, notes), or why the stage must stay (blockers). */
function aptRun(instruction: Instruction, out: Out & { blockers: NoteInput[]; addsSource: boolean }): void {
  const line = instruction.line;
  const stay = (message: string): void => void out.blockers.push({ id: "stage-left", line, message });
  // A heredoc's body is not in its logical line: the instruction's text is.
  const text = instruction.file.text.slice(instruction.start, instruction.end);
  // By codename, or by number in a repository's path (packages.microsoft.com/config/debian/12/prod.list).
  const release = /\b(bookworm|bullseye|buster)\b/.exec(text) ?? /\b(debian[/ _-]?(?:10|11|12))(?![\d.])/i.exec(text);
  if (release)
    stay(
      `this RUN names ${release[1]} (apt sources, a backports suite or a release option): stage left as it was; change it for trixie by hand`,
    );
  if (instruction.heredoc && /\bapt(?:-get)?\b/.test(text))
    stay("a heredoc RUN that runs apt: dfmod does not read heredoc bodies, so the stage was left as it was");
  const renamed: string[] = [];
  for (const command of instruction.shell()?.commands ?? []) {
    for (const word of packageWords(command)) {
      const name = word.text;
      if (name === undefined || word.raw !== name) continue;
      const base = name.replace(/[:=/].*$/, "");
      const rename = renames().get(base);
      if (/[=/]/.test(name))
        stay(`${name}: a pinned version (or release) of a package does not carry over to trixie; stage left as it was`);
      if (!rename) {
        // Not renamed, and not a trixie package: a name trixie dropped, or one from a repository the stage adds.
        if (!/[=/]/.test(name) && !trixiePackages().has(base) && !out.addsSource)
          out.blockers.push({
            id: "package-not-in-trixie",
            line,
            message: `${base} is not a trixie package, and dfmod knows no trixie name for it: stage left as it was; find what takes its place in trixie, then run dfmod again`,
          });
        continue;
      }
      if (rename.kind === "removed") {
        out.blockers.push({
          id: "package-removed",
          line,
          message: `${base} is not in trixie, and nothing takes its place: ${rename.note}. Stage left as it was`,
        });
        continue;
      }
      out.edits.push(...replaceRange(instruction, word.start, word.start + base.length, rename.to.join(" ")));
      const change = `${base} -> ${rename.to.join(" ")}`;
      if (rename.kind === "replaced")
        out.notes.push({ id: "package-replaced", line, message: `${change}: ${rename.note}` });
      else renamed.push(`${change} (${rename.note})`);
    }
  }
  if (renamed.length > 0)
    out.notes.push({ id: "package-renamed", line, message: `trixie's names: ${renamed.join(", ")}` });
}

/** Stages joined by FROM (a stage built on another), COPY --from and a global ARG their images come from. */
function families(file: Dockerfile): Stage[][] {
  const root = new Map<Stage, Stage>(file.stages.map((s) => [s, s]));
  const find = (s: Stage): Stage => (root.get(s) === s ? s : find(root.get(s)!));
  const join = (a: Stage, b: Stage): void => {
    const [x, y] = [find(a), find(b)];
    if (x !== y) root.set(x.index > y.index ? x : y, x.index > y.index ? y : x);
  };
  const byArg = new Map<Instruction, Stage>();
  for (const stage of file.stages) {
    const parent = file.parentStage(stage);
    if (parent) join(stage, parent);
    const arg = file.baseImageArg(stage)?.arg;
    if (arg) join(stage, byArg.get(arg) ?? stage);
    if (arg && !byArg.has(arg)) byArg.set(arg, stage);
    for (const copy of stage.instructions) {
      const source = copySourceStage(file, copy);
      if (source) join(stage, source);
    }
  }
  const groups = new Map<Stage, Stage[]>();
  for (const stage of file.stages) groups.set(find(stage), [...(groups.get(find(stage)) ?? []), stage]);
  return [...groups.values()];
}
