/**
 * multi-stage: a single-stage Python image carries its compilers, headers and package caches into
 * production. This splits it: a builder stage (system build packages, uv or pip, the manifests, the
 * install into a virtual environment, and the project install when there is one) and a runtime
 * stage on the same base that receives the virtual environment, the runtime libraries of the
 * builder's -dev packages, the user, the code, and every other instruction in its original order.
 */
import { afterLineBreak } from "../../src/engine/source";
import { applyEdits, Edit } from "../../src/engine/edits";
import { isWholeContextCopy, type Instruction, type Stage } from "../../src/engine/dockerfile";
import type { ShellCommand } from "../../src/engine/shell";
import type { NoteInput } from "../../src/engine/types";
import type { Context, Transform } from "../options";
import {
  dependencyInstall,
  DependencyInstall,
  isCacheCleanup,
  parsePipInstall,
  resolvePath,
  venvActivation,
  venvCreation,
} from "../../src/engine/commands";
import {
  copyChownSpec,
  envPairs,
  installTarget,
  ownerExists,
  recursiveChown,
  stageStates,
} from "../../src/engine/stage";
import { inBase, packageMap } from "../alpine-to-trixie/packages";
import { runtimeOfDev } from "../alpine-to-trixie/resolve";
import { meta } from "./meta";

/** Debian packages that only build things: nothing of them is needed at run time. */
const BUILD_TOOLS = new Set([
  "autoconf",
  "automake",
  "binutils",
  "bison",
  "build-essential",
  "cargo",
  "clang",
  "cmake",
  "dpkg-dev",
  "flex",
  "g++",
  "gcc",
  "git",
  "libc6-dev",
  "libtool",
  "libtool-bin",
  "linux-libc-dev",
  "llvm",
  "make",
  "meson",
  "nasm",
  "ninja-build",
  "patch",
  "pkg-config",
  "pkgconf",
  "python3-dev",
  "rustc",
  "swig",
]);

/** The commands of build-tool packages (those the runtime stage does not get). */
const TOOL_COMMANDS: Record<string, string[]> = {
  "build-essential": ["gcc", "cc", "g++", "c++", "make"],
  gcc: ["gcc", "cc"],
  "g++": ["g++", "c++"],
  clang: ["clang", "clang++"],
  make: ["make"],
  cmake: ["cmake"],
  git: ["git"],
  cargo: ["cargo"],
  rustc: ["rustc"],
  "pkg-config": ["pkg-config"],
  pkgconf: ["pkg-config", "pkgconf"],
  swig: ["swig"],
  meson: ["meson"],
  "ninja-build": ["ninja"],
  nasm: ["nasm"],
  patch: ["patch"],
  autoconf: ["autoconf", "autoreconf"],
  automake: ["automake"],
  libtool: ["libtool"],
  bison: ["bison"],
  flex: ["flex"],
  binutils: ["ld", "as", "ar", "strip"],
};

/**
 * What a command needs of the builder: a compiler or build tool the runtime stage lacks
 * (`make`, `gcc`, `git`...), or a build of C code (`setup.py build_ext`, `cythonize`...).
 */
function needsBuilder(command: ShellCommand, builderOnly: Set<string>): string | undefined {
  const t = words(command);
  const name = t[0]?.slice(t[0].lastIndexOf("/") + 1);
  if (name === undefined) return undefined;
  if (builderOnly.has(name)) return name;
  if (["cythonize", "maturin", "f2py"].includes(name)) return name;
  const python = /^python(?:3(?:\.\d+)?)?$/.test(name);
  if (python && t[1] === "setup.py" && /^(?:build|build_ext|install|develop|bdist_wheel|bdist_egg)$/.test(t[2] ?? ""))
    return `python setup.py ${t[2]}`;
  if (python && t[1] === "-m" && (t[2] === "build" || t[2] === "cython")) return `python -m ${t[2]}`;
  return undefined;
}

/**
 * Debian build package -> the runtime packages it stands for (libpq-dev -> libpq5): the user's map,
 * the package map, or the rule that finds a -dev package's library among trixie's names.
 */
let runtimeIndex: Map<string, string[]> | undefined;
function runtimeOf(pkg: string, user: Record<string, { build: string[]; runtime: string[] }>): string[] | undefined {
  for (const entry of Object.values(user)) if (entry.build.includes(pkg)) return entry.runtime;
  if (!runtimeIndex) {
    runtimeIndex = new Map();
    for (const entry of Object.values(packageMap)) {
      for (const b of entry.build) {
        if (entry.build.length === 1 || !runtimeIndex.has(b)) runtimeIndex.set(b, entry.runtime);
      }
    }
  }
  const known = runtimeIndex.get(pkg);
  if (known) return known;
  const library = runtimeOfDev(pkg);
  return library ? [library] : undefined;
}

/** Tools a HEALTHCHECK may call that slim images lack (BusyBox had wget and nc built in). */
const HEALTHCHECK_TOOLS: Record<string, string> = { curl: "curl", wget: "wget", nc: "netcat-openbsd" };

type Role = "builder" | "runtime" | "both" | "drop";

interface Placed {
  instruction: Instruction;
  role: Role;
  /** Edits to the instruction's own text in the builder copy (purges removed, --system dropped). */
  builderEdits?: Edit[];
}

export const multiStage: Transform = {
  id: "multi-stage",
  summary: "split a single-stage Python build into a builder stage and a lean runtime stage",
  meta,
  apply(ctx: Context) {
    const notes: NoteInput[] = [];
    const file = ctx.dockerfile;
    if (file.stages.length > 1) {
      notes.push({
        id: "already-multi-stage",
        severity: "info",
        line: file.stages[1]!.from.line,
        message: "already multi-stage: left as it is",
      });
      return { edits: [], notes };
    }
    const stage = file.stages[0];
    if (!stage) return undefined;
    const edit = split(ctx, stage, notes);
    // The runtime stage reaches the copied virtual environment through PATH (and VIRTUAL_ENV for uv).
    return { edits: edit ? [edit] : [], notes, declares: edit ? ["env PATH", "env VIRTUAL_ENV"] : [] };
  },
};

function isPythonImage(image: string): boolean {
  return /(?:^|\/)python:|(?:^|\/)uv:python|^python$/.test(image) || /astral-sh\/uv:/.test(image);
}

function words(command: ShellCommand): (string | undefined)[] {
  return command.words.map((w) => w.text);
}

function isAptOrApk(command: ShellCommand): boolean {
  const [name] = words(command);
  return name === "apt-get" || name === "apt" || name === "apk";
}

function isPurge(command: ShellCommand): boolean {
  const t = words(command);
  return (
    ((t[0] === "apt-get" || t[0] === "apt") && (t[1] === "purge" || t[1] === "remove" || t[1] === "autoremove")) ||
    (t[0] === "apk" && t.includes("del"))
  );
}

function isUserCommand(command: ShellCommand): boolean {
  const [name] = words(command);
  return name !== undefined && ["useradd", "groupadd", "adduser", "addgroup", "usermod"].includes(name);
}

/** Commands that belong to the build: installs, system packages, venv set-up, pip upgrades. */
function isBuildCommand(command: ShellCommand): boolean {
  if (isAptOrApk(command) || isCacheCleanup(command) || dependencyInstall(command)) return true;
  if (venvCreation(command) !== undefined || venvActivation(command) !== undefined) return true;
  const pip = parsePipInstall(command);
  if (pip) return true;
  const [name, sub] = words(command);
  return name === "set" || name === "true" || (name === "poetry" && sub === "config");
}

/** Packages an `apt-get install` names (options left out). */
function aptInstalls(command: ShellCommand): string[] {
  const t = words(command);
  if ((t[0] !== "apt-get" && t[0] !== "apt") || !t.includes("install")) return [];
  return t
    .slice(t.indexOf("install") + 1)
    .filter((w): w is string => w !== undefined && !w.startsWith("-"))
    .map((w) => w.replace(/=.*$/, ""));
}

function aptPurges(command: ShellCommand): string[] {
  const t = words(command);
  if (!isPurge(command) || t[0] === "apk") return [];
  return t.slice(2).filter((w): w is string => w !== undefined && !w.startsWith("-"));
}

const MANIFEST =
  /(?:^|\/)(?:[^/]*requirements[^/]*\.(?:txt|in)|pyproject\.toml|uv\.lock|poetry\.lock|setup\.py|setup\.cfg|Pipfile(?:\.lock)?|constraints[^/]*\.txt)$/;

function split(ctx: Context, stage: Stage, notes: NoteInput[]): Edit | undefined {
  const file = ctx.dockerfile;
  const list = stage.instructions.slice(1);
  const line = stage.from.line;
  const leave = (message: string, severity: NoteInput["severity"] = "info"): undefined => {
    notes.push({ id: "not-split", severity, line, message: `not split into builder and runtime stages: ${message}` });
    return undefined;
  };

  // The dependency install, and the project install after the code copy.
  const installs: { instruction: Instruction; install: DependencyInstall }[] = [];
  for (const instruction of list) {
    if (instruction.heredoc && /\b(?:pip|uv|poetry)\b/.test(file.text.slice(instruction.start, instruction.end))) {
      return leave(`the heredoc RUN at line ${instruction.line} may install dependencies, which dfmod cannot see into`);
    }
    for (const command of instruction.shell()?.commands ?? []) {
      const install = dependencyInstall(command);
      if (install) installs.push({ instruction, install });
    }
  }
  if (stage.name?.toLowerCase() === ctx.options.builderStageName.toLowerCase()) {
    return leave(`the stage is already named ${stage.name}; choose another --builder-stage-name`);
  }
  if (!isPythonImage(ctx.dockerfile.baseImage(stage))) {
    return leave(
      installs.length > 0
        ? "its Python is not a python:* image's (a venv made with the distribution's python3 needs python3-venv, and the runtime its interpreter): split it by hand"
        : "not a Python image",
    );
  }
  const apk = list.find(
    (i) =>
      i.shell()?.commands.some((c) => c.words[0]?.text === "apk") ||
      (i.keyword === "RUN" && (i.heredoc || i.isJson) && /\bapk\b/.test(file.text.slice(i.start, i.end))),
  );
  if (apk) {
    return leave(
      `the stage installs with apk (line ${apk.line}): dfmod does not know the Alpine runtime packages of what it installs, so a runtime stage could lose them. Migrate it to Debian first (alpine-to-trixie), or split it by hand`,
      "warning",
    );
  }
  if (installs.length === 0)
    return leave(
      "no dependency install that dfmod understands (pip, uv or poetry); custom scripts, make install and conda are left to you",
    );
  const first = installs[0]!;
  if (installs.some((i) => i.install.command.words.some((w) => w.text === "--user")))
    return leave("`pip install --user` installs are not split");
  const depsRun = first.instruction;
  const depsScript = depsRun.shell()!;
  if (!depsScript.items.every((item) => item.command && isBuildCommand(item.command))) {
    return leave(`the install RUN at line ${depsRun.line} also does other work; put that in a RUN of its own`);
  }
  const projectRuns = [
    ...new Set(installs.filter((i) => i.instruction !== depsRun && i.install.project).map((i) => i.instruction)),
  ];
  const lastBuildRun = projectRuns[projectRuns.length - 1] ?? depsRun;
  for (const run of projectRuns) {
    if (!run.shell()!.items.every((item) => item.command && isBuildCommand(item.command))) {
      return leave(`the install RUN at line ${run.line} also does other work; put that in a RUN of its own`);
    }
  }
  if (installs.some((i) => i.instruction !== depsRun && !projectRuns.includes(i.instruction))) {
    return leave("more than one dependency install outside the build; dfmod does not know which stage each belongs to");
  }

  // Where the environment lives.
  const states = stageStates(stage);
  const workdir = states.get(depsRun)!.workdir;
  let venv: string | undefined;
  let newVenv = false;
  const envValue = (key: string): string | undefined => {
    let value: string | undefined;
    for (const i of list) if (i.keyword === "ENV") for (const p of envPairs(i)) if (p.key === key) value = p.value;
    return value;
  };
  for (const instruction of list) {
    for (const command of instruction.shell()?.commands ?? []) {
      const created = venvCreation(command);
      if (created !== undefined) venv ??= resolvePath(states.get(instruction)!.workdir, created);
    }
  }
  const tool = first.install.tool;
  // `ENV UV_SYSTEM_PYTHON=1` makes every `uv pip install` a `--system` one, which skips virtual
  // environments: the builder's environment would stay empty.
  if (tool === "uv-pip" && /^(?:1|true|yes|on)$/i.test(envValue("UV_SYSTEM_PYTHON") ?? ""))
    return leave(
      "ENV UV_SYSTEM_PYTHON makes `uv pip install` install into the image's Python, not into an environment the runtime stage could copy; drop it (uv sync, or a venv), or split the stage by hand",
      "warning",
    );
  const system = first.install.system;
  if (tool === "uv-sync") {
    venv = envValue("UV_PROJECT_ENVIRONMENT") ?? resolvePath(workdir, ".venv");
  } else if (tool === "poetry") {
    // Poetry is told (by environment, which wins over its config) to use an in-project venv.
    venv = resolvePath(workdir, ".venv");
  } else if (system || !venv) {
    const pipPath = /^(.*)\/bin\/pip3?$/.exec(first.install.command.words[0]?.text ?? "")?.[1];
    venv =
      pipPath ?? envValue("VIRTUAL_ENV") ?? (tool === "uv-pip" && !system ? resolvePath(workdir, ".venv") : undefined);
    if (!venv || system) {
      venv = "/opt/venv";
      newVenv = true;
    }
  }

  if (!/^[\w./${}-]+$/.test(venv)) return leave(`the environment's folder \`${venv}\` is not a plain path`);

  // Where the code copies put the whole context: files copied there earlier come with them.
  const codeRoots = list
    .filter(isWholeContextCopy)
    .map((c) => resolvePath(states.get(c)!.workdir, c.copyDestination()));

  // Who owns the installed packages in the original image: whoever ran the install, or the owner a
  // `chown -R` of just the environment gave it. The runtime's copy keeps that owner, never a wider one.
  const target = installTarget(stage, depsRun, first.install);
  let owner = states.get(depsRun)!.user;
  const ownerRun = list.find((i) => {
    const items = i.shell()?.items ?? [];
    if (list.indexOf(i) <= list.indexOf(depsRun) || items.length === 0 || !target) return false;
    const chowns = items.map((it) => it.command && recursiveChown(it.command));
    return chowns.every((c) => c && resolvePath(states.get(i)!.workdir, c.dir) === target);
  });
  if (ownerRun) owner = copyChownSpec(recursiveChown(ownerRun.shell()!.items[0]!.command!)!.spec);

  // Which stage each instruction goes to.
  const depsIndex = list.indexOf(depsRun);
  const buildEnd = list.indexOf(lastBuildRun);
  const placed: Placed[] = [];
  const installed: string[] = [];
  const purged = new Set<string>();
  for (const [i, instruction] of list.entries()) {
    const k = instruction.keyword;
    const beforeBuildEnd = i < buildEnd;
    let role: Role;
    if (instruction === depsRun || projectRuns.includes(instruction)) role = "builder";
    else if (k === "ARG" || k === "ENV" || k === "WORKDIR" || k === "SHELL") role = i < buildEnd ? "both" : "runtime";
    else if (k === "COPY" || k === "ADD") {
      const from = instruction.flag("from")?.value;
      if (from !== undefined)
        role = /astral-sh\/uv/.test(from) ? (usesUvAtRuntime(list) ? "both" : "builder") : "runtime";
      else if (isWholeContextCopy(instruction)) role = beforeBuildEnd ? "both" : "runtime";
      else if (i < depsIndex) {
        // Manifests only serve the install; other files copied before it (local packages) serve the
        // runtime too, unless the runtime's code copy brings them to the same place anyway.
        const sources = instruction.copySources();
        const dest = resolvePath(states.get(instruction)!.workdir, instruction.copyDestination());
        const covered = codeRoots.some((root) => dest === root || dest.startsWith(root + "/"));
        role = sources.every((src) => MANIFEST.test(src)) || covered ? "builder" : "both";
      } else role = "runtime";
    } else if (k === "RUN") {
      const script = instruction.shell();
      const items = script?.items ?? [];
      const commands = items.map((it) => it.command);
      const unread = !script || script.hasError || commands.some((c) => !c);
      if (unread && i < buildEnd) {
        // Before the install, a RUN may prepare it (an apt-get inside `if`, a heredoc): the builder may
        // need it, or the runtime, or both; dfmod cannot tell.
        return leave(
          `the RUN at line ${instruction.line} comes before the install and dfmod cannot read all of it (a heredoc, a pipe, \`if\`, a subshell): it does not know which stage needs it`,
        );
      } else if (unread) role = "runtime";
      else if (instruction === ownerRun) role = "drop";
      else if (commands.every((c) => isPurge(c!) || isCacheCleanup(c!) || words(c!)[0] === "true")) role = "drop";
      else if (i < buildEnd && commands.every((c) => isBuildCommand(c!))) role = "builder";
      else if (commands.every((c) => isUserCommand(c!))) role = "runtime";
      else if (i < buildEnd && commands.every((c) => words(c!)[0] === "mkdir")) role = "both";
      else if (i < buildEnd && commands.some((c) => isAptOrApk(c!) && !isPurge(c!))) {
        return leave(
          `the RUN at line ${instruction.line} mixes system packages with other work; put the apt-get install in a RUN of its own`,
        );
      } else if (i < buildEnd) {
        const other = commands.find((c) => !isBuildCommand(c!) && !isUserCommand(c!))!;
        return leave(
          `the RUN at line ${instruction.line} comes before the install and does other work (\`${other.words.map((w) => w.raw).join(" ")}\`): the install may need it, or the runtime stage, or both; dfmod does not know which`,
        );
      } else role = "runtime";
    } else if (k === "ONBUILD") return leave("ONBUILD instructions");
    else role = "runtime";

    if (role === "builder" || role === "drop") {
      for (const command of instruction.shell()?.commands ?? []) {
        installed.push(...aptInstalls(command));
        for (const p of aptPurges(command)) purged.add(p);
      }
    }
    const entry: Placed = { instruction, role };
    if (role === "builder" && instruction.keyword === "RUN") entry.builderEdits = builderEdits(instruction);
    // The builder runs as root and creates no user: a copy into it keeps root as owner.
    const chownFlag = instruction.flag("chown");
    if ((role === "builder" || role === "both") && (k === "COPY" || k === "ADD") && chownFlag) {
      let end = chownFlag.end;
      while (/[ \t]/.test(instruction.logical[end] ?? "")) end++;
      entry.builderEdits = instruction.replace(chownFlag.start, end, "");
    }
    placed.push(entry);
  }

  // A RUN of the runtime stage that compiles needs the builder's tools: the stage is not split.
  const builderOnly = new Set(installed.filter((p) => BUILD_TOOLS.has(p)).flatMap((p) => TOOL_COMMANDS[p] ?? [p]));
  for (const p of placed.filter((x) => x.role === "runtime" && x.instruction.keyword === "RUN")) {
    for (const command of p.instruction.shell()?.commands ?? []) {
      const tool = needsBuilder(command, builderOnly);
      if (tool) {
        return leave(
          `the RUN at line ${p.instruction.line} runs \`${tool}\`, which needs the compilers and build tools only the builder stage would have; move that build into the install, or split the stage by hand`,
          "warning",
        );
      }
    }
  }

  // A split pays for itself by what the builder keeps out of the final image: build packages, a
  // compiler step, a build tool (uv's binary, Poetry, a pip-installed installer). Without any, the
  // runtime stage would hold the same packages plus the environment's own pip: it is not made.
  const allTools = new Set(Object.values(TOOL_COMMANDS).flat());
  const builderRuns = placed.filter((p) => p.role === "builder" && p.instruction.keyword === "RUN");
  const buildPackages = installed.filter((p) => BUILD_TOOLS.has(p) || /-dev$/.test(p));
  const builderCommands = builderRuns.flatMap((p) =>
    (p.instruction.shell()?.commands ?? []).map((c) => ({ run: p.instruction, c })),
  );
  const keptOut = [
    ...(buildPackages.length ? ["build packages"] : []),
    ...(placed.some((p) => p.role === "builder" && /astral-sh\/uv/.test(p.instruction.flag("from")?.value ?? ""))
      ? ["uv"]
      : []),
    ...(tool === "poetry" ? ["Poetry"] : []),
    ...(builderCommands.some(({ c }) => needsBuilder(c, allTools) !== undefined) ? ["the compiler step"] : []),
    ...(tool !== "poetry" &&
    builderCommands.some(
      ({ run, c }) => run !== depsRun && !projectRuns.includes(run) && parsePipInstall(c) !== undefined,
    )
      ? ["the installers pip set up"]
      : []),
    ...(placed.some(
      (p) =>
        p.role === "builder" &&
        p.instruction.flag("from") !== undefined &&
        !/astral-sh\/uv/.test(p.instruction.flag("from")?.value ?? ""),
    )
      ? ["what the builder copies in"]
      : []),
  ];
  // A split pays for itself by what the builder keeps out of the final image: build packages, a
  // compiler step, a build tool (uv's binary, Poetry, a pip-installed installer). Without any, the
  // runtime stage would hold the same packages plus the environment's own pip: it is not made.
  if (ctx.options.split !== "always" && keptOut.length === 0)
    return leave(
      "a builder stage would keep nothing out of the final image (no build packages, compiler step or build tool), and the runtime stage would carry the virtual environment's own pip; --split always splits it anyway",
    );

  // The runtime's system packages: runtime libraries of build packages, other packages as they were
  // (but not those a RUN of the runtime stage installs itself).
  const runtimeInstalls = new Set(
    placed
      .filter((p) => p.role === "runtime")
      .flatMap((p) => (p.instruction.shell()?.commands ?? []).flatMap(aptInstalls)),
  );
  const runtimePackages: string[] = [];
  const unknownDev: string[] = [];
  const add = (pkg: string): void => {
    if (!runtimePackages.includes(pkg) && !inBase(pkg, true) && !runtimeInstalls.has(pkg)) runtimePackages.push(pkg);
  };
  for (const pkg of installed) {
    if (purged.has(pkg) && !/-dev$/.test(pkg) && !BUILD_TOOLS.has(pkg)) continue;
    const runtime = runtimeOf(pkg, ctx.options.packages);
    if (BUILD_TOOLS.has(pkg)) continue;
    if (/-dev$/.test(pkg)) {
      if (runtime) runtime.forEach(add);
      else unknownDev.push(pkg);
      continue;
    }
    if (purged.has(pkg)) continue;
    add(pkg);
  }
  for (const instruction of list) {
    if (instruction.keyword !== "HEALTHCHECK") continue;
    for (const [tool, pkg] of Object.entries(HEALTHCHECK_TOOLS)) {
      if (
        new RegExp(`(?:^|[\\s"'\\[;&|])${tool}(?:[\\s"',]|$)`).test(instruction.args) &&
        !runtimePackages.includes(pkg) &&
        !installed.includes(pkg)
      ) {
        add(pkg);
        notes.push({
          id: "healthcheck-tool-added",
          severity: "info",
          line: instruction.line,
          message: `the HEALTHCHECK calls ${tool}: ${pkg} is installed in the runtime stage (slim images do not have it)`,
        });
      }
    }
  }
  if (unknownDev.length > 0) {
    return leave(
      `no known runtime library for ${unknownDev.join(", ")}: the runtime stage could not install what the application loads at run time`,
      "warning",
    );
  }

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
    return leave(
      `the installed packages belong to ${wanted}, who is created after the place the runtime stage would copy them to; create the user before the install`,
    );
  }

  // git the original kept in its image: the runtime stage gets it only when the image's own command
  // runs it; otherwise the user is told, since the application may run it in ways no file shows.
  if (installed.includes("git") && !purged.has("git")) {
    const runsGit = list.some(
      (i) => ["CMD", "ENTRYPOINT"].includes(i.keyword) && /(?:^|[\s"'\[;&|/])git(?:[\s"',\]]|$)/.test(i.args),
    );
    if (runsGit) add("git");
    notes.push({
      id: "git-in-builder",
      severity: "info",
      line,
      message: runsGit
        ? "git is installed in the runtime stage too: the image's command runs it"
        : "git stays in the builder stage (pip needs it for git+ URLs); the runtime stage does not get it: add it there if the application runs git",
    });
  }

  // Assemble both stages from the instructions' own text.
  const text = file.text;
  const chunk = (instruction: Instruction, edits?: Edit[]): string => {
    const previous = file.instructions[instruction.index - 1]!;
    const start = afterLineBreak(text, previous.end);
    const own = text.slice(start, instruction.end);
    // The edits are offsets into the file as it is: they apply before a dangling escape goes.
    const edited =
      edits && edits.length > 0
        ? applyEdits(
            own,
            edits.map((e) => ({ ...e, start: e.start - start, end: e.end - start })),
            "\n",
            "multi-stage",
          )
        : own;
    return file.withoutDanglingEscape(edited);
  };
  const builderName = ctx.options.builderStageName;
  const from = stage.from;
  const fromFlags = from.flags.map((f) => from.logical.slice(f.start, f.end) + " ").join("");
  const builder: string[] = [`${from.keywordText} ${fromFlags}${stage.image} ${asKeyword(from)} ${builderName}`];
  const runtime: string[] = [runtimeFrom(ctx, stage)];
  const venvLines = [
    `COPY --from=${builderName}${chown ? ` --chown=${chown}` : ""} ${venv} ${venv}`,
    ...(hasPathEnv(list, venv) ? [] : [`ENV PATH="${venv}/bin:$PATH"`]),
  ];
  const newVenvLines =
    tool === "uv-pip"
      ? [`RUN uv venv ${venv}`, `ENV VIRTUAL_ENV=${venv} PATH="${venv}/bin:$PATH"`]
      : [`RUN python -m venv ${venv}`, `ENV PATH="${venv}/bin:$PATH"`];
  let runtimePackagesPlaced = false;
  let venvPlaced = false;
  const deferred: string[] = [];
  // An upgrade of the image's packages in the build part must reach the runtime stage too.
  const upgraded = placed.some(
    (p) =>
      (p.role === "builder" || p.role === "drop") &&
      (p.instruction.shell()?.commands ?? []).some((c) => {
        const [name, verb] = words(c);
        return (name === "apt-get" || name === "apt") && (verb === "upgrade" || verb === "dist-upgrade");
      }),
  );
  const runtimeSteps = [
    ...(upgraded ? ["apt-get upgrade -y"] : []),
    ...(runtimePackages.length > 0 ? [`apt-get install -y --no-install-recommends ${runtimePackages.join(" ")}`] : []),
  ];
  const runtimePackagesLine =
    runtimeSteps.length > 0
      ? `RUN apt-get update && ${runtimeSteps.join(" && ")} && rm -rf /var/lib/apt/lists/*`
      : undefined;
  for (const [i, p] of placed.entries()) {
    const instruction = p.instruction;
    if (
      instruction === depsRun &&
      (tool === "uv-sync" || tool === "uv-pip") &&
      envValue("UV_PYTHON_DOWNLOADS") === undefined
    ) {
      // uv must use the base image's Python: the runtime stage has no other.
      builder.push("ENV UV_PYTHON_DOWNLOADS=0");
    }
    if (instruction === depsRun && newVenv) builder.push(...newVenvLines);
    if (instruction === depsRun && tool === "poetry")
      builder.push("ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true");
    if (p.role === "builder" || p.role === "both") builder.push(chunk(instruction, p.builderEdits));
    if (
      !runtimePackagesPlaced &&
      runtimePackagesLine &&
      (p.role === "builder" || p.role === "drop") &&
      instruction.keyword === "RUN" &&
      installed.length > 0
    ) {
      runtime.push(runtimePackagesLine);
      runtimePackagesPlaced = true;
    }
    if (instruction === depsRun) {
      // The user must exist before COPY --chown names it.
      if (chown) {
        for (const u of userRuns) {
          if (placed.indexOf(u) > i) runtime.push(chunk(u.instruction));
        }
      }
      runtime.push(...venvLines, ...deferred);
      venvPlaced = true;
    }
    if (p.role === "runtime" || p.role === "both") {
      if (chown && venvPlaced && userRuns.includes(p)) continue;
      // The code comes after the virtual environment, not before it.
      if (!venvPlaced && isWholeContextCopy(instruction)) deferred.push(chunk(instruction));
      else runtime.push(chunk(instruction));
    }
  }
  if (!runtimePackagesPlaced && runtimePackagesLine) runtime.splice(1, 0, runtimePackagesLine);

  const start = from.blockStart;
  const end = list.length ? list[list.length - 1]!.end : from.end;
  const fromBlock = text.slice(start, from.start);
  notes.push({
    id: "split",
    severity: "info",
    line,
    message:
      `split into a ${builderName} stage (${[...keptOut, `the install into ${venv}`].join(", ")}) and a runtime stage that gets the virtual environment` +
      (runtimePackages.length ? `, ${runtimePackages.join(" ")}` : "") +
      " and the code" +
      (keptOut.length
        ? `: ${keptOut.join(", ")} ${keptOut.length === 1 && keptOut[0] !== "build packages" ? "stays" : "stay"} out of the final image`
        : " (--split always: the builder keeps nothing else out of the final image)"),
  });
  if (tool === "poetry") {
    notes.push({
      id: "poetry-in-project-venv",
      severity: "info",
      line: depsRun.line,
      message: `Poetry installs into ${venv} in the builder (POETRY_VIRTUALENVS_CREATE=true, POETRY_VIRTUALENVS_IN_PROJECT=true), which the runtime stage copies`,
    });
  }
  if (newVenv) {
    notes.push({
      id: "install-into-venv",
      severity: "info",
      line: depsRun.line,
      message: `the install went into the image's Python; it now goes into ${venv}, which the runtime stage copies`,
    });
  }
  if (purged.size > 0) {
    notes.push({
      id: "build-package-purge-dropped",
      severity: "info",
      line: depsRun.line,
      message: "removing build packages is left out: the builder's packages never reach the runtime stage",
      // alpine-to-trixie's notes on how the removal became apt-get purge describe a step this removes.
      supersedes: ["apk-del-to-purge", "virtual-package-purged"],
    });
  }
  // An instruction that ran on to the end of the file took its last line break with it: it stays.
  const lastBreak = end === text.length && /\r?\n[ \t]*$/.test(text.slice(start, end)) ? "\n" : "";
  return { start, end, text: fromBlock + builder.join("\n") + "\n\n" + runtime.join("\n") + lastBreak };
}

/** Builder copies of install RUNs: purges removed (the builder is thrown away), `--system` dropped. */
function builderEdits(instruction: Instruction): Edit[] {
  const script = instruction.shell();
  if (!script) return [];
  const edits: Edit[] = [];
  const remove = new Set<number>();
  script.items.forEach((item, i) => {
    if (item.command && isPurge(item.command)) remove.add(i);
  });
  if (remove.size > 0 && remove.size < script.items.length)
    edits.push(...(instruction.editChain(script, remove) ?? []));
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
        edits.push(...instruction.replace(start, end, ""));
      }
    }
  }
  return edits;
}

function asKeyword(from: Instruction): string {
  const as = from.words()[1]?.text;
  return as && as.toUpperCase() === "AS" ? as : from.keywordText === from.keywordText.toLowerCase() ? "as" : "AS";
}

/** The runtime stage's FROM: the original line, renamed with --runtime-stage-name. */
function runtimeFrom(ctx: Context, stage: Stage): string {
  const from = stage.from;
  const own = ctx.dockerfile.text.slice(from.start, from.end);
  const name = ctx.options.runtimeStageName;
  if (!name) return own;
  const named = from.words()[2];
  if (stage.name && named) return from.logical.slice(0, named.start) + name + from.logical.slice(named.end);
  return `${own} ${asKeyword(from)} ${name}`;
}

function hasPathEnv(list: Instruction[], venv: string): boolean {
  return list.some(
    (i) => i.keyword === "ENV" && envPairs(i).some((p) => p.key === "PATH" && p.value.includes(`${venv}/bin`)),
  );
}

function usesUvAtRuntime(list: Instruction[]): boolean {
  return list.some(
    (i) => (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && /(?:^|[\s"[])(?:uv|uvx)(?:[\s",]|$)/.test(i.args),
  );
}
