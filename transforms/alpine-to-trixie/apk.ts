/** apk commands: their parts, and the Debian packages their Alpine packages become. */
import type { ShellCommand, ShellWord } from "../../src/engine/shell";
import { entryFor, inBase, splitVersion, type PackageEntry } from "./packages";
import { PY3_LIBRARIES, resolve, type Lookup } from "./resolve";

export interface ApkCommand {
  command: ShellCommand;
  verb: string | undefined;
  /** Package words after the verb. */
  packages: ShellWord[];
  /** `--virtual NAME` / `-t NAME`. */
  virtual: string | undefined;
  /** `-X URL` / `--repository URL`: packages from another repository. */
  repository: boolean;
  /** True when a word is not a literal (a variable, a substitution). */
  dynamic: boolean;
}

const VALUE_OPTIONS = new Set([
  "-t",
  "--virtual",
  "-X",
  "--repository",
  "-p",
  "--root",
  "--arch",
  "--keys-dir",
  "--cache-dir",
  "--repositories-file",
  "--cache-max-age",
]);

export function parseApk(command: ShellCommand): ApkCommand | undefined {
  const words = command.words;
  if (words[0]?.text !== "apk") return undefined;
  const out: ApkCommand = {
    command,
    verb: undefined,
    packages: [],
    virtual: undefined,
    repository: false,
    dynamic: false,
  };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const t = w.text;
    if (t === undefined) {
      out.dynamic = true;
      continue;
    }
    if (t.startsWith("-")) {
      const [name, inline] = t.startsWith("--") ? (t.split(/=(.*)/s) as [string, string | undefined]) : [t, undefined];
      if (VALUE_OPTIONS.has(name)) {
        const value = inline ?? words[++i]?.text;
        if (name === "-t" || name === "--virtual") out.virtual = value;
        if (name === "-X" || name === "--repository") out.repository = true;
      }
      continue;
    }
    if (out.verb === undefined) out.verb = t;
    else out.packages.push(w);
  }
  return out;
}

export interface Mapped {
  /** Debian packages to install, in order, without repeats. */
  packages: string[];
  /** `from -> to` for names that changed. */
  renamed: string[];
  /** Alpine packages with nothing to install on Debian, and why. */
  dropped: { name: string; why: string }[];
  /** Specs whose version constraint was dropped. */
  pinned: string[];
  /** Names neither in the map nor resolved by a rule. */
  unknown: string[];
  /** For each unknown name: the trixie names the rules found (none, or more than one), and a hint. */
  unresolved: { name: string; candidates: string[]; hint?: string }[];
  /** Names with a repository tag (`pkg@testing`). */
  tagged: string[];
  /** Python tools to pip install instead (poetry on a python image). */
  pip: string[];
  /** The map's notes on the packages that are installed. */
  advice: { name: string; note: string }[];
  /** Packages that become a different version or library on Debian (PCRE2 for PCRE 1), with the map's caveat. */
  substituted: { name: string; note: string }[];
}

/** Why `uv` is dropped: the stage copies it from its image. */
export const UV_IMAGE = "copied from the uv image";
/** Why a tool is dropped from apt-get: pip installs it into the image's Python instead. */
export const PIP_INSTALL = "pip installs it into the image's Python";

const PYTHON_PACKAGES: Record<string, string> = {
  "py3-pip": "python3-pip",
  "py3-setuptools": "python3-setuptools",
  "py3-wheel": "python3-wheel",
  "python3-dev": "python3-dev",
};

/**
 * Maps Alpine package specs to Debian packages. `column` picks the map's build or runtime packages
 * (a package with no build packages falls back to its runtime ones: `apk add libpq` installs
 * libpq5). On python:* images the image's own Python makes PYIMG rows and Rust (wheels) pointless.
 */
export function mapPackages(
  specs: string[],
  python: boolean,
  column: "build" | "runtime" = "build",
  user: Record<string, PackageEntry> = {},
  wheels = python,
): Mapped {
  const out: Mapped = {
    packages: [],
    renamed: [],
    dropped: [],
    pinned: [],
    unknown: [],
    unresolved: [],
    tagged: [],
    pip: [],
    advice: [],
    substituted: [],
  };
  const how: MapOptions = { python, wheels, column, user, lookup: (n) => entryFor(n, user) };
  for (const spec of specs) mapSpec(spec, how, out);
  return out;
}

/** What every spec is mapped with. */
interface MapOptions {
  python: boolean;
  /** pip gets wheels of Rust extensions: a Python image whose installs do not forbid them (--no-binary). */
  wheels: boolean;
  column: "build" | "runtime";
  /** The user's own Alpine -> Debian names, which come before dfmod's rules. */
  user: Record<string, PackageEntry>;
  lookup: Lookup;
}

/** A map entry found for an Alpine name: directly, or by a rule that may have rewritten the name. */
interface Found {
  entry: PackageEntry;
  /** The rule that found it (undefined: the map has the name itself). */
  rule: string | undefined;
  /** The name the entry is for. */
  alias: string;
}

/** One Alpine spec into `out`: a tagged name, a tool from elsewhere, an unknown name, or Debian packages. */
function mapSpec(spec: string, how: MapOptions, out: Mapped): void {
  const { name, pinned } = splitVersion(spec);
  if (pinned) out.pinned.push(spec);
  if (name.includes("@")) {
    out.tagged.push(name);
    return;
  }
  if (comesFromElsewhere(name, how, out)) return;
  const found = findEntry(name, how, out);
  if (!found) return;
  const tags = found.entry.tags ?? [];
  if (tags.includes("UNAVAILABLE")) {
    out.unknown.push(name);
    out.unresolved.push({ name, candidates: [], hint: found.entry.note?.replace(/^NO_EQUIV[^:]*:\s*/, "") });
    return;
  }
  if (how.wheels && (found.alias === "rust" || found.alias === "cargo")) {
    out.dropped.push({ name, why: "wheels" });
    return;
  }
  if (tags.includes("PYIMG") && mapPythonPackage(name, found.alias, how.python, out)) return;
  mapEntry(name, found, how, out);
}

/**
 * Tools the image gets other than from apt-get: uv is not a Debian package (it comes from its own
 * image, a COPY the stage gets instead); Poetry on a python image is pip installed into the image's
 * Python, as Poetry's docs do. The user's own names for them come first.
 */
function comesFromElsewhere(name: string, how: MapOptions, out: Mapped): boolean {
  if (name === "uv" && !Object.hasOwn(how.user, name)) {
    out.dropped.push({ name, why: UV_IMAGE });
    return true;
  }
  if (name === "poetry" && how.python && !Object.hasOwn(how.user, name)) {
    out.dropped.push({ name, why: PIP_INSTALL });
    out.pip.push("poetry");
    return true;
  }
  return false;
}

/** The map's entry for a name, or one a rule finds; undefined (and the name unresolved) without one. */
function findEntry(name: string, how: MapOptions, out: Mapped): Found | undefined {
  const entry = how.lookup(name);
  if (entry) return { entry, rule: undefined, alias: name };
  const resolved = resolve(name, how.python, how.lookup);
  if (resolved.kind === "unresolved") {
    out.unknown.push(name);
    out.unresolved.push({ name, candidates: resolved.candidates, hint: resolved.hint });
    return undefined;
  }
  return {
    entry: resolved.entry,
    rule: resolved.rule === "same-name" ? undefined : resolved.rule,
    alias: resolved.name,
  };
}

/**
 * A package of Alpine's own python3 (PYIMG): on a python image the image's Python has its own (or
 * pip installs the module); elsewhere the few with a Debian python3-* counterpart become it. False
 * when the entry's own packages decide.
 */
function mapPythonPackage(name: string, alias: string, python: boolean, out: Mapped): boolean {
  if (python) {
    const module = /^py[23]?-(.+)$/.exec(alias)?.[1];
    const own = module === undefined || ["pip", "setuptools", "wheel"].includes(module);
    // The C library the Alpine package brought, which the module pip installs loads as well.
    const libraries = PY3_LIBRARIES[alias] ?? [];
    for (const library of libraries) addPackage(out, library);
    out.dropped.push({
      name,
      why: !own
        ? `Alpine's ${name} was for Alpine's own python3, not the image's Python; if the app imports it, pip installs it (${module})${
            libraries.length > 0 ? `, which loads ${libraries.join(", ")} (kept)` : ""
          }`
        : "the python image has its own",
    });
    return true;
  }
  const debian = PYTHON_PACKAGES[alias];
  if (!debian) return false;
  addPackage(out, debian);
  if (debian !== name) out.renamed.push(`${name} -> ${debian}`);
  return true;
}

/** The entry's build (or runtime) packages that the base image does not have already. */
function mapEntry(name: string, { entry, rule }: Found, how: MapOptions, out: Mapped): void {
  const tags = entry.tags ?? [];
  const chosen = how.column === "build" && entry.build.length > 0 ? entry.build : entry.runtime;
  if (tags.includes("NO_EQUIV") && chosen.length > 0 && entry.note)
    out.substituted.push({ name, note: entry.note.replace(/^NO_EQUIV[^:]*:\s*/, "") });
  const wanted = chosen.filter((pkg) => !inBase(pkg, how.python));
  if (wanted.length === 0) {
    out.dropped.push({
      name,
      why: chosen.length === 0 ? (entry.note ?? "no Debian counterpart is needed") : "already in the base image",
    });
    return;
  }
  for (const pkg of wanted) addPackage(out, pkg);
  if (entry.note) out.advice.push({ name, note: entry.note });
  if (wanted.join(" ") !== name) out.renamed.push(`${name} -> ${wanted.join(" ")}${rule ? ` (${rule})` : ""}`);
}

/** Adds a Debian package once, in the order first named. */
function addPackage(out: Mapped, pkg: string): void {
  if (!out.packages.includes(pkg)) out.packages.push(pkg);
}
