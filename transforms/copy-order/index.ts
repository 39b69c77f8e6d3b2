/**
 * copy-order: dependency manifests and the dependency install come before the code copy, so a
 * code change no longer re-runs the install. The code copy comes last, and a `chown -R` that only
 * fixes the ownership of the copied code becomes `COPY --chown`.
 */
import { isTable, toml } from "../toml";
import * as path from "node:path";
import type { Edit } from "../../src/engine/edits";
import { isWholeContextCopy, type Instruction, type Stage } from "../../src/engine/dockerfile";
import type { ShellCommand, ShellScript } from "../../src/engine/shell";
import type { BuildContext } from "../../src/engine/context";
import { leftOutBy } from "../../src/engine/ignore-file";
import type { NoteInput } from "../../src/engine/types";
import type { Context, Transform } from "../options";
import { globSource } from "../../src/explain/dockerignore";
import { dependencyInstall, isCacheCleanup, packageName, resolvePath } from "../../src/engine/commands";
import { stageFacts, type DependencyInstall, type StageFacts } from "../../src/engine/facts";
import {
  changePerStage,
  copyChownSpec,
  envPairs,
  installTarget,
  ownerExists,
  recursiveChown,
  stageStates,
  StageState,
  USER_COMMANDS,
} from "../../src/engine/stage";
import { meta } from "./meta";
import { editChain, insertAfter, insertBefore, removeInstruction, replaceRange } from "../../src/engine/fixer";

export const copyOrder: Transform = {
  id: "copy-order",
  summary: "copy the dependency manifests and install before the code copy; code copy last, with --chown",
  meta,
  apply: (ctx) => changePerStage(ctx, orderStage),
};

type Family = "uv-sync" | "poetry" | "pip";

/** A dependency install found in a RUN, as copy-order moves it. */
interface Install {
  family: Family;
  install: DependencyInstall;
  /** For installs that also install the project: the deps-only form of the command. */
  depsOnly: string | undefined;
}

/** One stage with a whole-context code copy: what it is, and what reordering it produces. */
interface Work {
  ctx: Context;
  stage: Stage;
  facts: StageFacts;
  states: Map<Instruction, StageState>;
  /** The code copy. */
  copy: Instruction;
  edits: Edit[];
  notes: NoteInput[];
}

/** The first dependency install after the code copy. */
interface Found {
  run: Instruction;
  script: ShellScript;
  install: Install;
  /** Its place in the RUN's top-level list, -1 inside a compound command. */
  item: number;
}

/** How the install's RUN splits around the code copy. */
interface Split {
  /** The RUN's top-level items from `prefix` on stay after the code copy. */
  prefix: number;
}

function findInstall(install: DependencyInstall | undefined): Install | "needs-code" | undefined {
  if (!install) return undefined;
  if (install.tool === "uv-sync" || install.tool === "poetry") {
    const flag = install.tool === "uv-sync" ? "--no-install-project" : "--no-root";
    return { family: install.tool, install, depsOnly: install.project ? `${install.line.written} ${flag}` : undefined };
  }
  if (install.requirements.length === 0 && install.paths.length === 0) return undefined;
  // The project itself (`.`) needs the code; other local folders can be copied ahead of it.
  if (install.dynamic || install.paths.some((p) => isProjectRoot(p))) return "needs-code";
  return { family: "pip", install, depsOnly: undefined };
}

/** Commands that never read the build context's code, so they may run before the code copy. */
function isIndependent(facts: StageFacts, command: ShellCommand): boolean {
  const fact = facts.at(command)!;
  const { line, install } = fact;
  const name = line.name;
  if (name === undefined) return false;
  if (fact.venvCreated !== undefined || fact.venvActivated !== undefined) return true;
  if (install && (install.tool === "pip" || install.tool === "uv-pip"))
    return (
      !install.dynamic &&
      install.requirements.length === 0 &&
      install.editables.length === 0 &&
      install.packages.every((p) => packageName(p) !== undefined)
    );
  if (name === "rm") return isCacheCleanup(command);
  if ((name === "poetry" || isPipName(name)) && line.word(1) === "config") return true;
  return ["apt-get", "apt-mark", "apk", "set", "true", "mkdir", "useradd", "groupadd", "adduser", "addgroup"].includes(
    name,
  );
}

/** Every top-level item of the script is a command independent of the code. */
function allIndependent(facts: StageFacts, script: ShellScript): boolean {
  return plainChain(script) && script.items.every((it) => isIndependent(facts, it.command!));
}

function isProjectRoot(p: string): boolean {
  return /^(?:file:)?\.\/?(?:\[[^\]]*\])?$/.test(p);
}

/**
 * A requirement line that names a local folder: `./libs/x`, `.[extra]`, `-e ./libs/x`, `file:libs/x`,
 * `-f wheels`, `name @ file:///app/libs/x`, `--index-url file:///app/simple`.
 */
function localPath(line: string): string | undefined {
  // A package index or links page on disk: `--index-url file:///app/simple`, `-f ./wheels`.
  const index = /^(?:-i|--index-url|--extra-index-url|-f|--find-links)(?:\s+|=)(\S+)$/.exec(line);
  if (index && /^file:/i.test(index[1]!)) return localSource(index[1]!);
  const direct = /^[A-Za-z0-9][\w.-]*(?:\[[^\]]*\])?\s*@\s*file:(?:\/\/(?:localhost)?)?(\/?[^\s;]+)/.exec(line);
  if (direct) return direct[1];
  const m = /^(?:(?:-e|--editable|-f|--find-links)(?:\s+|=))?(?:file:)?(\S+)$/.exec(line);
  const p = m?.[1];
  if (!p || p.includes("://") || p.startsWith("-")) return undefined;
  if (/^(?:\.{1,2}(?:[/[]|$)|\/)/.test(p) || (p.includes("/") && !/[=<>~!;@]/.test(p)))
    return p.replace(/\[[^\]]*\]$/, "");
  if (/^(?:-e|--editable|-f|--find-links)\b/.test(line)) return p;
  return undefined;
}

function isPipName(name: string): boolean {
  return /^(?:.*\/)?pip3?$/.test(name);
}

function plainChain(script: ShellScript): boolean {
  return (
    !script.hasError &&
    script.items.every((item, i) => item.command && (i === 0 || item.op === "&&" || item.op === ";"))
  );
}

function orderStage(ctx: Context, stage: Stage, edits: Edit[], notes: NoteInput[]): void {
  const list = stage.instructions;
  const ci = list.findIndex(isWholeContextCopy);
  if (ci === -1) return;
  const copy = list[ci]!;
  const work: Work = { ctx, stage, facts: stageFacts(stage), states: stageStates(stage), copy, edits, notes };
  const found = installAfterCopy(work);
  if (!found || alreadyOrdered(work, found.install.family)) return chownToCopy(work);
  const leave = (line: number, why: string): void => {
    notes.push({ id: "order-left", severity: "info", line, message: `layer order left as it is: ${why}` });
  };
  const split = splitPoint(work, found);
  if ("why" in split) return leave(split.line, split.why);
  // The manifests, as context-relative paths.
  const { run, install } = found;
  const dest = resolvePath(work.states.get(copy)!.workdir, copy.copyDestination());
  const localIndex = localIndexEnv(stage, run, install, dest, work.states.get(run)!.workdir);
  if (localIndex) return leave(run.line, localIndex);
  const manifests = resolveManifests(install, work.states.get(run)!, dest, ctx.context, ctx.file);
  if (typeof manifests === "string") return leave(run.line, manifests);
  if (manifests.length === 0) return leave(run.line, "none of the files the install needs is in the build context");
  moveCodeCopy(work, found, split.prefix, manifests);
  notes.push({
    id: "manifests-first",
    severity: "info",
    line: copy.line,
    message: `${manifests.map((m) => m.path).join(", ")} copied before the install, the code after it: a code change no longer re-runs the install`,
  });
}

/** The first dependency install after the code copy; undefined when there is none, or one needs the code. */
function installAfterCopy(work: Work): Found | undefined {
  const list = work.stage.instructions;
  for (let i = list.indexOf(work.copy) + 1; i < list.length; i++) {
    for (const fact of work.facts.of(list[i]!)) {
      const install = findInstall(fact.install);
      if (install === "needs-code" && fact.install?.dynamic)
        work.notes.push({
          id: "order-left",
          severity: "info",
          line: fact.instruction.line,
          message:
            "layer order left as it is: the install names what it installs with a variable, so dfmod cannot tell which files to copy before it",
        });
      if (install === "needs-code") return undefined;
      if (install) return { run: fact.instruction, script: fact.script, install, item: fact.item ?? -1 };
    }
  }
  return undefined;
}

/** Already ordered: the same kind of install runs before the code copy. */
function alreadyOrdered(work: Work, family: Family): boolean {
  const before = work.stage.instructions.slice(0, work.stage.instructions.indexOf(work.copy));
  return before.some((i) =>
    work.facts.of(i).some((c) => {
      const x = findInstall(c.install);
      return typeof x === "object" && x.family === family;
    }),
  );
}

/**
 * Where the install's RUN splits (the items before `prefix` move before the code copy), or why the
 * order stays: what lies between the code copy and the install, or around the install in its RUN,
 * may need the code.
 */
function splitPoint(work: Work, found: Found): Split | { line: number; why: string } {
  const { copy, facts } = work;
  const list = work.stage.instructions;
  const { run, script, install, item } = found;
  for (const between of list.slice(list.indexOf(copy) + 1, run.index - list[0]!.index)) {
    const why = betweenProblem(facts, between);
    if (why) return { line: between.line, why };
  }
  if (!plainChain(script) || item === -1)
    return { line: run.line, why: "the install is part of a compound shell command" };
  const items = script.items;
  let prefix = item + 1;
  if (!install.depsOnly) {
    while (prefix < items.length && isIndependent(facts, items[prefix]!.command!)) prefix++;
  }
  if (prefix < items.length && items[prefix]!.op !== "&&") {
    return {
      line: run.line,
      why: "the install is joined to what follows by `;`: splitting the RUN would make its failure fail the build",
    };
  }
  for (let i = 0; i < item; i++) {
    if (!isIndependent(facts, items[i]!.command!))
      return {
        line: run.line,
        why: `\`${facts.at(items[i]!.command!)!.line.written}\` before the install may need the code`,
      };
  }
  return { prefix };
}

/** Why an instruction between the code copy and the install keeps them in their order, if it does. */
function betweenProblem(facts: StageFacts, between: Instruction): string | undefined {
  if (between.keyword === "WORKDIR") return "a WORKDIR between the code copy and the install";
  if (between.keyword === "COPY" || between.keyword === "ADD")
    return "another COPY/ADD between the code copy and the install (moving the code copy would change which file wins)";
  if (between.keyword === "RUN") {
    const s = between.shell();
    if (!s || !allIndependent(facts, s)) return "this RUN between the code copy and the install may need the code";
  }
  if (between.keyword === "ONBUILD") return "ONBUILD between the code copy and the install";
  return undefined;
}

/** The COPY lines of the manifests, in the code copy's spelling, with its flags and destination. */
function manifestCopyLines(copy: Instruction, manifests: Manifest[]): string[] {
  const destWord = copy.copyDestination();
  const destDir = destWord === "." ? "./" : destWord.endsWith("/") ? destWord : destWord + "/";
  const byDir = new Map<string, string[]>();
  for (const m of manifests.filter((x) => !x.directory)) {
    const dir = path.posix.dirname(m.path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), m.path]);
  }
  const keyword = copy.keywordText === copy.keywordText.toLowerCase() ? "copy" : "COPY";
  const copyFlags = copy.flags.map((f) => copy.logical.slice(f.start, f.end) + " ").join("");
  const lines = [...byDir].map(
    ([dir, files]) => `${keyword} ${copyFlags}${files.join(" ")} ${dir === "." ? destDir : destDir + dir + "/"}`,
  );
  // A folder gets a COPY of its own (several sources would merge their contents into one folder).
  for (const m of manifests.filter((x) => x.directory)) {
    lines.push(`${keyword} ${copyFlags}${m.path} ${destDir}${m.path}`);
  }
  return lines;
}

/**
 * The manifests copy takes the code copy's place; the install (or its dependency part) comes next;
 * the code copy follows it.
 */
function moveCodeCopy(work: Work, found: Found, prefix: number, manifests: Manifest[]): void {
  const { ctx, stage, copy, edits, notes } = work;
  const { run, script, install, item } = found;
  const items = script.items;
  const manifestLines = manifestCopyLines(copy, manifests);
  edits.push({ start: copy.blockStart, end: copy.end, text: manifestLines.map((l) => copy.indent + l).join("\n") });
  const split = install.depsOnly !== undefined || prefix < items.length;
  // The first item of the install's RUN that stays after the code copy.
  const keep = install.depsOnly ? item : split ? prefix : 0;
  // Unsplit: the code copy lands after the install and the RUNs after it that do not need the code.
  const anchor = split ? run : landing(work, run);
  const chownRun = split ? run : nextFileStep(stage, anchor);
  let chown = findChown(work, chownRun, keep, anchor);
  // Split, the install fills its environment after the code copy: a chown folded into the copy would no
  // longer reach it.
  if (split && chown && chown.environments.length > 0) chown = undefined;
  const codeBlock = codeBlockText(copy, chown, notes);
  if (!split) {
    edits.push(insertAfter(anchor, [...environmentChowns(chown), separated(copy, codeBlock)], ""));
    if (chown) edits.push(...chownEdits(copy, chown));
    return;
  }
  // A new RUN with the dependency part goes before the install's RUN; the code copy between them.
  const text = ctx.dockerfile.text;
  const flags = run.logical.slice(run.keywordText.length, run.argsStart);
  const head = keep > 0 ? text.slice(run.fileOffset(items[0]!.start), run.fileOffset(items[keep - 1]!.end)) : "";
  const depsRun = `${run.keywordText}${flags}${head}${install.depsOnly ? (head ? " && " : "") + install.depsOnly : ""}`;
  edits.push(insertBefore(run, [depsRun], run.indent));
  edits.push(insertBefore(run, [codeBlock], ""));
  const removeSet = new Set<number>([...Array(keep).keys()]);
  const replace = new Map<number, string>(chown ? [[keep, folderChown(chown.spec, chown.dir)]] : []);
  if (removeSet.size > 0 || replace.size > 0) edits.push(...editChain(run, script, removeSet, replace)!);
}

/** What is left of `chown -R SPEC DIR` once COPY --chown owns the copied files: the folder itself. */
const folderChown = (spec: string, dir: string): string => `chown ${spec} ${dir}`;

/** The code copy's block (comments and instruction), with `--chown=SPEC` when a chown folds into it. */
function codeBlockText(copy: Instruction, chown: Chown | undefined, notes: NoteInput[]): string {
  const block = copy.blockText;
  if (!chown) return block;
  note(notes, chown, copy);
  const at = copy.start - copy.blockStart + copy.keywordText.length;
  return block.slice(0, at) + ` --chown=${copyChownSpec(chown.spec)}` + block.slice(at);
}

/** A moved block keeps the blank line that stood above it. */
function separated(copy: Instruction, block: string): string {
  const text = copy.file.text;
  const before = text.slice(Math.max(0, copy.blockStart - 4), copy.blockStart);
  return /(?:\r?\n|^)\r?\n$/.test(before) && copy.blockStart > 0 ? "\n" + block : block;
}

/** The instruction after `anchor` in its stage. */
function next(stage: Stage, anchor: Instruction): Instruction | undefined {
  return stage.instructions[stage.instructions.indexOf(anchor) + 1];
}

/** Instructions that set image config only: they touch no file, so a chown after them still follows the copy. */
const CONFIG_ONLY = new Set(["ENV", "ARG", "LABEL", "EXPOSE", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT"]);

/** The first instruction after `anchor` that may touch files (config-only instructions are passed). */
function nextFileStep(stage: Stage, anchor: Instruction): Instruction | undefined {
  let x = next(stage, anchor);
  while (x && CONFIG_ONLY.has(x.keyword)) x = next(stage, x);
  return x;
}

/** `anchor`, or the last of the RUNs right after it that never read the code (user creation, apt-get...). */
function landing(work: Work, anchor: Instruction): Instruction {
  const { stage, facts } = work;
  let at = anchor;
  for (let x = next(stage, at); x && x.keyword === "RUN"; x = next(stage, x)) {
    const s = x.shell();
    if (!s || !allIndependent(facts, s)) break;
    if (facts.of(x)[0]?.line.name === "chown") break;
    at = x;
  }
  return at;
}

/** chown -> COPY --chown for a code copy that needs no reordering (it moves down past RUNs that do not need it). */
function chownToCopy(work: Work): void {
  const { stage, copy, edits, notes } = work;
  const anchor = landing(work, copy);
  const chown = findChown(work, nextFileStep(stage, anchor), 0, anchor);
  if (!chown) return;
  edits.push(...chownEdits(copy, chown));
  if (anchor === copy && chown.environments.length === 0) {
    note(notes, chown, copy);
    edits.push(
      ...replaceRange(copy, copy.keywordText.length, copy.keywordText.length, ` --chown=${copyChownSpec(chown.spec)}`),
    );
  } else {
    edits.push(removeInstruction(copy));
    const block = separated(copy, codeBlockText(copy, chown, notes));
    edits.push(insertAfter(anchor, [...environmentChowns(chown), block], ""));
  }
}

/** The chown's own removal, and the user creation that shared its RUN, now a RUN ahead of the copies. */
function chownEdits(copy: Instruction, chown: Chown): Edit[] {
  return [...(chown.usersRun ? [insertBefore(copy, [chown.usersRun], "")] : []), ...chown.edits];
}

/** Environments that the chown reached keep their owner: a chown of just them, before the code copy. */
function environmentChowns(chown: Chown | undefined): string[] {
  return (chown?.environments ?? []).map((dir) => `RUN chown -R ${chown!.spec} ${dir}`);
}

function note(notes: NoteInput[], chown: Chown, copy: Instruction): void {
  notes.push({
    id: "chown-to-copy-chown",
    severity: "info",
    line: chown.line,
    message: `\`chown -R ${chown.spec} ${chown.dir}\` -> COPY --chown=${copyChownSpec(chown.spec)}, and \`chown ${chown.spec} ${chown.dir}\` for the folder itself: a chown -R layer stores every copied file a second time`,
  });
  notes.push({
    id: "workdir-owner",
    severity: "warning",
    line: copy.line,
    message: `what was put in ${chown.dir} before the code copy stays owned by root; if the app writes there at run time, chown it (RUN chown -R ${chown.spec} on just that path)`,
  });
}

interface Chown {
  spec: string;
  dir: string;
  line: number;
  edits: Edit[];
  /** User and group creation that came before the chown in its RUN: a RUN of its own, ahead of the copies. */
  usersRun?: string;
  /** Virtual environments filled between the code copy and the chown, under its folder (they were its owner's). */
  environments: string[];
}

/**
 * `chown -R SPEC DIR` as item `item` of `run`, where DIR is the code copy's destination, every item
 * before it goes away with the move (nothing else touched the files first), and the user exists
 * before `anchor` (COPY --chown with a name fails when the user does not exist yet). As item 0, the
 * chown may also come after user and group creation in its RUN (`addgroup app && adduser app &&
 * chown -R app /app`): that creation does not need the code, and moves ahead of the copies.
 */
function findChown(work: Work, run: Instruction | undefined, item: number, anchor: Instruction): Chown | undefined {
  const { stage, states, copy } = work;
  if (!run || run.keyword !== "RUN" || copy.flag("chown")) return undefined;
  const script = run.shell();
  if (!script || !plainChain(script)) return undefined;
  const dest = resolvePath(states.get(copy)!.workdir, copy.copyDestination());
  const users = item === 0 ? leadingUserCreation(work.facts, script, dest) : 0;
  const at = item + users;
  const command = script.items[at]?.command;
  const chown = command && recursiveChown(command);
  if (!chown) return undefined;
  const { spec, dir } = chown;
  if (resolvePath(states.get(run)!.workdir, dir) !== dest) return undefined;
  const before = stage.instructions.slice(0, stage.instructions.indexOf(anchor) + 1);
  const creation = script.items.slice(0, users).map((i) => i.command!);
  if (!ownerExists(before, spec, creation)) return undefined;
  // The chown stays for the folder itself, without -R: the copied files get COPY --chown.
  const edits = editChain(run, script, new Set([...Array(at).keys()]), new Map([[at, folderChown(spec, dir)]]));
  if (!edits) return undefined;
  const flags = run.logical.slice(run.keywordText.length, run.argsStart);
  // The RUN's comments (and its indentation) come along with the user creation.
  const usersRun =
    users > 0
      ? `${run.file.text.slice(run.blockStart, run.start)}${run.keywordText}${flags}${run.file.text.slice(run.fileOffset(script.items[0]!.start), run.fileOffset(script.items[users - 1]!.end))}`
      : undefined;
  const environments = filledEnvironments(work, run).filter((e) => e === dest || e.startsWith(`${dest}/`));
  return { spec, dir, line: run.line, edits, usersRun, environments };
}

/** How many items at the start of the script create users or groups (none of them naming the code's folder). */
function leadingUserCreation(facts: StageFacts, script: ShellScript, dest: string): number {
  let n = 0;
  for (const item of script.items) {
    const words = (item.command && facts.at(item.command)?.line.texts) ?? [];
    if (!words[0] || !USER_COMMANDS.has(words[0])) break;
    if (
      words.some(
        (w) =>
          w === undefined ||
          (w.startsWith("/") && (w === dest || w.startsWith(`${dest}/`) || dest.startsWith(`${w}/`))),
      )
    )
      break;
    n++;
  }
  return n < script.items.length ? n : 0;
}

/** Virtual environments that RUNs between the code copy and `until` create or install into. */
function filledEnvironments(work: Work, until: Instruction): string[] {
  const { stage, states, copy } = work;
  const out = new Set<string>();
  for (const run of stage.instructions.filter((i) => i.index > copy.index && i.index < until.index)) {
    for (const { command, venvCreated } of work.facts.of(run)) {
      if (venvCreated !== undefined) out.add(resolvePath(states.get(run)!.workdir, venvCreated));
      const install = dependencyInstall(command);
      const target = install && installTarget(stage, run, install);
      if (target) out.add(target);
    }
  }
  return [...out];
}

/** A `{ path = ... }` dependency source: the install needs that folder, which comes with the code. */
const hasPathDependency = (body: string): boolean => /\{[^}]*\bpath\s*=/.test(body);

/**
 * The member folders of a uv workspace (context-relative, with a pyproject.toml), from
 * `[tool.uv.workspace]` `members` globs less `exclude`; or why they cannot be named.
 */
function workspaceMembers(context: BuildContext, root: string, body: string): string[] | string {
  let doc: unknown;
  try {
    doc = (require("smol-toml") as typeof import("smol-toml")).parse(body);
  } catch (err) {
    return `not valid TOML (${(err as Error).message.split("\n")[0]})`;
  }
  const table = (doc as { tool?: { uv?: { workspace?: { members?: unknown; exclude?: unknown } } } }).tool?.uv
    ?.workspace;
  const globs = (v: unknown): string[] | undefined =>
    v === undefined ? [] : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
  const members = globs(table?.members);
  const exclude = globs(table?.exclude);
  if (!members || !exclude) return "the workspace's members or exclude are not lists of globs";
  const matcher = (glob: string) => {
    const parts = glob.replace(/^\.\//, "").replace(/\/+$/, "").split("/");
    return parts.map((p) => new RegExp(`^${globSource(p, false)}$`));
  };
  const excluded = exclude.map(matcher);
  const found = new Set<string>();
  for (const glob of members) {
    let dirs = [root === "." ? "" : root];
    for (const part of matcher(glob)) {
      dirs = dirs.flatMap((d) =>
        context
          .folders(d || ".")
          .filter((n) => part.test(n))
          .map((n) => (d ? `${d}/${n}` : n)),
      );
    }
    for (const d of dirs) {
      const rel = path.posix.relative(root === "." ? "" : root, d);
      const segments = rel.split("/");
      const out = excluded.some((e) => e.length === segments.length && e.every((r, i) => r.test(segments[i]!)));
      if (!out && context.exists(`${d}/pyproject.toml`)) found.add(d);
    }
  }
  return [...found].sort();
}

/** A file or folder the install reads from the build context. */
interface Manifest {
  /** Context-relative path. */
  path: string;
  directory: boolean;
}

/**
 * What a pyproject.toml at `rel` adds to the manifests (a uv workspace's members), or why the install
 * needs the code. A workspace's dependencies-only sync leaves its members out: --no-install-workspace.
 */
function projectManifests(install: Install, context: BuildContext, rel: string, out: Manifest[]): string | undefined {
  const body = context.read(rel) ?? "";
  const workspace = /^\s*\[tool\.uv\.workspace\]/m.test(body);
  if (workspace && install.family === "uv-sync" && !hasPathDependency(body)) {
    // A uv workspace: the dependencies-only sync needs every member's pyproject.toml and leaves
    // the members out (--no-install-workspace), as uv's Docker guide does.
    const members = workspaceMembers(context, path.posix.dirname(rel), body);
    if (typeof members === "string") return `${rel}: ${members}`;
    for (const member of members) {
      const manifest = path.posix.join(member, "pyproject.toml");
      const memberBody = context.read(manifest) ?? "";
      if (hasPathDependency(memberBody))
        return `${manifest} has path dependencies, which the install needs from the code`;
      // uv checks (--locked) or builds a member's metadata from its files when it is dynamic.
      const memberDynamic = dynamicDependencies(memberBody);
      if (memberDynamic)
        return `${manifest} declares its ${memberDynamic} dynamic: the build backend reads them from files of the code`;
      out.push({ path: manifest, directory: false });
    }
    if (install.depsOnly === undefined)
      return `in a uv workspace the dependencies-only sync needs --no-install-workspace, not --no-install-project`;
    install.depsOnly = install.depsOnly.replace(/ --no-install-project$/, " --no-install-workspace");
  } else if (workspace || hasPathDependency(body)) {
    return `${rel} has a workspace or path dependencies, which the install needs from the code`;
  }
  const dynamic = dynamicDependencies(body);
  if (dynamic) return `${rel} declares its ${dynamic} dynamic: the build backend reads them from files of the code`;
  return undefined;
}

/**
 * `[project] dynamic = ["dependencies"]` (or optional-dependencies): the backend reads them from
 * other files (`[tool.setuptools.dynamic] dependencies = { file = ["requirements.txt"] }`), and
 * without those files it builds metadata with none, installing nothing and failing nowhere.
 */
function dynamicDependencies(body: string): string | undefined {
  if (!/\bdynamic\b/.test(body)) return undefined;
  const project = toml(body)?.project;
  const dynamic = isTable(project) && Array.isArray(project.dynamic) ? project.dynamic : [];
  return dynamic.find((d): d is string => d === "dependencies" || d === "optional-dependencies");
}

/** The folder a package source names (`./vendor`, `file:///app/wheels`), or undefined for a remote index. */
function localSource(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\/(?!\/)/i.test(value) && !/^file:\/\/localhost\//.test(value)) return undefined;
  return value.replace(/^file:(?:\/\/(?:localhost)?)?/, "");
}

/** pip's and uv's settings for where packages come from, as environment variables. */
const INDEX_ENV = [
  "PIP_FIND_LINKS",
  "PIP_INDEX_URL",
  "PIP_EXTRA_INDEX_URL",
  "UV_FIND_LINKS",
  "UV_INDEX_URL",
  "UV_EXTRA_INDEX_URL",
  "UV_INDEX",
  "UV_DEFAULT_INDEX",
];

/** pip's and uv's settings that name a file they read: their config, constraints, requirements. */
const FILE_ENV = [
  "PIP_CONFIG_FILE",
  "PIP_CONSTRAINT",
  "PIP_BUILD_CONSTRAINT",
  "PIP_REQUIREMENT",
  "UV_CONFIG_FILE",
  "UV_CONSTRAINT",
  "UV_BUILD_CONSTRAINT",
  "UV_OVERRIDE",
];

/**
 * A setting for pip or uv that may name what comes with the code: a local folder, or a file under
 * the code copy's destination (`dest`; a relative one from the install's working folder).
 * `/dev/null` (pip's way to read no config) and files elsewhere do not come with the code.
 */
function localSetting(key: string, value: string, workdir: string, dest: string): boolean {
  if (INDEX_ENV.includes(key)) return localSource(value) !== undefined;
  if (!FILE_ENV.includes(key) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value === "") return false;
  // A path built on a variable may be anywhere: it counts as one that comes with the code.
  if (value.includes("$")) return true;
  return !path.posix.relative(dest, resolvePath(workdir, value)).startsWith("..");
}

/**
 * An ENV before the install, or an assignment in front of it (`PIP_CONFIG_FILE=pip.conf pip
 * install`), that points pip or uv at a local folder or file, which may come with the code: as a reason.
 */
function localIndexEnv(
  stage: Stage,
  run: Instruction,
  install: Install,
  dest: string,
  workdir: string,
): string | undefined {
  for (const i of stage.instructions) {
    if (i.index >= run.index) break;
    if (i.keyword !== "ENV") continue;
    for (const p of envPairs(i))
      if (localSetting(p.key, p.value, workdir, dest))
        return `ENV ${p.key} names a local ${INDEX_ENV.includes(p.key) ? "folder" : "file"} (${p.value}), which the install reads and may come with the code`;
  }
  const command = install.install.command;
  const first = command.words[0];
  const assignments = first ? run.logical.slice(command.start, first.start) : "";
  for (const m of assignments.matchAll(/(?:^|\s)([A-Za-z_]\w*)=(\S*)/g))
    if (localSetting(m[1]!, m[2]!.replace(/^["']|["']$/g, ""), workdir, dest))
      return `${m[1]}=${m[2]} in front of the install names a local folder or file, which the install reads and may come with the code`;
  return undefined;
}

/** A local package's build files, which name what its build and install read. */
const PACKAGE_FILES = ["pyproject.toml", "setup.py", "setup.cfg"];

/**
 * Why a local package folder copied ahead of the code does not build on its own: its build files
 * name a path outside it (`../models` as a path dependency or uv source, `../../README.md` read by
 * setup.py), a `file:` URL (poetry writes path dependencies as such), or a uv workspace member.
 */
function readsOutside(context: BuildContext, folder: string): string | undefined {
  for (const name of PACKAGE_FILES) {
    const text = context.read(`${folder}/${name}`);
    const found = text && /\.\.[/\\]|\bfile:|\bworkspace\s*=\s*true/.exec(text.replace(/(^|\s)#.*$/gm, "$1"));
    if (found)
      return `${folder}/${name} names \`${found[0]}\`: the package's build reads files outside its folder, which come with the code`;
  }
  return undefined;
}

/**
 * Context-relative manifests (files and folders), or a reason why they cannot be named. A file the
 * ignore file leaves out of the build counts as missing: COPY cannot name it.
 */
function resolveManifests(
  install: Install,
  state: StageState,
  dest: string,
  context: BuildContext | undefined,
  dockerfile: string | undefined,
): Manifest[] | string {
  const out: Manifest[] = [];
  const seen = new Set<string>();
  const { reads, optional, paths } = install.install;
  const requirementFiles = install.family === "pip" ? reads : [];
  const required = new Set(requirementFiles.map((f) => resolvePath(state.workdir, f)));
  if (!context && optional.length > 0) {
    return `no build context: cannot tell whether ${optional.join(", ")} exists (copying it when it is missing fails the build, leaving it out changes what is installed)`;
  }
  const addDirectory = (written: string): string | undefined => {
    // pip reads local paths relative to its working directory.
    const abs = resolvePath(state.workdir, written);
    const rel = path.posix.relative(dest, abs);
    if (rel === "") return `the install needs the project itself (\`${written}\`), which comes with the code`;
    if (rel.startsWith("..")) return `${abs} is not under the code copy's destination ${dest}`;
    if (context && !context.isDirectory(rel)) return `${rel} is not a folder in the build context`;
    const ignoredBy = context && leftOutBy(context, dockerfile, rel);
    if (ignoredBy) return `${rel} is left out of the build context by ${ignoredBy}`;
    if (!out.some((m) => m.path === rel)) out.push({ path: rel, directory: true });
    const outside = context && readsOutside(context, rel);
    if (outside) return outside;
    return undefined;
  };
  // Local package sources on the command line: --find-links ./vendor, --index-url file:///app/wheels.
  const sources = install.install.options
    .flagValues("-f", "--find-links", "-i", "--index-url", "--extra-index-url", "--index", "--default-index")
    .flatMap((v) => localSource(v) ?? []);
  for (const d of [...paths.map((p) => p.replace(/^file:/, "")), ...sources]) {
    const problem = addDirectory(d);
    if (problem) return problem;
  }

  const queue = reads.map((m) => resolvePath(state.workdir, m));
  while (queue.length > 0) {
    const abs = queue.shift()!;
    if (seen.has(abs)) continue;
    seen.add(abs);
    const rel = path.posix.relative(dest, abs);
    if (rel.startsWith("..") || rel === "") return `${abs} is not under the code copy's destination ${dest}`;
    const ignoredBy = context?.exists(rel) ? leftOutBy(context, dockerfile, rel) : undefined;
    if (context && (!context.exists(rel) || ignoredBy)) {
      if (required.has(abs))
        return ignoredBy
          ? `${rel} is left out of the build context by ${ignoredBy}`
          : `${rel} is not in the build context`;
      continue;
    }
    out.push({ path: rel, directory: false });
    if (context && path.posix.basename(rel) === "pyproject.toml") {
      const problem = projectManifests(install, context, rel, out);
      if (problem) return problem;
    }
    if (!required.has(abs) || !context) continue;
    const body = context.read(rel) ?? "";
    for (const raw of body.split(/\r?\n/)) {
      const line = raw.replace(/(^|\s)#.*$/, "").trim();
      if (!line) continue;
      const include = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)?(\S+)$/.exec(line);
      if (include) {
        const next = path.posix.join(path.posix.dirname(abs), include[1]!);
        required.add(next);
        queue.push(next);
        continue;
      }
      const local = localPath(line);
      if (local !== undefined) {
        const problem = addDirectory(local);
        if (problem) return `${rel}: ${problem}`;
      }
    }
  }
  const configs = toolConfigs(install, state, dest, context, dockerfile);
  return [...out, ...configs.filter((c) => !out.some((m) => m.path === c.path))];
}

/**
 * The tool's configuration files beside the project that the build gets (uv.toml's indexes,
 * poetry.toml's virtualenvs.create): the install reads them when they are there.
 */
function toolConfigs(
  install: Install,
  state: StageState,
  dest: string,
  context: BuildContext | undefined,
  dockerfile: string | undefined,
): Manifest[] {
  return install.install.configs.flatMap((config) => {
    const rel = path.posix.relative(dest, resolvePath(state.workdir, config));
    if (rel.startsWith("..") || !context?.exists(rel) || leftOutBy(context, dockerfile, rel)) return [];
    return [{ path: rel, directory: false }];
  });
}
