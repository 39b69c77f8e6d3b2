/**
 * Recognisers for the shell commands the Python transforms care about: pip / uv pip installs,
 * uv sync, poetry install, virtual environments. Each works on the literal words of one command
 * and returns undefined when the command is something else. The model itself is in ./facts.
 */
import * as path from "node:path";
import { commandOf, type Flag } from "./command";
import * as facts from "./facts";
import type { DependencyInstall } from "./facts";
import type { ShellCommand } from "./shell";
import type { Instruction } from "./dockerfile";

export { packageName, type DependencyInstall } from "./facts";

export type Option = Flag;

/** A pip or uv pip install, whatever it installs. */
export interface PipInstall {
  tool: "pip" | "uv";
  command: ShellCommand;
  /** -r files, in order. */
  requirements: string[];
  /** -c files. */
  constraints: string[];
  /** -e targets. */
  editables: string[];
  /** Positional arguments: package specs or paths. */
  packages: string[];
  /** Every option, including -r / -c / -e. */
  options: Option[];
  /** True when a word is not a literal (an expansion, a substitution). */
  dynamic: boolean;
}

/** The install of a command, as the model of ./facts has it. */
export function installOf(command: ShellCommand): DependencyInstall | undefined {
  if (!facts.mayBePythonTool(command.words[0]?.text)) return undefined;
  return facts.installOf(commandOf(command));
}

export function parsePipInstall(command: ShellCommand): PipInstall | undefined {
  if (!facts.mayBePythonTool(command.words[0]?.text)) return undefined;
  const install = facts.pipInstall(commandOf(command));
  if (!install) return undefined;
  return {
    tool: install.tool === "uv-pip" ? "uv" : "pip",
    command,
    requirements: install.requirements,
    constraints: install.constraints,
    editables: install.editables,
    packages: install.packages,
    options: install.options.flags,
    dynamic: install.dynamic,
  };
}

export function hasOption(install: { options: Option[] }, ...names: string[]): boolean {
  return install.options.some((o) => names.includes(o.name));
}

/** `uv sync ...`: its options. */
export function parseUvSync(command: ShellCommand): Option[] | undefined {
  if (!facts.mayBePythonTool(command.words[0]?.text)) return undefined;
  const install = facts.projectInstall(commandOf(command));
  return install?.tool === "uv-sync" ? install.options.flags : undefined;
}

/** `poetry install ...`: its options. */
export function parsePoetryInstall(command: ShellCommand): Option[] | undefined {
  if (!facts.mayBePythonTool(command.words[0]?.text)) return undefined;
  const install = facts.projectInstall(commandOf(command));
  return install?.tool === "poetry" ? install.options.flags : undefined;
}

/** `python -m venv DIR`, `uv venv DIR`, `virtualenv DIR`: the folder, as written. */
export function venvCreation(command: ShellCommand): string | undefined {
  if (!facts.mayBePythonTool(command.words[0]?.text)) return undefined;
  return facts.venvCreation(commandOf(command));
}

/** `python -m venv $VIRTUAL_ENV`: the variable that names the folder (see facts.venvCreationVariable). */
export function venvCreationVariable(command: ShellCommand): string | undefined {
  if (!facts.mayBePythonTool(command.words[0]?.text)) return undefined;
  return facts.venvCreationVariable(commandOf(command));
}

/** `. DIR/bin/activate` or `source DIR/bin/activate`: DIR. */
export function venvActivation(command: ShellCommand): string | undefined {
  const name = command.words[0]?.text;
  if (name !== "." && name !== "source") return undefined;
  return facts.venvActivation(commandOf(command));
}

/** Joins a path onto a working directory the way WORKDIR / COPY resolve relative paths. */
export function resolvePath(workdir: string, p: string): string {
  // A path that starts with a variable (`${APP_HOME}/x`) is taken as absolute: it almost always is.
  const variable = p.startsWith("$");
  const parts = (p.startsWith("/") || variable ? p : `${workdir}/${p}`).split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return (out[0]?.startsWith("$") ? "" : "/") + out.join("/");
}

/** Whether an install installs dependencies: not only pip, setuptools or uv themselves. */
export function isDependencyInstall(install: DependencyInstall): boolean {
  return !install.tooling;
}

/** Recognises pip / uv pip / uv sync / poetry installs (not installs of pip, setuptools or uv themselves). */
export function dependencyInstall(command: ShellCommand): DependencyInstall | undefined {
  const install = installOf(command);
  return install && isDependencyInstall(install) ? install : undefined;
}

/** `rm -rf` of caches only (pip's, uv's, apt's lists, /tmp): it belongs with the install it cleans up after. */
export function isCacheCleanup(command: ShellCommand): boolean {
  if (command.words[0]?.text !== "rm") return false;
  const paths = commandOf(command).argsNoFlags();
  return (
    paths.length > 0 &&
    paths.every(
      (p) =>
        p !== undefined && /^(?:\/root\/\.cache|~\/\.cache|\/tmp|\/var\/cache|\/var\/lib\/apt\/lists)(?:\/|$)/.test(p),
    )
  );
}

/**
 * A path of the image's own Python that a text names: site-packages, /usr/local/bin/python*, or
 * another /usr/local/bin command (unless `binCopied`: the stage copies files there that dfmod
 * cannot name: a folder, a pattern);
 * undefined when it names none. An install moved into a virtual environment leaves these behind.
 */
export function systemPythonPath(
  text: string,
  binCopied: boolean,
  made: ReadonlySet<string> = new Set(),
): string | undefined {
  const site = /\S*site-packages\S*/.exec(text)?.[0];
  const python = /\/usr\/local\/bin\/python[\d.]*\b/.exec(text)?.[0];
  const bin = binCopied
    ? undefined
    : [...text.matchAll(/\/usr\/local\/bin\/(?!python[\d.]*\b)[\w.-]+/g)].map((m) => m[0]).find((p) => !made.has(p));
  return site ?? python ?? bin;
}

/** Commands that write a file at a path given by an option: curl's, wget's. */
const OUTPUT_OPTIONS: Record<string, string[]> = { curl: ["-o", "--output"], wget: ["-O", "--output-document"] };

/**
 * The files in /usr/local/bin that the stage's RUNs make themselves: what curl and wget download
 * there (`-o`, `-O`), and what mv, cp, install and ln put there. Such a file is not the image's
 * Python's, and it is there after a split as before.
 */
export function localBinMade(instructions: Instruction[]): Set<string> {
  const made = new Set<string>();
  const add = (p: string | undefined, source?: string): void => {
    if (p === undefined) return;
    const dir = /^\/usr\/local\/bin\/?$/.test(p);
    if (dir && source !== undefined) made.add(`/usr/local/bin/${path.posix.basename(source)}`);
    else if (!dir && p.startsWith("/usr/local/bin/")) made.add(p);
  };
  for (const instruction of instructions) {
    if (instruction.keyword !== "RUN") continue;
    for (const command of instruction.shell()?.commands ?? []) {
      const texts = command.words.map((w) => w.text);
      const name = path.posix.basename(texts[0] ?? "");
      const outputs = OUTPUT_OPTIONS[name];
      if (outputs) {
        texts.forEach((t, k) => {
          if (t === undefined) return;
          if (outputs.includes(t)) add(texts[k + 1]);
          const joined = outputs.map((o) => (o.startsWith("--") ? `${o}=` : o)).find((o) => t.startsWith(o) && t !== o);
          if (joined) add(t.slice(joined.length));
        });
      } else if (["mv", "cp", "install", "ln"].includes(name)) {
        const args = texts.slice(1).filter((t) => t === undefined || !t.startsWith("-"));
        const target = args.pop();
        for (const source of args) add(target, source);
        if (args.length === 0) add(target);
      }
    }
  }
  return made;
}

/**
 * What the stage's COPY and ADD put into /usr/local/bin: the files, by path (`COPY entrypoint.sh
 * /usr/local/bin/`), and whether one copies files dfmod cannot name (a folder, a pattern, a
 * variable), which may be any command there.
 */
export function copiesToLocalBin(
  instructions: Instruction[],
  isFolder: (source: string) => boolean = () => false,
): { files: Set<string>; unknown: boolean } {
  const files = new Set<string>();
  let unknown = false;
  for (const i of instructions) {
    if (i.keyword !== "COPY" && i.keyword !== "ADD") continue;
    const dest = i.copyDestination();
    if (!/^\/usr\/local\/bin(?:\/|$)/.test(dest)) continue;
    const intoFolder = /^\/usr\/local\/bin\/?$/.test(dest);
    const local = !i.flag("from");
    for (const source of i.copySources()) {
      // A URL's file keeps the name its path ends in.
      const bare = source.replace(/[?#].*$/, "");
      if (/[*?[$]|\/$|^\.?$/.test(bare) || (local && !/^https?:/.test(source) && isFolder(source))) unknown = true;
      else files.add(intoFolder ? `/usr/local/bin/${path.posix.basename(bare)}` : dest);
    }
  }
  return { files, unknown };
}

/** apt-get options whose value is the next word (`-o Dpkg::Options::=--force-confold`, `-t trixie`). */
export const APT_VALUE_OPTIONS = new Set([
  "-t",
  "--target-release",
  "--default-release",
  "-o",
  "--option",
  "-c",
  "--config-file",
]);
