/**
 * Facts the Python transforms share: what a command installs and from which files, which virtual
 * environments a RUN creates or activates. A stage's facts are computed once per parse and kept on
 * the stage, so every transform reads the same ones.
 */
import { Command, type Flag, Flags, type FlagSpec } from "./command";
import { memo, type Instruction, type Stage } from "./dockerfile";
import type { ShellCommand, ShellScript, ShellWord } from "./shell";

/** pip options that take a value (pip and uv pip). */
const PIP_VALUE_OPTIONS = new Set([
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "--constraints",
  "-e",
  "--editable",
  "-i",
  "--index-url",
  "--extra-index-url",
  "--index",
  "--default-index",
  "-f",
  "--find-links",
  "-t",
  "--target",
  "--prefix",
  "--root",
  "--trusted-host",
  "--python",
  "-p",
  "--root-user-action",
  "--progress-bar",
  "--cache-dir",
  "--src",
  "--upgrade-strategy",
  "--platform",
  "--python-version",
  "--implementation",
  "--abi",
  "--only-binary",
  "--no-binary",
  "--extra",
  "--index-strategy",
  "--keyring-provider",
  "--resolution",
  "--prerelease",
  "-C",
  "--config-settings",
  "--config-setting",
  "--global-option",
  "--retries",
  "--timeout",
  "--log",
  "--exists-action",
  "--link-mode",
  "--group",
  "--override",
  "--overrides",
  "--build-constraint",
  "--build-constraints",
  "--exclude-newer",
  "--python-platform",
]);

/** uv sync and poetry install options that take a value. */
const SYNC_VALUE_OPTIONS = new Set([
  "--extra",
  "--group",
  "--only-group",
  "--no-group",
  "--package",
  "--python",
  "-p",
  "--with",
  "--without",
  "--only",
  "-E",
  "--extras",
  "--no-install-package",
  "--index",
  "--index-url",
  "--extra-index-url",
  "--link-mode",
]);

/** How pip and uv pip spell their flags (`-r file`, `--requirement=file`, `-rfile`). */
export const PIP_FLAGS: FlagSpec = { valued: PIP_VALUE_OPTIONS, joined: /^-[rceif]./ };
/** How uv sync and poetry install spell theirs. */
export const SYNC_FLAGS: FlagSpec = { valued: SYNC_VALUE_OPTIONS, raw: true };

export type InstallTool = "pip" | "uv-pip" | "uv-sync" | "poetry";

/** A Python package install: pip, uv pip, uv sync or poetry install. */
export interface DependencyInstall {
  tool: InstallTool;
  command: ShellCommand;
  line: Command;
  /** The flags and arguments after `install` / `sync`. */
  options: Flags;
  /** -r files, in order. */
  requirements: string[];
  /** -c files. */
  constraints: string[];
  /** -e targets. */
  editables: string[];
  /** Positional arguments: package specs or paths. */
  packages: string[];
  /** Local paths it installs: package arguments that are no package names, then the -e targets. */
  paths: string[];
  /** Files it reads, as written: requirement and constraint files, or pyproject.toml and the lockfile. */
  reads: string[];
  /** Of `reads`, the files it can do without (a lockfile that a plain sync only reads when present). */
  optional: string[];
  /** The tool's own configuration files it reads from its working folder when they are there (uv.toml, poetry.toml). */
  configs: string[];
  /** True when a word is not a literal (an expansion, a substitution). */
  dynamic: boolean;
  /** It installs the project itself (`pip install .`, `uv sync` without --no-install-project...). */
  project: boolean;
  /** It installs into the image's Python (`--system`, `--break-system-packages`). */
  system: boolean;
  /** `--target` / `--prefix`: a folder of its own for the packages. */
  target: string | undefined;
  /** It installs packaging tools only (pip, setuptools, uv...), or nothing by name or file. */
  tooling: boolean;
}

function isPython(name: string | undefined): boolean {
  return name !== undefined && /^(?:.*\/)?python(?:3(?:\.\d+)?)?$/.test(name);
}

function isPip(name: string | undefined): boolean {
  return name !== undefined && /^(?:.*\/)?pip(?:3(?:\.\d+)?)?$/.test(name);
}

/** The package name of a requirement spec (`uv==0.4.1` -> uv), lower-case, or undefined for paths. */
export function packageName(spec: string): string | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:[=<>!~;].*)?$/.exec(spec);
  if (!m || spec.startsWith(".") || spec.includes("/")) return undefined;
  return m[1]!.toLowerCase().replace(/[._]+/g, "-");
}

/** The names a plain `pip install NAME...` installs (pip itself, not uv pip), or undefined for any other install. */
function pipPackageNames(install: DependencyInstall): (string | undefined)[] | undefined {
  if (install.tool !== "pip" || install.requirements.length || install.editables.length || install.dynamic) {
    return undefined;
  }
  return install.packages.map(packageName);
}

const PIP_ITSELF = new Set(["pip", "setuptools", "wheel"]);

/** `pip install uv` (with pip, setuptools or wheel beside it, or not): an install of uv itself. */
export function isUvSelfInstall(install: DependencyInstall): boolean {
  const names = pipPackageNames(install);
  return !!names && names.includes("uv") && names.every((n) => n === "uv" || PIP_ITSELF.has(n!));
}

/** `pip install --upgrade pip setuptools wheel`: pip's own tools, nothing else. */
export function isPipUpgrade(install: DependencyInstall): boolean {
  const names = pipPackageNames(install);
  return !!names && names.length > 0 && names.every((n) => n !== undefined && PIP_ITSELF.has(n));
}

/** Packages that install or build other packages: installing them is set-up, not a dependency install. */
const PACKAGING_TOOLS = new Set([
  "pip",
  "setuptools",
  "wheel",
  "uv",
  "poetry",
  "pipenv",
  "pdm",
  "hatch",
  "virtualenv",
  "build",
]);

/** The index of the first word after `pip install` / `uv pip install` / `python -m pip install`, with the tool. */
function pipInstallStart(line: Command): { tool: "pip" | "uv-pip"; at: number } | undefined {
  const [a, b, c] = line.texts;
  if (a !== undefined && /^(?:.*\/)?uv$/.test(a) && b === "pip" && c === "install") return { tool: "uv-pip", at: 3 };
  // pip's general options may come before the command: `pip --no-cache-dir install ...`.
  const command = (from: number): number | undefined => {
    let i = from;
    while (line.texts[i] !== undefined && line.texts[i]!.startsWith("-")) i++;
    return line.texts[i] === "install" ? i + 1 : undefined;
  };
  const at = isPip(a) ? command(1) : isPython(a) && b === "-m" && c === "pip" ? command(3) : undefined;
  return at === undefined ? undefined : { tool: "pip", at };
}

/** `pip install ...`, `uv pip install ...`, `python -m pip install ...`. */
export function pipInstall(line: Command): DependencyInstall | undefined {
  const start = pipInstallStart(line);
  if (!start) return undefined;
  const options = line.flags(PIP_FLAGS, start.at);
  const packages = options.args.flatMap((w) => (w.text === undefined ? [] : [w.text]));
  const requirements = options.flagValues("-r", "--requirement");
  const constraints = options.flagValues("-c", "--constraint", "--constraints");
  const editables = options.flagValues("-e", "--editable");
  const names = packages.map(packageName);
  const paths = [...packages.filter((_, i) => names[i] === undefined), ...editables];
  const tools = names.length > 0 && names.every((n) => n !== undefined && PACKAGING_TOOLS.has(n));
  return {
    tool: start.tool,
    command: line.shell,
    line,
    options,
    requirements,
    constraints,
    editables,
    packages,
    paths,
    reads: [...requirements, ...constraints],
    optional: [],
    configs: start.tool === "uv-pip" ? ["uv.toml"] : [],
    dynamic: options.dynamic,
    project: paths.length > 0,
    system: options.hasFlag("--system", "--break-system-packages"),
    target: options.flagValue("--target") ?? options.flagValue("-t") ?? options.flagValue("--prefix"),
    tooling: requirements.length === 0 && editables.length === 0 && (packages.length === 0 || tools),
  };
}

/** `uv sync ...` and `poetry install ...`: they read pyproject.toml and the tool's lockfile. */
export function projectInstall(line: Command): DependencyInstall | undefined {
  const [a, b] = line.texts;
  if (a === undefined) return undefined;
  const sync = /^(?:.*\/)?uv$/.test(a) && b === "sync";
  if (!sync && !(/^(?:.*\/)?poetry$/.test(a) && b === "install")) return undefined;
  const options = line.flags(SYNC_FLAGS, 2);
  const lock = sync ? "uv.lock" : "poetry.lock";
  const strict = sync && options.hasFlag("--frozen", "--locked");
  return {
    tool: sync ? "uv-sync" : "poetry",
    command: line.shell,
    line,
    options,
    requirements: [],
    constraints: [],
    editables: [],
    packages: [],
    paths: [],
    reads: ["pyproject.toml", lock],
    optional: strict ? [] : [lock],
    configs: [sync ? "uv.toml" : "poetry.toml"],
    dynamic: false,
    project: sync ? !options.hasFlag("--no-install-project", "--no-install-workspace") : !options.hasFlag("--no-root"),
    system: false,
    target: undefined,
    tooling: false,
  };
}

/**
 * Whether a command name may be one of the Python tools recognised here (uv, poetry, pip,
 * python, virtualenv): a quick test that spares most commands the recognisers.
 */
export function mayBePythonTool(name: string | undefined): boolean {
  return name !== undefined && /(?:^|\/)(?:uv|poetry|virtualenv|pip[\d.]*|python[\d.]*)$/.test(name);
}

/** The Python install a command is (packaging tools included), or undefined for any other command. */
export function installOf(line: Command): DependencyInstall | undefined {
  if (!mayBePythonTool(line.name)) return undefined;
  return projectInstall(line) ?? pipInstall(line);
}

/**
 * `python -m venv DIR`, `uv venv DIR`, `virtualenv DIR`: its positional arguments (undefined for
 * an expansion), or undefined for any other command.
 */
export function venvCreationArgs(line: Command): (string | undefined)[] | undefined {
  return venvCreationWords(line)?.map((w) => w.text);
}

/** The words of a venv creation that are not flags, or undefined for any other command. */
function venvCreationWords(line: Command): readonly ShellWord[] | undefined {
  if (!mayBePythonTool(line.name)) return undefined;
  const t = line.texts;
  let from: number;
  if (isPython(t[0]) && t[1] === "-m" && (t[2] === "venv" || t[2] === "virtualenv")) from = 3;
  else if (t[0] !== undefined && /^(?:.*\/)?uv$/.test(t[0]) && t[1] === "venv") from = 2;
  else if (t[0] !== undefined && /^(?:.*\/)?virtualenv$/.test(t[0])) from = 1;
  else return undefined;
  return line.flags(undefined, from).args;
}

/** `python -m venv DIR`, `uv venv DIR`, `virtualenv DIR`: the folder, as written. */
export function venvCreation(line: Command): string | undefined {
  const positional = venvCreationArgs(line);
  if (positional === undefined) return undefined;
  if (positional.length === 0) return ".venv";
  if (positional.length !== 1 || positional[0] === undefined) return undefined;
  return positional[0];
}

/**
 * `python -m venv $VIRTUAL_ENV` (or `"${VIRTUAL_ENV}"`, any one variable): the variable's name, when
 * the folder is that variable alone.
 */
export function venvCreationVariable(line: Command): string | undefined {
  const words = venvCreationWords(line);
  if (words?.length !== 1) return undefined;
  const m = /^("?)\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))\1$/.exec(words[0]!.raw);
  return m ? (m[2] ?? m[3]) : undefined;
}

/** `. DIR/bin/activate` or `source DIR/bin/activate`: DIR. */
export function venvActivation(line: Command): string | undefined {
  const t = line.texts;
  if ((t[0] === "." || t[0] === "source") && t.length === 2 && t[1] !== undefined) {
    const m = /^(.*?)\/?bin\/activate$/.exec(t[1]);
    if (m) return m[1] === "" ? "." : m[1];
  }
  return undefined;
}

/** What one command of a RUN is, as far as the Python transforms care. */
export interface CommandFacts {
  instruction: Instruction;
  script: ShellScript;
  command: ShellCommand;
  line: Command;
  /** Its place in the RUN's top-level list, or undefined inside a compound command. */
  item: number | undefined;
  install: DependencyInstall | undefined;
  /** The virtual environment it creates, as written. */
  venvCreated: string | undefined;
  /** The virtual environment it activates, as written. */
  venvActivated: string | undefined;
}

export interface StageFacts {
  /** Every command of the stage's shell-form RUNs, in order (`script.hasError` tells the ones that did not parse cleanly). */
  commands: CommandFacts[];
  /** The commands of one instruction. */
  of(instruction: Instruction): CommandFacts[];
  /** The facts of one command of the stage. */
  at(command: ShellCommand): CommandFacts | undefined;
}

/** The facts of a stage, computed once per parse. */
export function stageFacts(stage: Stage): StageFacts {
  return memo(stage, "facts", () => computeFacts(stage));
}

function computeFacts(stage: Stage): StageFacts {
  const commands: CommandFacts[] = [];
  const byInstruction = new Map<Instruction, CommandFacts[]>();
  const byCommand = new Map<ShellCommand, CommandFacts>();
  for (const instruction of stage.instructions) {
    const script = instruction.shell();
    if (!script) continue;
    const items = new Map(script.items.map((item, i) => [item.command, i]));
    const facts = script.commands.map((command): CommandFacts => {
      const line = new Command(command);
      return {
        instruction,
        script,
        command,
        line,
        item: items.get(command),
        install: installOf(line),
        venvCreated: venvCreation(line),
        venvActivated: venvActivation(line),
      };
    });
    byInstruction.set(instruction, facts);
    for (const f of facts) byCommand.set(f.command, f);
    commands.push(...facts);
  }
  return {
    commands,
    of: (instruction) => byInstruction.get(instruction) ?? [],
    at: (command) => byCommand.get(command),
  };
}

export type { Flag };
