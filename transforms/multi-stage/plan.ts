/**
 * Whether a stage can be split: its dependency install (and the project install after the code
 * copy), where the virtual environment lives, and who owns it.
 */
import type { Dockerfile, Instruction, Stage } from "../../src/engine/dockerfile";
import * as path from "node:path";
import type { BuildContext } from "../../src/engine/context";
import type { NoteInput } from "../../src/engine/types";
import type { ShellCommand } from "../../src/engine/shell";
import type { Context } from "../options";
import {
  dependencyInstall,
  DependencyInstall,
  resolvePath,
  venvCreation,
  venvCreationVariable,
} from "../../src/engine/commands";
import {
  copyChownSpec,
  envPairs,
  envValue as envValueAt,
  installTarget,
  recursiveChown,
  stageStates,
  type StageState,
} from "../../src/engine/stage";
import { isBuildCommand, isPythonImage } from "./commands";
import { allowsImage, pinnedVersion, pinSatisfied, pythonVersionCopy, stagePython } from "../python-version";
import { requiresPython } from "./requires-python";

/** Why the stage is not split: becomes the `not-split` note. */
export class NotSplit {
  // Not an Error: thrown for control flow, often, and a stack trace would cost its capture.
  constructor(
    readonly message: string,
    readonly severity: NoteInput["severity"] = "info",
  ) {}
}

/** The stage being split, and what is known at each of its instructions. */
export interface Scene {
  ctx: Context;
  file: Dockerfile;
  stage: Stage;
  /** The stage's instructions after its FROM. */
  list: Instruction[];
  states: Map<Instruction, StageState>;
  notes: NoteInput[];
}

export function sceneOf(ctx: Context, stage: Stage, notes: NoteInput[]): Scene {
  const list = stage.instructions.slice(1);
  return { ctx, file: ctx.dockerfile, stage, list, states: stageStates(stage), notes };
}

/** The last value the stage's ENV instructions give a key. */
export function envValue(scene: Scene, key: string): string | undefined {
  let value: string | undefined;
  for (const i of scene.list) if (i.keyword === "ENV") for (const p of envPairs(i)) if (p.key === key) value = p.value;
  return value;
}

/** The installs that go to the builder: the dependency install and the project installs after it. */
export interface Build {
  install: DependencyInstall;
  depsRun: Instruction;
  projectRuns: Instruction[];
  /** The last RUN of the build (a project install, or the dependency install): the builder ends here. */
  lastBuildRun: Instruction;
}

type Found = { instruction: Instruction; install: DependencyInstall };

/** The install puts the project itself in editable mode: `pip install -e .`, `uv sync` (without --no-editable), `poetry install`. */
function editableProject(install: DependencyInstall): boolean {
  if (install.tool === "pip" || install.tool === "uv-pip") return install.editables.length > 0;
  if (!install.project) return false;
  return install.tool === "poetry" || !install.options.hasFlag("--no-editable");
}

/** What marks a Python project that compiles native code (C, C++, Cython, Rust) when it is installed. */
const NATIVE_BUILD =
  /\bext_modules\b|\bExtension\(|ext-modules|\bcython|pybind11|scikit-build|meson-python|mesonpy|maturin|setuptools-rust|setuptools_rust|\bcffi_modules\b/i;

/**
 * Whether the project an editable install builds compiles native code, from its setup.py,
 * setup.cfg and pyproject.toml in the build context (the editable paths' folders, and the root);
 * without a build context (stdin) it is taken for pure Python, as most projects are.
 */
function nativeBuild(context: BuildContext | undefined, editables: string[], root: boolean): boolean {
  if (!context) return false;
  const folders = new Set([...(root ? ["."] : []), ...editables.filter((e) => !/^(?:\/|\.\.|[a-z+]+:)/.test(e))]);
  return [...folders].some((dir) =>
    ["setup.py", "setup.cfg", "pyproject.toml"].some((f) =>
      NATIVE_BUILD.test(context.read(path.posix.join(dir.replace(/\[.*\]$/, ""), f)) ?? ""),
    ),
  );
}

/**
 * The local projects a pip install's requirement files install in editable mode (`-e ./libs/x`),
 * as context folders (relative to the requirement file's folder).
 */
function requirementEditables(context: BuildContext | undefined, install: DependencyInstall): string[] {
  if (!context || (install.tool !== "pip" && install.tool !== "uv-pip")) return [];
  return install.requirements.flatMap((f) => {
    const file = path.posix.normalize(f.replace(/^\.\//, ""));
    const text = /\$/.test(file) ? undefined : context.read(file);
    if (!text || !/(?:^|\n)[ \t]*(?:-e|--editable)\b/.test(text)) return [];
    return [...text.matchAll(/^\s*(?:-e|--editable)[=\s]+["']?(\.{1,2}\/[^\s"'#;]*|[\w-][\w./-]*\/[\w./-]*)/gm)].map(
      (m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)),
    );
  });
}

/** pip's settings, as environment variables, that install somewhere other than the active environment. */
const PIP_LOCATION_ENV = ["PIP_USER", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT"];

/** An ENV value that turns a pip location setting on (`PIP_USER=0`, `false`, `no`, `off` or empty do not). */
const pipLocationSet = (value: string | undefined): boolean =>
  value !== undefined && !/^(?:|0|false|no|off)$/i.test(value.replace(/^["']|["']$/g, ""));

/**
 * uv and the Python the project asks for: where the image's is not it (a .python-version the stage
 * copies names another version, `3.12.3` on a floating `3.12` tag; requires-python excludes the
 * image's minor), uv downloads one into the builder, which the virtual environment then points to
 * and the runtime stage would not have; with downloads off, the install fails.
 */
function checkProjectPython(scene: Scene, { instruction, install }: Found): void {
  if (install.tool !== "uv-sync" && install.tool !== "uv-pip") return;
  if (envValue(scene, "UV_PYTHON") !== undefined || install.options.hasFlag("--python", "-p")) return;
  const image = stagePython(scene.file, scene.stage);
  const pin = pinnedVersion(scene.ctx.context);
  // What the stage copies after its last uv command, uv did not read (a dependencies-only sync
  // before the code copy, then the project's sync after it: the second reads what came with the code).
  const lastUv = scene.list.reduce(
    (last, i, k) => (i.keyword === "RUN" && /\buv\s+(?:sync|pip\s+install|venv|run)\b/.test(i.args) ? k : last),
    scene.list.indexOf(instruction),
  );
  const copy = pin && pythonVersionCopy(scene.list.slice(0, lastUv));
  if (pin && copy && !pinSatisfied(pin, image))
    throw new NotSplit(
      `the COPY at line ${copy.line} brings .python-version, which asks uv for Python ${pin.join(".")}, and the image's is ${image ? `${image.join(".")}${image.length < 3 ? " (a tag of no one patch)" : ""}` : "not known"}: uv would download that Python into the builder, where the virtual environment would point to it and the runtime stage would not have it`,
      "warning",
    );
  const spec = install.tool === "uv-sync" ? requiresPython(scene.ctx.context) : undefined;
  if (spec && image && !allowsImage(spec, image))
    throw new NotSplit(
      `pyproject.toml requires Python ${spec}, which the image's ${image.join(".")} is not: uv sync would download one into the builder, which the runtime stage would not have`,
      "warning",
    );
}

export function findBuild(scene: Scene): Build {
  const installs = collectInstalls(scene);
  checkStage(scene, installs.length > 0);
  if (installs[0]) checkProjectPython(scene, installs[0]);
  if (installs.length === 0)
    throw new NotSplit(
      "no dependency install that dfmod understands (pip, uv or poetry); custom scripts, make install and conda are left to you",
    );
  const builder = scene.ctx.options.builderStageName.toLowerCase();
  const taken = scene.file.instructions.find((i) =>
    i.flags.some((f) =>
      f.name === "from"
        ? f.value?.toLowerCase() === builder
        : f.name === "mount" && (f.value ?? "").toLowerCase().split(",").includes(`from=${builder}`),
    ),
  );
  if (taken) {
    throw new NotSplit(
      `line ${taken.line} takes files from ${builder} (a stage, build context or image of that name), which the new builder stage would replace; choose another --builder-stage-name`,
      "warning",
    );
  }
  const first = installs[0]!;
  // The image's own pip or python named by its path: a virtual environment would not get the packages.
  const system = installs.find((i) =>
    /^\/(?:usr\/(?:local\/)?)?s?bin\/(?:pip|python)[\d.]*$/.test(i.install.command.words[0]?.text ?? ""),
  );
  if (system)
    throw new NotSplit(
      `the install at line ${system.instruction.line} runs the image's own ${system.install.command.words[0]!.text} by its path, which a virtual environment would not change: write \`python -m pip\` (or \`pip\`) to have the stage split`,
    );
  if (installs.some((i) => i.install.command.words.some((w) => w.text === "--user")))
    throw new NotSplit("`pip install --user` installs are not split");
  const own = installs.find((i) => i.install.target !== undefined || i.install.options.hasFlag("--root"));
  if (own)
    throw new NotSplit(
      `the install at line ${own.instruction.line} puts the packages in a folder of its own (--target, --prefix or --root), not in the environment the runtime stage would copy`,
    );
  const context = scene.ctx.context;
  const editable = installs.find(
    (i) =>
      (editableProject(i.install) && nativeBuild(context, i.install.editables, true)) ||
      nativeBuild(context, requirementEditables(context, i.install), false),
  );
  if (editable)
    throw new NotSplit(
      `the install at line ${editable.instruction.line} installs a project in editable mode (\`-e\`, on its command line or in its requirements), and that project builds native code: the built files stay in the builder's source tree, which the runtime stage does not copy`,
    );
  // A version file the build writes into the source tree (hatch-vcs' version-file, setuptools-scm's
  // version_file / write_to): in an editable install it is written in the builder's tree only.
  const versionFile = installs.find(
    (i) =>
      editableProject(i.install) && /^\s*(?:version[-_]file|write_to)\s*=/m.test(context?.read("pyproject.toml") ?? ""),
  );
  if (versionFile)
    throw new NotSplit(
      `the install at line ${versionFile.instruction.line} installs the project in editable mode, and its build writes a version file into the source tree (version-file, write_to in pyproject.toml): the file stays in the builder, and the runtime stage's copy of the code has none`,
    );
  const pipEnv = PIP_LOCATION_ENV.find((key) => pipLocationSet(envValue(scene, key)));
  if (pipEnv)
    throw new NotSplit(
      `ENV ${pipEnv} tells pip where to install (its user site or a folder of its own), which a virtual environment does not follow`,
    );
  const depsRun = first.instruction;
  checkOwnRun(depsRun);
  const projectRuns = [
    ...new Set(installs.filter((i) => i.instruction !== depsRun && i.install.project).map((i) => i.instruction)),
  ];
  projectRuns.forEach(checkOwnRun);
  if (installs.some((i) => i.instruction !== depsRun && !projectRuns.includes(i.instruction))) {
    throw new NotSplit(
      "more than one dependency install outside the build; dfmod does not know which stage each belongs to",
    );
  }
  const lastBuildRun = projectRuns[projectRuns.length - 1] ?? depsRun;
  return { install: first.install, depsRun, projectRuns, lastBuildRun };
}

/** `$VIRTUAL_ENV/bin/pip install ...`, `${VENV}/bin/uv sync`: an install whose program is named by a variable; its name as written. */
function toolByVariable(command: ShellCommand): string | undefined {
  const name = command.words[0];
  if (!name || name.text !== undefined || !/\$/.test(name.raw)) return undefined;
  if (!/(?:^|\/)(?:pip[\d.]*|python[\d.]*|uv|poetry)["']?$/.test(name.raw)) return undefined;
  return command.words.some((w) => w.text === "install" || w.text === "sync") ? `\`${name.raw}\`` : undefined;
}

function collectInstalls(scene: Scene): Found[] {
  const text = scene.file.text;
  for (const instruction of scene.list) {
    if (instruction.heredoc && /\b(?:pip|uv|poetry)\b/.test(text.slice(instruction.start, instruction.end))) {
      throw new NotSplit(
        `the heredoc RUN at line ${instruction.line} may install dependencies, which dfmod cannot see into`,
      );
    }
    const exec = instruction.keyword === "RUN" ? instruction.jsonArgs() : undefined;
    if (exec && /(?:^|\/)(?:pip3?|python3?|uv|poetry)$/.test(exec[0] ?? "") && exec.includes("install")) {
      throw new NotSplit(
        `the RUN at line ${instruction.line} installs in exec form (${JSON.stringify(exec.slice(0, 3)).replace(/]$/, ", …]")}), which dfmod does not read: write it as a shell-form RUN to have it split`,
      );
    }
  }
  const installs: Found[] = [];
  for (const instruction of scene.list) {
    for (const command of instruction.shell()?.commands ?? []) {
      const install = dependencyInstall(command);
      if (install) installs.push({ instruction, install });
      const tool = toolByVariable(command);
      if (tool)
        throw new NotSplit(
          `the RUN at line ${instruction.line} runs ${tool} through a variable, which dfmod does not resolve: it cannot tell which stage that install belongs to; write the path (such as /opt/venv/bin/pip) to have the stage split`,
        );
    }
  }
  return installs;
}

/** The stage's name, base image and package manager allow a split. */
function checkStage(scene: Scene, installs: boolean): void {
  const { stage, file } = scene;
  if (stage.name?.toLowerCase() === scene.ctx.options.builderStageName.toLowerCase()) {
    throw new NotSplit(`the stage is already named ${stage.name}; choose another --builder-stage-name`);
  }
  if (!isPythonImage(file.baseImage(stage))) {
    throw new NotSplit(
      installs
        ? "its Python is not the official python image's (a venv made with the distribution's python3 needs python3-venv, and the runtime its interpreter): split it by hand"
        : "not a Python image",
    );
  }
  const apk = scene.list.find(
    (i) =>
      i.shell()?.commands.some((c) => c.words[0]?.text === "apk") ||
      (i.keyword === "RUN" && (i.heredoc || i.isJson) && /\bapk\b/.test(file.text.slice(i.start, i.end))),
  );
  if (apk) {
    throw new NotSplit(
      `the stage installs with apk (line ${apk.line}): dfmod does not know the Alpine runtime packages of what it installs, so a runtime stage could lose them. Migrate it to Debian first (alpine-to-trixie), or split it by hand`,
      "warning",
    );
  }
}

/** An install RUN goes to the builder whole: it must do nothing else. */
function checkOwnRun(run: Instruction): void {
  if (!run.shell()!.items.every((item) => item.command && isBuildCommand(item.command))) {
    throw new NotSplit(`the install RUN at line ${run.line} also does other work; put that in a RUN of its own`);
  }
}

/** Where the environment lives; `created` when the install went into the image's Python and gets one now. */
export interface Venv {
  path: string;
  /** The builder makes the environment (the edits create it). */
  created: boolean;
  /** The original installed into the image's Python: what named its paths finds nothing after the split. */
  moved: boolean;
}

export function locateVenv(scene: Scene, build: Build): Venv {
  const { install, depsRun } = build;
  const workdir = scene.states.get(depsRun)!.workdir;
  const tool = install.tool;
  // `ENV UV_SYSTEM_PYTHON=1` makes every `uv pip install` a `--system` one, which skips virtual
  // environments: the builder's environment would stay empty.
  if (tool === "uv-pip" && /^(?:1|true|yes|on)$/i.test(envValue(scene, "UV_SYSTEM_PYTHON") ?? ""))
    throw new NotSplit(
      "ENV UV_SYSTEM_PYTHON makes `uv pip install` install into the image's Python, not into an environment the runtime stage could copy; drop it (uv sync, or a venv), or split the stage by hand",
      "warning",
    );
  let path: string | undefined;
  let created = false;
  let intoSystem = false;
  if (tool === "uv-sync") {
    path = envValue(scene, "UV_PROJECT_ENVIRONMENT") ?? resolvePath(workdir, ".venv");
  } else if (tool === "poetry") {
    // Poetry is told (by environment, which wins over its config) to use an in-project venv. With
    // virtualenvs.create false the original installed into the image's Python: the environment is new.
    path = resolvePath(workdir, ".venv");
    intoSystem =
      /^(?:false|0|no|off)$/i.test(envValue(scene, "POETRY_VIRTUALENVS_CREATE") ?? "") ||
      scene.list.some(
        (i) =>
          i.keyword === "RUN" &&
          /\bpoetry\s+config\s+(?:--\S+\s+)*virtualenvs\.create\s+["']?(?:false|0)\b/.test(i.args),
      );
  } else {
    path = createdVenv(scene);
    if (install.system || !path) {
      const pipPath = /^(.*)\/bin\/pip3?$/.exec(install.command.words[0]?.text ?? "")?.[1];
      path =
        pipPath ??
        envValue(scene, "VIRTUAL_ENV") ??
        (tool === "uv-pip" && !install.system ? resolvePath(workdir, ".venv") : undefined);
      if (!path || install.system) {
        path = "/opt/venv";
        created = true;
      }
    }
  }
  if (!/^[\w./${}-]+$/.test(path)) throw new NotSplit(`the environment's folder \`${path}\` is not a plain path`);
  return { path, created, moved: created || intoSystem };
}

/**
 * The first venv a RUN of the stage creates. A folder given as a variable (`python -m venv
 * $VIRTUAL_ENV`) is the value an ENV before it gives that variable, when that is a plain path.
 */
function createdVenv(scene: Scene): string | undefined {
  for (const instruction of scene.list) {
    for (const command of instruction.shell()?.commands ?? []) {
      const created = venvCreation(command);
      if (created !== undefined) return resolvePath(scene.states.get(instruction)!.workdir, created);
      const variable = venvCreationVariable(command);
      if (variable === undefined) continue;
      const value = envValueAt(scene.stage, variable, instruction);
      if (value === undefined || !/^\/[\w./-]*$/.test(value))
        throw new NotSplit(
          `the RUN at line ${instruction.line} makes the environment in $${variable}, which no ENV before it sets to a plain absolute path`,
        );
      return resolvePath("/", value);
    }
  }
  return undefined;
}

/**
 * Who owns the installed packages in the original image: whoever ran the install, or the owner a
 * `chown -R` of just the environment gave it (that RUN is then dropped). The runtime's copy keeps
 * that owner, never a wider one.
 */
export function installOwner(scene: Scene, build: Build): { owner: string | undefined; ownerRun?: Instruction } {
  const { list, states, stage } = scene;
  const { depsRun } = build;
  const target = installTarget(stage, depsRun, build.install);
  const ownerRun = list.find((i) => {
    const items = i.shell()?.items ?? [];
    if (list.indexOf(i) <= list.indexOf(depsRun) || items.length === 0 || !target) return false;
    const chowns = items.map((it) => it.command && recursiveChown(it.command));
    return chowns.every((c) => c && resolvePath(states.get(i)!.workdir, c.dir) === target);
  });
  if (!ownerRun) return { owner: states.get(depsRun)!.user };
  return { owner: copyChownSpec(recursiveChown(ownerRun.shell()!.items[0]!.command!)!.spec), ownerRun };
}
