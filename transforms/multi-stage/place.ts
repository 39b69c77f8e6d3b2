/** Which stage each instruction goes to, and what the builder's copy of it loses. */
import * as path from "node:path";
import { isWholeContextCopy, type Instruction } from "../../src/engine/dockerfile";
import type { Edit } from "../../src/engine/edits";
import type { ShellCommand, ShellScript } from "../../src/engine/shell";
import { dependencyInstall, isCacheCleanup, resolvePath } from "../../src/engine/commands";
import {
  aptInstallWords,
  aptInstalls,
  aptPurges,
  isAptOrApk,
  isBuildCommand,
  isPurge,
  isUserCommand,
  MANIFEST,
  usesUvAtRuntime,
  words,
} from "./commands";
import { NotSplit, type Build, type Scene } from "./plan";
import { editChain, replaceRange } from "../../src/engine/fixer";

export type Role = "builder" | "runtime" | "both" | "drop";

export interface Placed {
  instruction: Instruction;
  role: Role;
  /** Edits to the instruction's own text in the builder (purges removed, --system dropped, --chown dropped). */
  builderEdits?: Edit[];
  /** Edits to a runtime RUN's own text: its purges of the builder's packages removed. */
  runtimeEdits?: Edit[];
}

export interface Placement {
  placed: Placed[];
  /** Debian packages the builder installs, and those its RUNs purge again. */
  installed: string[];
  purged: Set<string>;
  /** An install of the builder's takes apt's recommended packages too: the runtime stage's install does the same. */
  recommends: boolean;
  /**
   * Variables the builder's installs set for apt-get (`ACCEPT_EULA=Y apt-get install msodbcsql18`,
   * `DEBIAN_FRONTEND=noninteractive`): the runtime stage's install sets them too.
   */
  aptEnv: string[];
}

/** Where an instruction stands relative to the build. */
interface Position {
  index: number;
  depsIndex: number;
  buildEnd: number;
  /** Where the code copies put the whole context: files copied there earlier come with them. */
  codeRoots: string[];
  ownerRun: Instruction | undefined;
}

export function placeAll(scene: Scene, build: Build, ownerRun: Instruction | undefined): Placement {
  const { list, states } = scene;
  const codeRoots = list
    .filter(isWholeContextCopy)
    .map((c) => resolvePath(states.get(c)!.workdir, c.copyDestination()));
  const depsIndex = list.indexOf(build.depsRun);
  const buildEnd = list.indexOf(build.lastBuildRun);
  const placement: Placement = { placed: [], installed: [], purged: new Set(), recommends: false, aptEnv: [] };
  for (const [index, instruction] of list.entries()) {
    const role = roleOf(scene, build, instruction, { index, depsIndex, buildEnd, codeRoots, ownerRun });
    if (role === "builder" || role === "drop") {
      for (const command of instruction.shell()?.commands ?? []) {
        if (aptInstallWords(command).includes(undefined))
          throw new NotSplit(
            `the apt-get install at line ${instruction.line} names packages through a shell expansion ($(...), \`...\`, $VAR): dfmod cannot tell which of them the runtime stage needs`,
          );
        const installs = aptInstalls(command);
        placement.installed.push(...installs);
        if (installs.length > 0 && !withoutRecommends(command)) placement.recommends = true;
        const first = command.words[0];
        if (installs.length > 0 && first)
          for (const a of instruction.logical.slice(command.start, first.start).trim().split(/\s+/))
            if (/^[A-Za-z_]\w*=[^\s"'`$\\]*$/.test(a) && !placement.aptEnv.includes(a)) placement.aptEnv.push(a);
        for (const p of aptPurges(command)) placement.purged.add(p);
      }
    }
    placement.placed.push({ instruction, role, builderEdits: builderEditsOf(instruction, role) });
  }
  return placement;
}

/**
 * The runtime stage copies the code after the environment, past the instructions between the code
 * copy and the install: a WORKDIR among them would change where a relative code copy goes.
 */
export function checkCodeCopyWorkdir(scene: Scene, build: Build): void {
  const deps = scene.list.indexOf(build.depsRun);
  scene.list.slice(0, deps).forEach((copy, i) => {
    if (!isWholeContextCopy(copy) || copy.copyDestination().startsWith("/")) return;
    const workdir = scene.list.slice(i + 1, deps).find((w) => w.keyword === "WORKDIR");
    if (workdir)
      throw new NotSplit(
        `the code copy at line ${copy.line} goes to a folder relative to the WORKDIR, and the WORKDIR at line ${workdir.line} would change that folder when the runtime stage copies the code after the environment; give the copy an absolute destination, or split the stage by hand`,
      );
  });
}

/**
 * The runtime stage copies the code after the environment, so a copy into the code's folder that
 * came after the code copy (an override: `COPY . .` then `COPY config/prod.py app/settings.py`)
 * would come before it there, and the code copy would undo it.
 */
export function checkCopiesAfterCodeCopy(scene: Scene, build: Build, placement: Placement): void {
  const deps = scene.list.indexOf(build.depsRun);
  const code = scene.list.slice(0, deps).filter(isWholeContextCopy);
  if (code.length === 0) return;
  const root = (copy: Instruction): string => resolvePath(scene.states.get(copy)!.workdir, copy.copyDestination());
  for (const p of placement.placed) {
    const i = p.instruction;
    if ((i.keyword !== "COPY" && i.keyword !== "ADD") || p.role === "builder" || isWholeContextCopy(i)) continue;
    if (scene.list.indexOf(i) >= deps || i.flag("from") !== undefined) continue;
    const dest = root(i);
    const under = code.find(
      (c) => c.index < i.index && (dest === root(c) || dest.startsWith(root(c).replace(/\/$/, "") + "/")),
    );
    if (under)
      throw new NotSplit(
        `the ${i.keyword} at line ${i.line} puts files into the folder the code copy at line ${under.line} fills, after it; the runtime stage copies the code after the environment, which would undo it: move it after the install, or split the stage by hand`,
      );
  }
}

/**
 * Runtime RUNs that purge packages the builder installed (`apk del .build-deps` at the end of a step
 * that needs the code, such as collectstatic): the runtime stage never had them, and apt-get fails
 * on a package it does not know (the stage has no package lists). Such packages leave the purge,
 * those the runtime stage has stay in it; a purge left empty goes. Sets each RUN's runtimeEdits;
 * true when a purge changed. A purge dfmod cannot take out of its RUN (after `||`) is not split.
 */
export function runtimePurges(placement: Placement, has: (pkg: string) => boolean): boolean {
  let changed = false;
  for (const p of placement.placed) {
    const script = p.instruction.shell();
    if (p.role !== "runtime" || p.instruction.keyword !== "RUN" || !script) continue;
    const remove = new Set<number>();
    const replace = new Map<number, string>();
    script.items.forEach((item, i) => {
      if (!item.command || !isPurge(item.command)) return;
      const packages = aptPurges(item.command);
      const gone = packages.filter((pkg) => placement.installed.includes(pkg) && !has(pkg));
      if (gone.length === 0) return;
      if (gone.length === packages.length) remove.add(i);
      else
        replace.set(
          i,
          item.command.words
            .filter((w) => w.text === undefined || !gone.includes(w.text))
            .map((w) => w.raw)
            .join(" "),
        );
    });
    // `apt-mark auto pkgs && apt-get autoremove`: the autoremove goes with the marking it follows.
    for (const i of [...remove]) {
      const next = script.items[i + 1]?.command;
      if (
        words(script.items[i]!.command!)[0] === "apt-mark" &&
        next &&
        words(next).join(" ").startsWith("apt-get autoremove")
      )
        remove.add(i + 1);
    }
    if (remove.size === 0 && replace.size === 0) continue;
    const edits = editChain(p.instruction, script, remove, replace);
    if (!edits)
      throw new NotSplit(
        `the RUN at line ${p.instruction.line} purges the builder stage's packages in a way dfmod cannot take out of it (after || or in a pipe)`,
      );
    p.runtimeEdits = edits;
    changed = true;
  }
  return changed;
}

/** `apt-get install --no-install-recommends` (or `-o APT::Install-Recommends=false`). */
function withoutRecommends(command: ShellCommand): boolean {
  return command.words.some(
    (w) => w.text === "--no-install-recommends" || /^APT::Install-Recommends=(?:false|0|no)$/i.test(w.text ?? ""),
  );
}

function roleOf(scene: Scene, build: Build, instruction: Instruction, at: Position): Role {
  const k = instruction.keyword;
  if (instruction === build.depsRun || build.projectRuns.includes(instruction)) return "builder";
  if (k === "ARG" || k === "ENV" || k === "WORKDIR" || k === "SHELL")
    return at.index < at.buildEnd ? "both" : "runtime";
  if (k === "COPY" || k === "ADD") return copyRole(scene, instruction, at);
  if (k === "RUN") {
    // Folders made for the application before anything is copied: the runtime stage's own (its
    // copies come later there, the code's last), when the install runs as root and needs none.
    const folders =
      scene.states.get(build.depsRun)!.user === undefined &&
      !scene.list.slice(0, at.index).some((i) => i.keyword === "COPY" || i.keyword === "ADD");
    return runRole(instruction, at, folders);
  }
  if (k === "ONBUILD") throw new NotSplit("ONBUILD instructions");
  return "runtime";
}

function copyRole(scene: Scene, instruction: Instruction, at: Position): Role {
  const from = instruction.flag("from")?.value;
  if (from !== undefined)
    return /astral-sh\/uv/.test(from) ? (usesUvAtRuntime(scene.list) ? "both" : "builder") : "runtime";
  if (isWholeContextCopy(instruction)) return at.index < at.buildEnd ? "both" : "runtime";
  // After the build, a copy serves the runtime; before its last install (a local package installed
  // after the dependencies), the builder needs it too.
  if (at.index >= at.buildEnd) return "runtime";
  // Requirement and lock files only serve the install; other files copied before it (local
  // packages, an entrypoint, pyproject.toml that an app may read) serve the runtime too, unless the
  // runtime's code copy brings the same files to the same place anyway.
  const sources = instruction.copySources();
  if (sources.every((src) => MANIFEST.test(src) && !PROJECT_FILE.test(src))) return "builder";
  return coveredByCodeCopy(scene, instruction, at.codeRoots) ? "builder" : "both";
}

/** Project files an application may read at run time (its version from pyproject.toml). */
const PROJECT_FILE = /(?:^|\/)(?:pyproject\.toml|setup\.py|setup\.cfg)$/;

/**
 * A copy whose every source a whole-context copy puts at the same path anyway: `COPY app/ app/`
 * under `COPY . .`, not `COPY docker/entrypoint.sh ./entrypoint.sh` nor an override of a file the
 * code copy brings (`COPY config/prod.py app/settings.py`). Without a build context a source
 * other than a manifest may be a file or a folder: not covered.
 */
function coveredByCodeCopy(scene: Scene, instruction: Instruction, roots: string[]): boolean {
  const context = scene.ctx.context;
  if (roots.length === 0) return false;
  const dest = resolvePath(scene.states.get(instruction)!.workdir, instruction.copyDestination());
  const sources = instruction.copySources();
  const intoFolder = instruction.copyDestination().endsWith("/") || sources.length > 1;
  return sources.every((src) => {
    const rel = path.posix.normalize(src.replace(/^\.?\/+/, "")).replace(/\/+$/, "");
    if (rel === "" || rel === "." || rel.startsWith("..") || /[*?[]/.test(rel)) return false;
    // A folder's contents go into the destination; a file goes to it, or into it when it is a folder.
    // Without a build context only manifests are known to be files.
    const folder = context ? context.isDirectory(rel) : MANIFEST.test(rel) ? false : undefined;
    if (folder === undefined) return false;
    const at = !folder && intoFolder ? path.posix.join(dest, path.posix.basename(rel)) : dest;
    return roots.some((root) => at === path.posix.join(root, rel));
  });
}

/**
 * What of a RUN's script dfmod does not read, for a note: the first statement that is no plain
 * command, quoted (shortened past 60 characters), with what such statements are.
 */
function unreadPart(script: ShellScript | undefined): string {
  const item = script && !script.hasError ? script.items.find((it) => !it.command) : undefined;
  const what = "(pipes, redirections, `if`, loops, subshells, heredocs and assignments are not read)";
  if (!script || !item) return `all of it ${what}`;
  const text = script.source
    .slice(item.start - script.base, item.end - script.base)
    .replace(/\\\r?\n/g, " ")
    .replace(/\s+/g, " ");
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\` ${what}`;
}

/** The time zone set the usual way (`ln -snf /usr/share/zoneinfo/$TZ /etc/localtime && echo $TZ > /etc/timezone`). */
const TIMEZONE_RUN =
  /^ln\s+-[sfn]+\s+\/usr\/share\/zoneinfo\/\S+\s+\/etc\/localtime(?:\s*&&\s*echo\s+"?\$\{?\w+\}?"?\s*>\s*\/etc\/timezone)?$/;

/** Paths whose owner or mode an install reads: pip's and uv's config, credentials, the environment's own, Python's. */
const SETUP_PATH =
  /(?:pip|uv|\.netrc|\.ssh|\.pypirc|\.cache|\.config|venv|\/usr\/local|\/etc\/(?:apt|ssl)|site-packages|^\/?$|^\/(?:root|home)\/?$)/;

/** Folders made and given to a user or mode: what the application writes at run time (`mkdir -p /app/media && chown -R app /app`). */
const FOLDER_COMMANDS = new Set(["mkdir", "chown", "chmod"]);

function runRole(instruction: Instruction, at: Position, foldersOwn: boolean): Role {
  const script = instruction.shell();
  const commands = (script?.items ?? []).map((it) => it.command);
  const beforeEnd = at.index < at.buildEnd;
  // The image's time zone: the builder is thrown away, the runtime stage keeps it.
  if (
    beforeEnd &&
    instruction.args.includes("zoneinfo") &&
    TIMEZONE_RUN.test(instruction.args.trim().replace(/\\\r?\n\s*/g, " "))
  )
    return "runtime";
  const unread = !script || script.hasError || commands.some((c) => !c);
  if (unread && beforeEnd) {
    // Before the install, a RUN may prepare it (an apt-get inside `if`, a heredoc): the builder may
    // need it, or the runtime, or both; dfmod cannot tell.
    throw new NotSplit(
      `the RUN at line ${instruction.line} comes before the install and dfmod does not read ${unreadPart(script)}: it does not know which stage needs it`,
    );
  }
  if (unread) return "runtime";
  const all = commands as NonNullable<(typeof commands)[number]>[];
  if (instruction === at.ownerRun) return "drop";
  if (all.every((c) => isPurge(c) || isCacheCleanup(c) || words(c)[0] === "true")) return "drop";
  if (beforeEnd && all.every((c) => isBuildCommand(c))) return "builder";
  if (all.every((c) => isUserCommand(c))) return "runtime";
  if (beforeEnd && all.every((c) => words(c)[0] === "mkdir")) return "both";
  // Folders for the application, owned by its user (who may exist in the runtime stage only).
  if (
    beforeEnd &&
    foldersOwn &&
    all.every(
      (c) => FOLDER_COMMANDS.has(words(c)[0] ?? "") && !words(c).some((w) => w !== undefined && SETUP_PATH.test(w)),
    )
  )
    return "runtime";
  if (beforeEnd && all.some((c) => isAptOrApk(c) && !isPurge(c))) {
    throw new NotSplit(
      `the RUN at line ${instruction.line} mixes system packages with other work; put the apt-get install in a RUN of its own`,
    );
  }
  if (beforeEnd) {
    const other = all.find((c) => !isBuildCommand(c) && !isUserCommand(c))!;
    throw new NotSplit(
      `the RUN at line ${instruction.line} comes before the install and does other work (\`${other.words.map((w) => w.raw).join(" ")}\`): the install may need it, or the runtime stage, or both; dfmod does not know which`,
    );
  }
  return "runtime";
}

function builderEditsOf(instruction: Instruction, role: Role): Edit[] | undefined {
  const k = instruction.keyword;
  let edits: Edit[] | undefined;
  if (role === "builder" && k === "RUN") edits = installEdits(instruction);
  // The builder runs as root and creates no user: a copy into it keeps root as owner.
  const chownFlag = instruction.flag("chown");
  if ((role === "builder" || role === "both") && (k === "COPY" || k === "ADD") && chownFlag) {
    let end = chownFlag.end;
    while (/[ \t]/.test(instruction.logical[end] ?? "")) end++;
    edits = replaceRange(instruction, chownFlag.start, end, "");
  }
  return edits;
}

/** Builder copies of install RUNs: purges removed (the builder is thrown away), `--system` dropped. */
function installEdits(instruction: Instruction): Edit[] {
  const script = instruction.shell();
  if (!script) return [];
  const edits: Edit[] = [];
  const remove = new Set<number>();
  script.items.forEach((item, i) => {
    if (item.command && isPurge(item.command)) remove.add(i);
  });
  if (remove.size > 0 && remove.size < script.items.length)
    edits.push(...(editChain(instruction, script, remove) ?? []));
  for (const command of script.commands) {
    const install = dependencyInstall(command);
    if (!install?.system) continue;
    for (const w of command.words) {
      if (w.text === "--system" || w.text === "--break-system-packages") {
        // The space before the flag goes with it, so a line break after it stays where it was.
        let start = w.start;
        let end = w.end;
        if (instruction.logical[start - 1] === " ") start--;
        else while (instruction.logical[end] === " ") end++;
        edits.push(...replaceRange(instruction, start, end, ""));
      }
    }
  }
  return edits;
}
