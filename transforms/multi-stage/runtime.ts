/**
 * What the split keeps out of the final image, and what the runtime stage needs in its place:
 * system packages (runtime libraries of the builder's -dev packages), the owner of the copied
 * environment, and the user that owner is.
 */
import { shipsSetuptools, stagePython } from "../python-version";
import { isTable, toml } from "../toml";
import * as path from "node:path";
import {
  copiesToLocalBin,
  dependencyInstall,
  localBinMade,
  parsePipInstall,
  systemPythonPath,
} from "../../src/engine/commands";
import type { NoteInput } from "../../src/engine/types";
import type { BuildContext } from "../../src/engine/context";
import { isWholeContextCopy, type Instruction, type Stage } from "../../src/engine/dockerfile";
import { scriptsRun } from "../alpine-to-trixie/scripts";
import { inBase } from "../alpine-to-trixie/packages";
import { parseImage } from "../alpine-to-trixie/images";
import { renames } from "../debian-to-trixie/renames";
import { envPairs, ownerExists } from "../../src/engine/stage";
import {
  aptInstalls,
  isBuildTool,
  HEALTHCHECK_TOOLS,
  isUserCommand,
  needsBuilder,
  runtimeOf,
  TOOL_COMMANDS,
  usesUvAtRuntime,
  words,
} from "./commands";
import { NotSplit, type Build, type Scene, type Venv } from "./plan";
import { runsOf } from "../alpine-to-trixie/commands-run";
import type { Placed, Placement } from "./place";

const UV_IMAGE = /astral-sh\/uv/;

/** Instructions whose commands the container runs, not the build. */
const AT_RUN = new Set(["CMD", "ENTRYPOINT", "HEALTHCHECK"]);

/** A RUN of the runtime stage that compiles needs the builder's tools: the stage is not split. */
export function checkRuntimeRuns(scene: Scene, { placed, installed }: Placement): void {
  const builderOnly = new Set(installed.filter(isBuildTool).flatMap((p) => TOOL_COMMANDS[p] ?? [p]));
  // uv goes to the runtime stage only when the CMD or ENTRYPOINT runs it (usesUvAtRuntime).
  const uvLeft = !usesUvAtRuntime(scene.list);
  for (const p of placed.filter((x) => x.role === "runtime" && x.instruction.keyword === "RUN")) {
    for (const command of p.instruction.shell()?.commands ?? []) {
      const name = words(command)[0]?.replace(/^.*\//, "");
      if (uvLeft && (name === "uv" || name === "uvx"))
        throw new NotSplit(
          `the RUN at line ${p.instruction.line} runs \`${name}\`, which the split would keep in the builder stage, out of the final image: split the stage by hand`,
          "warning",
        );
      const tool = needsBuilder(command, builderOnly);
      if (tool) {
        throw new NotSplit(
          `the RUN at line ${p.instruction.line} runs \`${tool}\`, which needs the compilers and build tools only the builder stage would have; move that build into the install, or split the stage by hand`,
          "warning",
        );
      }
    }
  }
  // What the container runs: a build tool (`make serve`), or Poetry / Pipenv, which the builder
  // keeps (git the runtime stage gets when the command runs it: gitAtRuntime).
  const kept = new Set([...builderOnly, "poetry", "pipenv"]);
  kept.delete("git");
  for (const instruction of scene.list) {
    if (!AT_RUN.has(instruction.keyword)) continue;
    for (const run of runsOf(instruction)) {
      const tool = needsBuilder(run.words, kept);
      if (tool)
        throw new NotSplit(
          `the ${instruction.keyword} at line ${instruction.line} runs \`${tool}\`, which the split would keep in the builder stage, out of the final image: split the stage by hand`,
          "warning",
        );
    }
  }
  // uv goes to the runtime stage only when the CMD or ENTRYPOINT runs it: a script that does needs it too.
  const inScripts = usesUvAtRuntime(scene.list) ? kept : new Set([...kept, "uv", "uvx"]);
  for (const script of runtimeScripts(scene.stage, scene.ctx.context)) {
    const tool = commandIn(script.text, inScripts) ?? buildIn(script.text, inScripts);
    if (tool)
      throw new NotSplit(
        `${script.file}, which the ${script.instruction.keyword} at line ${script.instruction.line} runs, runs \`${tool}\`, which the split would keep in the builder stage, out of the final image: split the stage by hand`,
        "warning",
      );
  }
}

/**
 * A build a script runs (`python setup.py build_ext --inplace`, `cythonize`), read line by line,
 * each simple command on its own: what needsBuilder finds in it.
 */
function buildIn(text: string, tools: Set<string>): string | undefined {
  for (const raw of text.split(/\r?\n/).slice(1)) {
    for (const part of raw.replace(/(^|\s)#.*$/, "").split(/&&|\|\||[;|&]/)) {
      const words = part
        .trim()
        .replace(/^(?:exec|then|do|else)\s+/, "")
        .split(/\s+/)
        .map((w) => w.replace(/^["']|["']$/g, ""));
      const found = needsBuilder(words, tools);
      if (found) return found;
    }
  }
  return undefined;
}

/** The build context's scripts that the container runs (by ENTRYPOINT, CMD or HEALTHCHECK). */
function runtimeScripts(
  stage: Stage,
  context: BuildContext | undefined,
): { file: string; text: string; instruction: Instruction }[] {
  return scriptsRun(stage, context).filter((s) => AT_RUN.has(s.instruction.keyword));
}

/** The first of `tools` a shell script runs as a command (at a line's start, after ; && || | ( or exec), comments left out. */
function commandIn(text: string, tools: Set<string>): string | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const code = raw.replace(/(^|\s)#.*$/, "");
    for (const m of code.matchAll(/(?:^|[;&|(`]|\b(?:then|do|else|exec|if|while)\s)\s*(?:\S*\/)?([\w.+-]+)(?=\s|$|;)/g))
      if (tools.has(m[1]!)) return m[1]!;
  }
  return undefined;
}

/**
 * An install that moves from the image's Python into a new virtual environment: what names the old
 * place after it (`/usr/local/bin/gunicorn` in the ENTRYPOINT, a sed on
 * `/usr/local/lib/python3.11/site-packages/...`) would find nothing there.
 */
export function checkSystemPaths(scene: Scene, build: Build, venv: Venv): void {
  if (!venv.moved) return;
  // A later PATH that drops the one before, or puts /usr/local/bin first, hides the environment's python.
  for (const i of scene.list.filter((x) => x.keyword === "ENV" && x.index > build.depsRun.index))
    for (const pair of envPairs(i).filter((p) => p.key === "PATH")) {
      const at = pair.value.search(/\$\{?PATH\b/);
      const before = at === -1 ? pair.value : pair.value.slice(0, at);
      if (at === -1 || /(?:^|:)\/usr\/local\/(?:s?bin)(?::|$)/.test(before))
        throw new NotSplit(
          `the ENV at line ${i.line} sets PATH so that ${at === -1 ? "it no longer has" : "/usr/local/bin comes before"} the virtual environment the install now goes into (${venv.path}/bin): change it, or split the stage by hand`,
          "warning",
        );
    }
  // pip run as another user than root cannot write the image's site-packages: it installs into
  // that user's ~/.local ("Defaulting to user installation"), as --user does.
  const user = scene.states.get(build.depsRun)!.user;
  if (venv.created && build.install.tool === "pip" && user !== undefined && !/^(?:root|0)(?::|$)/.test(user))
    throw new NotSplit(
      `the install at line ${build.depsRun.line} runs as ${user}, so pip installs into that user's ~/.local (the image's site-packages are root's), as \`pip install --user\` does, which is not split`,
    );
  // python -m venv on 3.11 and older gets ensurepip's setuptools (65 on 3.11) and no wheel, where the
  // image's Python has current ones: a build without isolation uses them (bdist_wheel fails).
  const python = stagePython(scene.file, scene.stage);
  const isolationOff = [build.depsRun, ...build.projectRuns].find((r) => /--no-build-isolation\b/.test(r.args));
  if (
    isolationOff &&
    build.install.tool === "pip" &&
    venv.created &&
    shipsSetuptools(python) &&
    // setuptools (and wheel) installed first, into the new environment too: what it builds with.
    !scene.list.some(
      (i) =>
        i.keyword === "RUN" &&
        i.index <= isolationOff.index &&
        /\bpip[\d.]*\s+install\b[^&;|]*\bsetuptools\b/.test(i.args),
    )
  )
    throw new NotSplit(
      `the install at line ${isolationOff.line} builds without isolation (--no-build-isolation), with the setuptools and wheel of the image's Python ${python[0]}.${python[1]}; a new environment has Python's bundled setuptools and no wheel: install them into it first, or split the stage by hand`,
      "warning",
    );
  const reset = pathReset(scene.stage, scene.ctx.context, venv.path);
  if (reset)
    throw new NotSplit(
      `${reset}, which sets its own PATH, without the virtual environment the install now goes into (${venv.path}/bin): run the environment's programs by their full path, or split the stage by hand`,
      "warning",
    );
  const named = systemPathsNamed(scene.stage, scene.ctx.context, build.depsRun).find(
    (n) => !n.path.includes(venv.path),
  );
  if (named)
    throw new NotSplit(
      `${named.where} names ${named.path}, where the install put things; after the split the install goes into ${venv.path}: change the path, or split the stage by hand`,
      "warning",
    );
}

/** A login shell (`bash -lc`, `sh -e -l`, SHELL ["/bin/bash", "--login", "-c"]): /etc/profile sets PATH outright. */
const LOGIN_SHELL =
  /(?:^|[\s;&|(`[,])(?:\S*\/)?(?:bash|sh|dash|zsh)(?:\s+-[a-zA-Z]+)*\s+(?:-[a-zA-Z]*l[a-zA-Z]*|--login)(?=\s|$)/m;
/** `su - app`, `su -l app`, `su app -l`, `runuser -l`: a login's PATH. */
const LOGIN_SWITCH = /(?:^|[\s;&|(`[,])(?:\S*\/)?(?:su|runuser)\b[^;&|\n]*?\s(?:-|-l|--login)(?=\s|$)/m;
/** sudo where a command starts, and what it runs (after its options). */
const SUDO =
  /(?:^|[;&|(`]|\b(?:then|do|else|exec)\s)\s*(?:\S*\/)?sudo((?:\s+(?:-[uUgCDhprtT]\s+\S+|--\w[\w-]*(?:=\S*)?|-[a-zA-Z]+))*)\s+(\S+)/gm;
/** What sudo may run without the environment mattering: system tools, not the application's Python. */
const SUDO_SYSTEM =
  /^(?:\S*\/)?(?:chown|chmod|chgrp|mkdir|rm|cp|mv|ln|touch|tee|cat|apt-get|apt|service|update-ca-certificates|install|kill|sysctl|setcap|mount)$/;

/** Shell code with its comments and quoted strings taken out: what runs, not what it prints. */
const codeOnly = (text: string): string =>
  text.replace(/(^|\s)#.*$/gm, "$1").replace(/'[^'\n]*'|"(?:[^"\\\n]|\\.)*"/g, " STRING ");

/**
 * What runs the image's programs with a PATH of its own, without the new environment's bin: a
 * login shell in SHELL, CMD, ENTRYPOINT or HEALTHCHECK or in a script they run (its #! line too),
 * `su -`, `runuser -l`, sudo that runs the application (Debian's secure_path) when the stage
 * installs sudo, or a crontab or other file copied in that sets PATH without it and runs Python.
 */
export function pathReset(stage: Stage, context: BuildContext | undefined, venv: string): string | undefined {
  const list = stage.instructions.slice(1);
  let installsSudo: boolean | undefined;
  const what = (raw: string): string | undefined => {
    // Most commands and scripts have none of it: a quick look first.
    if (!/-[a-zA-Z]*l|--login|\bsu\b|runuser|sudo/.test(raw)) return undefined;
    if (/^#!.*\b(?:bash|sh|zsh)\s+(?:-[a-zA-Z]*l[a-zA-Z]*|--login)\b/.test(raw))
      return "runs a login shell (its #! line)";
    const text = codeOnly(raw);
    if (LOGIN_SHELL.test(text)) return "runs a login shell";
    if (LOGIN_SWITCH.test(text)) return "runs a login (su -, runuser -l)";
    installsSudo ??= list.some((i) => i.keyword === "RUN" && /\bapt(?:-get)?\s+install\b[^&;|]*\bsudo\b/.test(i.args));
    if (!installsSudo) return undefined;
    for (const m of text.matchAll(SUDO))
      if (/(?:^|\s)-[a-zA-Z]*[is]\b/.test(m[1]!) || !SUDO_SYSTEM.test(m[2]!)) return "runs sudo";
    return undefined;
  };
  for (const i of list) {
    if (!["SHELL", "CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(i.keyword)) continue;
    const found = what(i.jsonArgs()?.join(" ") ?? i.args);
    if (found) return `the ${i.keyword} at line ${i.line} ${found}`;
  }
  for (const script of runtimeScripts(stage, context)) {
    const found = what(script.text);
    if (found) return `${script.file} (run by line ${script.instruction.line}) ${found}`;
  }
  for (const i of context ? list : []) {
    for (const { rel, text } of copiedConfigFiles(i, context!)) {
      // An env file's PATH is the application's to read (python-dotenv keeps the one it has).
      if (/\.env$/.test(rel) || !text.includes("PATH")) continue;
      const line = /^\s*(?:export\s+)?PATH\s*=\s*["']?(\S*?)["']?\s*$/m.exec(text);
      if (!line || line[1]!.includes(venv)) continue;
      // `PATH=$PATH:/app/bin` keeps the environment's bin in front, unless /usr/local/bin comes first.
      const at = line[1]!.search(/\$\{?PATH\b/);
      if (at !== -1 && !/(?:^|:)\/usr\/local\/s?bin(?::|$)/.test(line[1]!.slice(0, at))) continue;
      // Only where Python runs by name under that PATH.
      const rest = text.replace(line[0], "");
      if (!/(?:^|[\s;&|(`'"])(?:python[\d.]*|pip[\d.]*)(?=\s|$)/m.test(rest)) continue;
      return `${rel} (copied by line ${i.line}) has a PATH line`;
    }
  }
  return undefined;
}

/**
 * The paths of the image's own Python (site-packages, /usr/local/bin/...) that the stage names
 * after `install` or at run time (CMD, ENTRYPOINT, HEALTHCHECK, and the build context's scripts
 * they run), each with where it is named.
 */
export function systemPathsNamed(
  stage: Stage,
  context: BuildContext | undefined,
  install: Instruction,
): { path: string; where: string }[] {
  const list = stage.instructions.slice(1);
  // Files the stage copies to /usr/local/bin are its own, there after the split as before.
  const copied = copiesToLocalBin(list, (f) => context?.isDirectory(f.replace(/^\.\//, "")) ?? false);
  const binCopied = copied.unknown;
  const made = new Set([...localBinMade(list), ...copied.files]);
  const out: { path: string; where: string }[] = [];
  for (const instruction of list) {
    const atRun = AT_RUN.has(instruction.keyword);
    if (context && (instruction.keyword === "COPY" || instruction.keyword === "ADD"))
      out.push(...configsNaming(instruction, context, binCopied, made));
    if (instruction.keyword === "COPY" || instruction.keyword === "ADD") {
      // A file put into the image's site-packages (a .pth hook, sitecustomize.py), before the
      // install or after it: the environment's Python would not read it. Files copied to
      // /usr/local/bin are the image's own.
      const into = instruction.copyDestination();
      if (/(?:site|dist)-packages(?:\/|$)/.test(into))
        out.push({ path: into, where: `the ${instruction.keyword} at line ${instruction.line}` });
      continue;
    }
    if (!atRun && instruction.index <= install.index) continue;
    const path = systemPythonPath(instruction.logical.slice(instruction.argsStart), binCopied, made);
    if (path) out.push({ path, where: `the ${instruction.keyword} at line ${instruction.line}` });
  }
  for (const script of scriptsRun(stage, context)) {
    if (!AT_RUN.has(script.instruction.keyword) && script.instruction.index <= install.index) continue;
    const code = script.text
      .split(/\r?\n/)
      // Comments go, but not the #! line: `#!/usr/local/bin/python` runs the image's own Python.
      .map((l, i) => (i === 0 && l.startsWith("#!") ? l : l.replace(/(^|\s)#.*$/, "")))
      .join("\n");
    const path = systemPythonPath(code, binCopied, made);
    if (path) out.push({ path, where: `${script.file} (run by line ${script.instruction.line})` });
  }
  return out;
}

/** Files that configure what the image runs: a crontab, supervisord's and other .conf / .ini files, scripts. */
const CONFIG_FILE = /(?:^|\/)(?:crontab|[^/]*\.(?:conf|ini|cfg|cron|service|ya?ml|env|sh|bash)|[^/.]+)$/;

/**
 * The image's own Python paths that a configuration file copied in names (`/usr/local/bin/python
 * job.py` in a crontab, `command=/usr/local/bin/gunicorn` in supervisord's): the file copied
 * on its own, by name, from the build context.
 */
function configsNaming(
  instruction: Instruction,
  context: BuildContext,
  binCopied: boolean,
  made: ReadonlySet<string>,
): { path: string; where: string }[] {
  const out: { path: string; where: string }[] = [];
  for (const { rel, text } of copiedConfigFiles(instruction, context)) {
    const found = systemPythonPath(text.replace(/(^|\s)#.*$/gm, "$1"), binCopied, made);
    if (found) out.push({ path: found, where: `${rel} (copied by line ${instruction.line})` });
  }
  return out;
}

/** The configuration files (CONFIG_FILE) a COPY or ADD copies on its own, by name, from the build context, with their texts. */
function copiedConfigFiles(instruction: Instruction, context: BuildContext): { rel: string; text: string }[] {
  const { keyword } = instruction;
  if ((keyword !== "COPY" && keyword !== "ADD") || instruction.flag("from") !== undefined) return [];
  if (instruction.heredoc || isWholeContextCopy(instruction)) return [];
  return instruction
    .copySources()
    .map((source) => source.replace(/^\.\//, ""))
    .filter((rel) => CONFIG_FILE.test(rel) && !/[*?[]/.test(rel))
    .flatMap((rel) => {
      const text = context.read(rel);
      return text === undefined ? [] : [{ rel, text }];
    });
}

/**
 * What the builder keeps out of the final image: build packages, a compiler step, a build tool
 * (uv's binary, Poetry, a pip-installed installer), what the builder copies in from elsewhere.
 */
export function keptOut(build: Build, { placed, installed }: Placement): string[] {
  const allTools = new Set(Object.values(TOOL_COMMANDS).flat());
  const inBuilder = placed.filter((p) => p.role === "builder");
  const builderCommands = inBuilder
    .filter((p) => p.instruction.keyword === "RUN")
    .flatMap((p) => (p.instruction.shell()?.commands ?? []).map((c) => ({ run: p.instruction, c })));
  const isInstallRun = (run: Placed["instruction"]): boolean =>
    run === build.depsRun || build.projectRuns.includes(run);
  const from = (p: Placed): string | undefined => p.instruction.flag("from")?.value;
  const poetry = build.install.tool === "poetry";
  const out: string[] = [];
  if (installed.some((p) => isBuildTool(p) || /-dev(?:-compat)?$/.test(p))) out.push("build packages");
  if (inBuilder.some((p) => UV_IMAGE.test(from(p) ?? ""))) out.push("uv");
  if (poetry) out.push("Poetry");
  if (builderCommands.some(({ c }) => needsBuilder(c, allTools) !== undefined)) out.push("the compiler step");
  if (!poetry && builderCommands.some(({ run, c }) => !isInstallRun(run) && parsePipInstall(c) !== undefined))
    out.push("the installers pip set up");
  if (inBuilder.some((p) => from(p) !== undefined && !UV_IMAGE.test(from(p)!))) out.push("what the builder copies in");
  return out;
}

/** The runtime stage's system packages, and how one more is added (not when the base image or a RUN of the stage has it). */
export interface RuntimePackages {
  list: string[];
  add(pkg: string): void;
  /** Whether the runtime stage has the package: its base image, its list, or a RUN of its own installs it. */
  has(pkg: string): boolean;
}

/**
 * The runtime's system packages: runtime libraries of build packages, other packages as they were
 * (but not those a RUN of the runtime stage installs itself), and the tools its HEALTHCHECK calls.
 */
export function runtimePackages(scene: Scene, { placed, installed, purged }: Placement): RuntimePackages {
  const runtimeInstalls = new Set(
    placed
      .filter((p) => p.role === "runtime")
      .flatMap((p) => (p.instruction.shell()?.commands ?? []).flatMap(aptInstalls)),
  );
  const list: string[] = [];
  const has = (pkg: string): boolean => list.includes(pkg) || inBase(pkg, true) || runtimeInstalls.has(pkg);
  const add = (pkg: string): void => {
    if (!has(pkg)) list.push(pkg);
  };
  const unknownDev: string[] = [];
  const release = olderRelease(scene.file.baseImage(scene.stage));
  const trixieNames: string[] = [];
  for (const pkg of installed) {
    if (isBuildTool(pkg)) continue;
    if (/-dev(?:-compat)?$/.test(pkg)) {
      const runtime = runtimeOf(pkg, scene.ctx.options.packages);
      if (runtime) runtime.forEach(add);
      else unknownDev.push(pkg);
      if (release) trixieNames.push(...(runtime ?? []).filter((lib) => list.includes(lib) && onlyInTrixie(lib)));
    } else if (!purged.has(pkg)) add(pkg);
  }
  if (trixieNames.length > 0) {
    throw new NotSplit(
      `the stage is on Debian ${release}, and the runtime libraries dfmod knows for its -dev packages are trixie's (${trixieNames.join(", ")}), which ${release} does not have: move it to trixie first (-t debian-to-trixie), or split it by hand`,
      "warning",
    );
  }
  compilerRuntime(scene, installed, add, has);
  healthcheckTools(scene, installed, list, add);
  if (unknownDev.length > 0) {
    throw new NotSplit(
      `no known runtime library for ${unknownDev.join(", ")}: the runtime stage could not install what the application loads at run time`,
      "warning",
    );
  }
  return { list, add, has };
}

/**
 * The Debian release of a python:* or uv image older than trixie (`3.11-slim-bookworm`, `3.8-slim`:
 * Python 3.8 and older have no trixie images), or undefined for trixie and tags that follow it.
 */
function olderRelease(image: string): string | undefined {
  const tag = parseImage(image).tag ?? "";
  const codename = /(?:^|-)(bookworm|bullseye|buster|stretch|trixie)(?:-|$)/.exec(tag)?.[1];
  if (codename) return codename === "trixie" ? undefined : codename;
  const m = /^(?:python)?3\.(\d+)(?:\.(\d+))?(?:[.-]|$)/.exec(tag);
  if (!m) return undefined;
  if (Number(m[1]) <= 8) return "bookworm or older";
  // A patch tag without a codename is built on the release that was the default while the patch
  // was current: trixie only from the patches released after it became the default.
  const first = FIRST_DEFAULT_TRIXIE[`3.${m[1]}`];
  return m[2] !== undefined && first !== undefined && Number(m[2]) < first ? "bookworm or older" : undefined;
}

/**
 * The first patch of each line released after the python images' default became trixie (August
 * 2025): an older patch's tag without a codename (`3.11.0-slim`) is bookworm's or bullseye's.
 */
const FIRST_DEFAULT_TRIXIE: Record<string, number> = { "3.9": 24, "3.10": 19, "3.11": 14, "3.12": 12, "3.13": 7 };

let trixieOnly: Set<string> | undefined;

/** A package name trixie has in place of an older release's (libmagic1t64 for libmagic1, libgdal36 for libgdal32). */
function onlyInTrixie(name: string): boolean {
  trixieOnly ??= new Set([...renames().values()].flatMap((r) => r.to));
  return trixieOnly.has(name);
}

/** Debian's GNU compilers (gcc, g++, gfortran, versioned or through build-essential). */
const GNU_COMPILER = /^(?:build-essential|gcc|g\+\+|gfortran)(?:-\d+)?$/;

/**
 * gcc brings OpenMP's runtime, libgomp1, into the image: an extension built with -fopenmp loads
 * it, and so do wheels that do not bundle it (lightgbm, xgboost). The original image had it with
 * the compiler; the runtime stage, without the compiler, gets it on its own (a few hundred KB).
 */
function compilerRuntime(
  scene: Scene,
  installed: string[],
  add: (pkg: string) => void,
  has: (pkg: string) => boolean,
): void {
  if (!installed.some((p) => GNU_COMPILER.test(p))) return;
  // gfortran's runtime too: an extension built from Fortran loads libgfortran5.
  const fortran = installed.some((p) => /^gfortran(?:-\d+)?$/.test(p)) && !has("libgfortran5");
  if (has("libgomp1") && !fortran) return;
  add("libgomp1");
  if (fortran) add("libgfortran5");
  scene.notes.push({
    id: "openmp-runtime-kept",
    severity: "info",
    line: scene.stage.from.line,
    message: `libgomp1 (OpenMP's runtime)${fortran ? " and libgfortran5 (Fortran's)" : ""}, which the compiler brought into the image, ${fortran ? "are" : "is"} installed in the runtime stage: extensions built with -fopenmp${fortran ? " or from Fortran" : ""}, and wheels such as lightgbm and xgboost, load ${fortran ? "them" : "it"} at run time`,
  });
}

/** Tools a HEALTHCHECK calls that slim images lack (BusyBox had wget and nc built in). */
function healthcheckTools(scene: Scene, installed: string[], packages: string[], add: (pkg: string) => void): void {
  for (const instruction of scene.list) {
    if (instruction.keyword !== "HEALTHCHECK") continue;
    for (const [tool, pkg] of Object.entries(HEALTHCHECK_TOOLS)) {
      if (
        new RegExp(`(?:^|[\\s"'\\[;&|])${tool}(?:[\\s"',]|$)`).test(instruction.args) &&
        !packages.includes(pkg) &&
        !installed.includes(pkg)
      ) {
        add(pkg);
        scene.notes.push({
          id: "healthcheck-tool-added",
          severity: "info",
          line: instruction.line,
          message: `the HEALTHCHECK calls ${tool}: ${pkg} is installed in the runtime stage (slim images do not have it)`,
        });
      }
    }
  }
}

/**
 * git the original kept in its image: the runtime stage gets it when the image's own command runs
 * it, or when the original installs it after the dependency install (so not for pip's git+ URLs,
 * but for the application); otherwise the user is told, since the application may run it in ways
 * no file shows.
 */
export function gitAtRuntime(
  scene: Scene,
  build: Build,
  { placed, installed, purged }: Placement,
  packages: RuntimePackages,
): void {
  if (!installed.includes("git") || purged.has("git")) return;
  const runsGit =
    scene.list.some(
      (i) => ["CMD", "ENTRYPOINT"].includes(i.keyword) && /(?:^|[\s"'\[;&|/])git(?:[\s"',\]]|$)/.test(i.args),
    ) || runtimeScripts(scene.stage, scene.ctx.context).some((s) => commandIn(s.text, new Set(["git"])) !== undefined);
  const library = !runsGit ? gitLibrary(scene, build) : undefined;
  const afterInstall = !runsGit && !library && gitAfterInstall(placed);
  const notForBuild = !runsGit && !library && !afterInstall && buildNeedsNoGit(scene, build);
  if (runsGit || library || afterInstall || notForBuild) packages.add("git");
  scene.notes.push({
    id: "git-in-builder",
    severity: "info",
    line: scene.stage.from.line,
    message: runsGit
      ? "git is installed in the runtime stage too: the image's command runs it"
      : library
        ? `git is installed in the runtime stage too: ${library}, which the install brings, runs the git program`
        : afterInstall
          ? "git is installed in the runtime stage too: the original installs it after the dependency install, so for the application"
          : notForBuild
            ? "git is installed in the runtime stage too: the install needs no git (no git+ URL in its requirements, no version from git), so the image had it for the application"
            : "git stays in the builder stage (pip needs it for git+ URLs); the runtime stage does not get it: add it there if the application runs git",
  });
}

/** Python packages that run the git program (GitPython's `import git` fails without it). */
const RUNS_GIT = /^\s*(gitpython|pre-commit)\s*(?:[=<>!~;[@\s]|$)/im;

/**
 * The first dependency `pattern` names (its first group) that the install brings, as its
 * requirement files, pyproject.toml or command line write it.
 */
function dependencyNamed(scene: Scene, build: Build, pattern: RegExp, quick?: RegExp): string | undefined {
  const context = scene.ctx.context;
  const texts: string[] = [...build.install.packages];
  // Requirement files, and those they include (`-r base.txt`, relative to the file).
  const files = [...build.install.requirements, ...build.install.constraints].map((f) => f.replace(/^\.\//, ""));
  for (let k = 0; k < files.length && k < 20; k++) {
    const text = context?.read(files[k]!) ?? "";
    texts.push(text);
    if (!/(?:^|\n)[ \t]*-(?:r|c|-requirement|-constraint)\b/.test(text)) continue;
    for (const m of text.matchAll(/^\s*-(?:r|c|-requirement|-constraint)[=\s]+(\S+)/gm))
      files.push(path.posix.normalize(path.posix.join(path.posix.dirname(files[k]!), m[1]!)));
  }
  // The project's own dependencies, when the install installs it: [project] dependencies only.
  const pyproject = build.install.project ? context?.read("pyproject.toml") : undefined;
  if (pyproject !== undefined && (!quick || quick.test(pyproject))) {
    const project = toml(pyproject)?.project;
    const deps = isTable(project) ? project.dependencies : undefined;
    if (Array.isArray(deps)) texts.push(deps.filter((d) => typeof d === "string").join("\n"));
  }
  // Most installs name none of them: one look at each text first.
  const named = quick ? texts.filter((t) => quick.test(t)) : texts;
  for (const t of named)
    for (const line of t.split(/\r?\n/)) {
      const found = pattern.exec(line)?.[1];
      if (found !== undefined) return found;
    }
  return undefined;
}

/** The dependency the install brings that runs git. */
function gitLibrary(scene: Scene, build: Build): string | undefined {
  const found = dependencyNamed(scene, build, RUNS_GIT, /gitpython|pre-commit/i);
  return found === undefined ? undefined : found.toLowerCase() === "gitpython" ? "GitPython" : found;
}

/** Packages that run a C compiler at run time: torch.compile's inductor, triton's launcher, PyTensor. */
const COMPILES_AT_RUN = /^\s*(torch|triton|vllm|sglang|pytensor|pymc)\s*(?:[=<>!~;[@\s]|$)/im;

/**
 * A warning when the split leaves the runtime stage without the compiler the original image had
 * and the install brings a package that compiles at run time (torch.compile on CPU fails without
 * one; PyTensor falls back to slow Python code).
 */
export function runtimeCompiler(scene: Scene, build: Build, installed: string[], packages: string[]): NoteInput[] {
  const compiler = installed.find((p) => /^(?:build-essential|gcc|g\+\+|clang)(?:-\d+)?$/.test(p));
  if (!compiler || packages.some((p) => p === compiler)) return [];
  const found = dependencyNamed(scene, build, COMPILES_AT_RUN, /torch|triton|vllm|sglang|pytensor|pymc/i);
  if (!found) return [];
  return [
    {
      id: "runtime-compiler-dropped",
      severity: "warning",
      line: build.depsRun.line,
      message: `the runtime stage has no C compiler (${compiler} stays in the builder), and ${found} compiles code at run time (torch.compile on CPU, triton's kernels, PyTensor): if the application does, install ${compiler} in the runtime stage`,
    },
  ];
}

/** What needs git to build: a git+ URL, or a version taken from git (setuptools-scm, hatch-vcs...). */
const GIT_AT_BUILD =
  /git\+|git:\/\/|setuptools[-_]scm|hatch[-_]vcs|versioneer|\bpbr\b|dunamai|dynamic[-_]versioning|vcs-versioning/i;

/**
 * The build context shows that the install needs no git: its requirement files, and the
 * project's pyproject.toml, setup.py, setup.cfg and lockfiles, can all be read and none names a
 * git+ URL or a git-based version. False without a build context, or with a file it cannot read.
 */
function buildNeedsNoGit(scene: Scene, build: Build): boolean {
  const context = scene.ctx.context;
  if (!context) return false;
  const { requirements, constraints } = build.install;
  const named = [...requirements, ...constraints];
  if (named.some((f) => f.includes("$") || context.read(f.replace(/^\.\//, "")) === undefined)) return false;
  const project = ["pyproject.toml", "setup.py", "setup.cfg", "uv.lock", "poetry.lock", "Pipfile", "Pipfile.lock"];
  const texts = [...named, ...project].map((f) => context.read(f.replace(/^\.\//, "")) ?? "");
  texts.push([...build.install.packages, ...build.install.editables].join("\n"));
  // A -r or -c include names another file, whose folder dfmod would have to guess: git stays in the builder.
  return !texts.some((t) => GIT_AT_BUILD.test(t) || /^\s*-(?:r|c|-requirement|-constraint)\b/m.test(t));
}

/** An install of git after the dependency install, in the builder's RUNs (`... && pip install ... && apt-get install git`). */
function gitAfterInstall(placed: Placed[]): boolean {
  let installed = false;
  for (const { instruction, role } of placed) {
    if (role !== "builder" && role !== "drop") continue;
    for (const command of instruction.shell()?.commands ?? []) {
      if (dependencyInstall(command) || parsePipInstall(command)) installed = true;
      else if (installed && aptInstalls(command).includes("git")) return true;
    }
  }
  return false;
}

/** The runtime's copy of the environment: its owner, and the RUNs that create users (moved above it when it names one). */
export interface VenvOwner {
  chown: string | undefined;
  userRuns: Placed[];
}

export function venvOwner(scene: Scene, build: Build, { placed }: Placement, owner: string | undefined): VenvOwner {
  const { list } = scene;
  const depsIndex = list.indexOf(build.depsRun);
  const userRuns = placed.filter(
    (p) =>
      p.role === "runtime" &&
      p.instruction.keyword === "RUN" &&
      p.instruction.shell()?.items.every((it) => it.command && isUserCommand(it.command)),
  );
  // COPY --chown with a name fails when the user does not exist yet: the venv is chowned only to
  // numeric ids or to users that a RUN before it (or a user-creation RUN moved up) creates.
  const runtimeBeforeVenv = placed
    .filter(
      (p) =>
        (p.role === "runtime" || p.role === "both") &&
        (list.indexOf(p.instruction) < depsIndex || userRuns.includes(p)),
    )
    .map((p) => p.instruction);
  const wanted = owner === "root" || owner === "0" || owner?.startsWith("root:") ? undefined : owner;
  const chown = wanted && ownerExists(runtimeBeforeVenv, wanted) ? wanted : undefined;
  if (wanted && !chown) {
    throw new NotSplit(
      `the installed packages belong to ${wanted}, who is created after the place the runtime stage would copy them to; create the user before the install`,
    );
  }
  return { chown, userRuns };
}

/** An upgrade of the image's packages in the build part must reach the runtime stage too. */
export function upgradesPackages({ placed }: Placement): boolean {
  return placed.some(
    (p) =>
      (p.role === "builder" || p.role === "drop") &&
      (p.instruction.shell()?.commands ?? []).some((c) => {
        const [name, verb] = words(c);
        return (name === "apt-get" || name === "apt") && (verb === "upgrade" || verb === "dist-upgrade");
      }),
  );
}
