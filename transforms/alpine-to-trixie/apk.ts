/** apk commands: their parts, and the Debian packages their Alpine packages become. */
import type { ShellCommand, ShellWord } from "../../src/engine/shell";
import { inBase, packageMap, splitVersion, trixiePackages } from "./packages";

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
  /** Names neither in the map nor in trixie. */
  unknown: string[];
  /** Names with a repository tag (`pkg@testing`). */
  tagged: string[];
}

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
export function mapPackages(specs: string[], python: boolean, column: "build" | "runtime" = "build"): Mapped {
  const out: Mapped = { packages: [], renamed: [], dropped: [], pinned: [], unknown: [], tagged: [] };
  const add = (pkg: string): void => {
    if (!out.packages.includes(pkg)) out.packages.push(pkg);
  };
  for (const spec of specs) {
    const { name, pinned } = splitVersion(spec);
    if (pinned) out.pinned.push(spec);
    if (name.includes("@")) {
      out.tagged.push(name);
      continue;
    }
    const entry = packageMap[name];
    if (!entry) {
      // py3-x (and the older py-x) are Debian's python3-x.
      const py = /^py3?-(.+)$/.exec(name);
      if (py && !python && trixiePackages().has(`python3-${py[1]}`)) {
        add(`python3-${py[1]}`);
        out.renamed.push(`${name} -> python3-${py[1]}`);
      } else {
        if (!trixiePackages().has(name)) out.unknown.push(name);
        add(name);
      }
      continue;
    }
    const tags = entry.tags ?? [];
    if (python && (name === "rust" || name === "cargo")) {
      out.dropped.push({ name, why: "wheels" });
      continue;
    }
    if (tags.includes("PYIMG")) {
      if (python) {
        out.dropped.push({ name, why: "the python image has its own" });
        continue;
      }
      const debian = PYTHON_PACKAGES[name];
      if (debian) {
        add(debian);
        if (debian !== name) out.renamed.push(`${name} -> ${debian}`);
        continue;
      }
    }
    const chosen = column === "build" && entry.build.length > 0 ? entry.build : entry.runtime;
    const wanted = chosen.filter((pkg) => !inBase(pkg, python));
    if (wanted.length === 0) {
      out.dropped.push({
        name,
        why: chosen.length === 0 ? "no Debian counterpart is needed" : "already in the base image",
      });
      continue;
    }
    for (const pkg of wanted) add(pkg);
    if (wanted.join(" ") !== name) out.renamed.push(`${name} -> ${wanted.join(" ")}`);
  }
  return out;
}
