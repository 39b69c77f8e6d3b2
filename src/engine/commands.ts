/**
 * Recognisers for the shell commands the Python transforms care about: pip / uv pip installs,
 * uv sync, poetry install, virtual environments. Each works on the literal words of one command
 * and returns undefined when the command is something else.
 */
import type { ShellCommand, ShellWord } from "./shell";

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

export interface Option {
  name: string;
  value: string | undefined;
  /** Words the option spans (one, or two when the value is separate). */
  words: ShellWord[];
}

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

function isPython(name: string | undefined): boolean {
  return name !== undefined && /^(?:.*\/)?python(?:3(?:\.\d+)?)?$/.test(name);
}

function isPip(name: string | undefined): boolean {
  return name !== undefined && /^(?:.*\/)?pip(?:3(?:\.\d+)?)?$/.test(name);
}

/** The index of the first word after `pip install` / `uv pip install` / `python -m pip install`, with the tool. */
function pipInstallStart(words: (string | undefined)[]): { tool: "pip" | "uv"; at: number } | undefined {
  const [a, b, c] = words;
  if (a !== undefined && /^(?:.*\/)?uv$/.test(a) && b === "pip" && c === "install") return { tool: "uv", at: 3 };
  // pip's general options may come before the command: `pip --no-cache-dir install ...`.
  const command = (from: number): number | undefined => {
    let i = from;
    while (words[i] !== undefined && words[i]!.startsWith("-")) i++;
    return words[i] === "install" ? i + 1 : undefined;
  };
  if (isPip(a)) {
    const at = command(1);
    return at === undefined ? undefined : { tool: "pip", at };
  }
  if (isPython(a) && b === "-m" && c === "pip") {
    const at = command(3);
    return at === undefined ? undefined : { tool: "pip", at };
  }
  return undefined;
}

export function parsePipInstall(command: ShellCommand): PipInstall | undefined {
  const texts = command.words.map((w) => w.text);
  const start = pipInstallStart(texts);
  if (!start) return undefined;
  const result: PipInstall = {
    tool: start.tool,
    command,
    requirements: [],
    constraints: [],
    editables: [],
    packages: [],
    options: [],
    dynamic: false,
  };
  const words = command.words;
  for (let i = start.at; i < words.length; i++) {
    const w = words[i]!;
    const text = w.text;
    if (text === undefined) {
      result.dynamic = true;
      continue;
    }
    let option: Option | undefined;
    if (text.startsWith("--") && text.includes("=")) {
      const eq = text.indexOf("=");
      option = { name: text.slice(0, eq), value: text.slice(eq + 1), words: [w] };
    } else if (/^-[rceif]./.test(text) && !text.startsWith("--")) {
      option = { name: text.slice(0, 2), value: text.slice(2), words: [w] };
    } else if (PIP_VALUE_OPTIONS.has(text)) {
      const next = words[i + 1];
      if (next && next.text === undefined) result.dynamic = true;
      option = { name: text, value: next?.text, words: next ? [w, next] : [w] };
      i++;
    } else if (text.startsWith("-")) {
      option = { name: text, value: undefined, words: [w] };
    }
    if (!option) {
      result.packages.push(text);
      continue;
    }
    result.options.push(option);
    const value = option.value ?? "";
    if (option.name === "-r" || option.name === "--requirement") result.requirements.push(value);
    else if (option.name === "-c" || option.name === "--constraint" || option.name === "--constraints")
      result.constraints.push(value);
    else if (option.name === "-e" || option.name === "--editable") result.editables.push(value);
  }
  return result;
}

export function hasOption(install: { options: Option[] }, ...names: string[]): boolean {
  return install.options.some((o) => names.includes(o.name));
}

/** The package name of a requirement spec (`uv==0.4.1` -> uv), lower-case, or undefined for paths. */
export function packageName(spec: string): string | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:[=<>!~;].*)?$/.exec(spec);
  if (!m || spec.startsWith(".") || spec.includes("/")) return undefined;
  return m[1]!.toLowerCase().replace(/[._]+/g, "-");
}

/** `uv sync ...`: its options. */
export function parseUvSync(command: ShellCommand): Option[] | undefined {
  const t = command.words.map((w) => w.text);
  if (t[0] === undefined || !/^(?:.*\/)?uv$/.test(t[0]) || t[1] !== "sync") return undefined;
  return simpleOptions(command.words.slice(2));
}

/** `poetry install ...`: its options. */
export function parsePoetryInstall(command: ShellCommand): Option[] | undefined {
  const t = command.words.map((w) => w.text);
  if (t[0] === undefined || !/^(?:.*\/)?poetry$/.test(t[0]) || t[1] !== "install") return undefined;
  return simpleOptions(command.words.slice(2));
}

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

function simpleOptions(words: ShellWord[]): Option[] {
  const out: Option[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const text = w.raw;
    if (text.startsWith("--") && text.includes("=")) {
      const eq = text.indexOf("=");
      out.push({ name: text.slice(0, eq), value: text.slice(eq + 1), words: [w] });
    } else if (SYNC_VALUE_OPTIONS.has(text) && words[i + 1]) {
      out.push({ name: text, value: words[i + 1]!.text, words: [w, words[i + 1]!] });
      i++;
    } else {
      out.push({ name: text, value: undefined, words: [w] });
    }
  }
  return out;
}

/** `python -m venv DIR`, `uv venv DIR`, `virtualenv DIR`: the folder, as written. */
export function venvCreation(command: ShellCommand): string | undefined {
  const t = command.words.map((w) => w.text);
  let rest: (string | undefined)[];
  if (isPython(t[0]) && t[1] === "-m" && (t[2] === "venv" || t[2] === "virtualenv")) rest = t.slice(3);
  else if (t[0] !== undefined && /^(?:.*\/)?uv$/.test(t[0]) && t[1] === "venv") rest = t.slice(2);
  else if (t[0] !== undefined && /^(?:.*\/)?virtualenv$/.test(t[0])) rest = t.slice(1);
  else return undefined;
  const positional = rest.filter((x) => x === undefined || !x.startsWith("-"));
  if (positional.length === 0) return ".venv";
  if (positional.length !== 1 || positional[0] === undefined) return undefined;
  return positional[0];
}

/** `. DIR/bin/activate` or `source DIR/bin/activate`: DIR. */
export function venvActivation(command: ShellCommand): string | undefined {
  const t = command.words.map((w) => w.text);
  if ((t[0] === "." || t[0] === "source") && t.length === 2 && t[1] !== undefined) {
    const m = /^(.*?)\/?bin\/activate$/.exec(t[1]);
    if (m) return m[1] === "" ? "." : m[1];
  }
  return undefined;
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

/** A Python dependency install, whatever the tool. */
export interface DependencyInstall {
  tool: "pip" | "uv-pip" | "uv-sync" | "poetry";
  command: ShellCommand;
  /** It installs the project itself (`pip install .`, `uv sync` without --no-install-project...). */
  project: boolean;
  /** It installs into the image's Python (`--system`, `--break-system-packages`, plain pip without a venv). */
  system: boolean;
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

/** Recognises pip / uv pip / uv sync / poetry installs (not installs of pip, setuptools or uv themselves). */
export function dependencyInstall(command: ShellCommand): DependencyInstall | undefined {
  const sync = parseUvSync(command);
  if (sync) {
    return {
      tool: "uv-sync",
      command,
      project: !hasOption({ options: sync }, "--no-install-project", "--no-install-workspace"),
      system: false,
    };
  }
  const poetry = parsePoetryInstall(command);
  if (poetry) return { tool: "poetry", command, project: !hasOption({ options: poetry }, "--no-root"), system: false };
  const pip = parsePipInstall(command);
  if (!pip) return undefined;
  const names = pip.packages.map(packageName);
  const tooling = names.length > 0 && names.every((n) => n !== undefined && PACKAGING_TOOLS.has(n));
  if (pip.requirements.length === 0 && pip.editables.length === 0 && (pip.packages.length === 0 || tooling))
    return undefined;
  return {
    tool: pip.tool === "uv" ? "uv-pip" : "pip",
    command,
    project: pip.editables.length > 0 || names.some((n) => n === undefined),
    system: hasOption(pip, "--system", "--break-system-packages"),
  };
}

/** `rm -rf` of caches only (pip's, uv's, apt's lists, /tmp): it belongs with the install it cleans up after. */
export function isCacheCleanup(command: ShellCommand): boolean {
  const t = command.words.map((w) => w.text);
  if (t[0] !== "rm") return false;
  const paths = t.slice(1).filter((a) => a === undefined || !a.startsWith("-"));
  return (
    paths.length > 0 &&
    paths.every(
      (p) =>
        p !== undefined && /^(?:\/root\/\.cache|~\/\.cache|\/tmp|\/var\/cache|\/var\/lib\/apt\/lists)(?:\/|$)/.test(p),
    )
  );
}
