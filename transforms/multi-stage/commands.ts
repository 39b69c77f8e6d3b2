/** The commands and packages multi-stage reasons about: build tools, installs, purges, users. */
import type { ShellCommand } from "../../src/engine/shell";
import type { Instruction } from "../../src/engine/dockerfile";
import {
  APT_VALUE_OPTIONS,
  dependencyInstall,
  isCacheCleanup,
  parsePipInstall,
  venvActivation,
  venvCreation,
  venvCreationVariable,
} from "../../src/engine/commands";
import { envPairs } from "../../src/engine/stage";
import { packageMap } from "../alpine-to-trixie/packages";
import { runtimeOfDev } from "../alpine-to-trixie/resolve";
import { parseImage } from "../alpine-to-trixie/images";

/** Debian packages that only build things: nothing of them is needed at run time. */
export const BUILD_TOOLS = new Set([
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

/** Versioned compilers (gcc-14, clang-19) and other tools that only build: in the builder only. */
const VERSIONED_TOOL = /^(?:gcc|g\+\+|cpp|clang|llvm|gfortran)-\d+$/;
const OTHER_TOOLS = new Set(["gfortran", "ccache", "cython3", "protobuf-compiler"]);

/** A Debian package that only builds things: nothing of it is needed at run time. */
export function isBuildTool(pkg: string): boolean {
  return BUILD_TOOLS.has(pkg) || OTHER_TOOLS.has(pkg) || VERSIONED_TOOL.test(pkg);
}

/** The commands of build-tool packages (those the runtime stage does not get). */
export const TOOL_COMMANDS: Record<string, string[]> = {
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
  llvm: ["llvm-config", "llc", "llvm-ar"],
  gfortran: ["gfortran", "f95"],
  ccache: ["ccache"],
  cython3: ["cython", "cython3", "cythonize"],
  "protobuf-compiler": ["protoc"],
};

/**
 * What a command needs of the builder: a compiler or build tool the runtime stage lacks
 * (`make`, `gcc`, `git`...), or a build of C code (`setup.py build_ext`, `cythonize`...).
 */
export function needsBuilder(
  command: ShellCommand | (string | undefined)[],
  builderOnly: Set<string>,
): string | undefined {
  const t = Array.isArray(command) ? command : words(command);
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

/**
 * Debian -dev names whose library the rule cannot find from the name: metapackages and
 * transitional names (libjpeg-dev, default-libmysqlclient-dev) and names that do not carry the
 * library's (portaudio19-dev, libgirepository1.0-dev).
 */
const DEBIAN_DEV_RUNTIME: Record<string, string[]> = {
  "libjpeg-dev": ["libjpeg62-turbo"],
  "default-libmysqlclient-dev": ["libmariadb3"],
  "libcurl4-gnutls-dev": ["libcurl3t64-gnutls"],
  "libgl1-mesa-dev": ["libgl1"],
  "libomp-dev": ["libomp5-19"],
  "portaudio19-dev": ["libportaudio2"],
  "libleveldb-dev": ["libleveldb1d"],
  "libgirepository1.0-dev": ["libgirepository-1.0-1"],
  "libgirepository-2.0-dev": ["libgirepository-2.0-0"],
  "graphviz-dev": ["libgvc6", "libcgraph6"],
  "libgoogle-glog-dev": ["libgoogle-glog0v6t64"],
  "libgit2-dev": ["libgit2-1.9"],
  // Libraries beside the one the name gives, which the Python bindings load too (rtree loads
  // libspatialindex_c; h5py and PyTables libhdf5_hl).
  "libspatialindex-dev": ["libspatialindex8", "libspatialindex-c8"],
  "libhdf5-dev": ["libhdf5-310", "libhdf5-hl-310"],
};

export function runtimeOf(
  pkg: string,
  user: Record<string, { build: string[]; runtime: string[] }>,
): string[] | undefined {
  for (const entry of Object.values(user)) if (entry.build.includes(pkg)) return entry.runtime;
  // A -dev-compat package (libmariadb-dev-compat) adds names to its -dev package's headers.
  if (pkg.endsWith("-dev-compat")) return runtimeOf(pkg.slice(0, -"-compat".length), user);
  if (Object.hasOwn(DEBIAN_DEV_RUNTIME, pkg)) return DEBIAN_DEV_RUNTIME[pkg];
  if (!runtimeIndex) {
    runtimeIndex = new Map();
    for (const entry of Object.values(packageMap())) {
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
export const HEALTHCHECK_TOOLS: Record<string, string> = { curl: "curl", wget: "wget", nc: "netcat-openbsd" };

/**
 * The official python image (or uv's images, which build on it): `python`, `library/python`, an
 * architecture's copy (`arm64v8/python`), or a registry's copy of it (`host/python`,
 * `host/dockerhub/python`, `.../library/python`, `${REGISTRY}/python`). Another owner's image named
 * python (AWS Lambda's, Bitnami's, CircleCI's...) has its own layout, user and entrypoint.
 */
export function isPythonImage(image: string): boolean {
  if (/astral-sh\/uv:/.test(image)) return true;
  const { prefix, name } = parseImage(image);
  if (name !== "python") return false;
  const parts = prefix.split("/").filter((p) => p !== "");
  // A registry's host (`host:5000`, `localhost`) or a variable that stands for one.
  const host = parts.length > 0 && /[.:$]|^localhost$/.test(parts[0]!);
  const path = host ? parts.slice(1) : parts;
  if (path.length === 0 || path[path.length - 1] === "library") return true;
  if (path.length === 1 && ARCHITECTURES.has(path[0]!)) return true;
  return host && !path.some((p) => OTHER_OWNERS.has(p));
}

const ARCHITECTURES = new Set([
  "amd64",
  "arm32v5",
  "arm32v6",
  "arm32v7",
  "arm64v8",
  "i386",
  "ppc64le",
  "s390x",
  "riscv64",
  "mips64le",
]);

/** Owners of images named python that are not the official one. */
const OTHER_OWNERS = new Set([
  ...["lambda", "bitnami", "cimg", "circleci", "devcontainers", "vscode", "jupyter", "nvidia", "pytorch"],
  ...["tensorflow", "sagemaker", "continuumio", "azure-functions", "paketo-buildpacks", "balenalib", "okteto"],
]);

export function words(command: ShellCommand): (string | undefined)[] {
  return command.words.map((w) => w.text);
}

export function isAptOrApk(command: ShellCommand): boolean {
  const [name] = words(command);
  return name === "apt-get" || name === "apt" || name === "apk" || name === "apt-mark";
}

export function isPurge(command: ShellCommand): boolean {
  const t = words(command);
  return (
    ((t[0] === "apt-get" || t[0] === "apt") && (t[1] === "purge" || t[1] === "remove" || t[1] === "autoremove")) ||
    // `apt-mark auto pkgs && apt-get autoremove`: apk del as alpine-to-trixie writes it.
    (t[0] === "apt-mark" && t[1] === "auto") ||
    (t[0] === "apk" && t.includes("del"))
  );
}

export function isUserCommand(command: ShellCommand): boolean {
  const [name] = words(command);
  return name !== undefined && ["useradd", "groupadd", "adduser", "addgroup", "usermod"].includes(name);
}

/** Commands that belong to the build: installs, system packages, venv set-up, pip upgrades. */
export function isBuildCommand(command: ShellCommand): boolean {
  if (isAptOrApk(command) || isCacheCleanup(command) || dependencyInstall(command)) return true;
  if (venvCreation(command) !== undefined || venvActivation(command) !== undefined) return true;
  if (venvCreationVariable(command) !== undefined) return true;
  const pip = parsePipInstall(command);
  if (pip) return true;
  const [name, sub] = words(command);
  return name === "set" || name === "true" || (name === "poetry" && sub === "config");
}

/**
 * Packages an `apt-get install` names: options and their values left out, versions (`=1.2`) and
 * architectures (`:amd64`) taken off. A word that is an expansion (`$(cat list)`, `$DEPS`) is
 * undefined: dfmod cannot tell which packages it names.
 */
export function aptInstallWords(command: ShellCommand): (string | undefined)[] {
  const t = words(command);
  if ((t[0] !== "apt-get" && t[0] !== "apt") || !t.includes("install")) return [];
  const out: (string | undefined)[] = [];
  for (let i = 1; i < t.length; i++) {
    const w = t[i];
    if (w !== undefined && APT_VALUE_OPTIONS.has(w)) i++;
    else if (i > t.indexOf("install") && (w === undefined || !w.startsWith("-")))
      out.push(w?.replace(/=.*$/, "").replace(/:[a-z0-9]+$/, ""));
  }
  return out;
}

/** Packages an `apt-get install` names (expansions left out: see aptInstallWords). */
export function aptInstalls(command: ShellCommand): string[] {
  return aptInstallWords(command).filter((w): w is string => w !== undefined);
}

export function aptPurges(command: ShellCommand): string[] {
  const t = words(command);
  if (!isPurge(command) || t[0] === "apk") return [];
  return t.slice(2).filter((w): w is string => w !== undefined && !w.startsWith("-"));
}

export const MANIFEST =
  /(?:^|\/)(?:[^/]*requirements[^/]*\.(?:txt|in)|pyproject\.toml|uv\.lock|poetry\.lock|setup\.py|setup\.cfg|Pipfile(?:\.lock)?|constraints[^/]*\.txt)$/;

export function hasPathEnv(list: Instruction[], venv: string): boolean {
  // Values as Docker expands them: `$NAME` / `${NAME}` from the ENVs before the instruction.
  const env = new Map<string, string>();
  for (const i of list) {
    if (i.keyword !== "ENV") continue;
    const pairs = envPairs(i).map((p) => ({
      key: p.key,
      raw: p.value,
      value: p.value.replace(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g, (m, a, b) => env.get(a ?? b) ?? m),
    }));
    // The venv's folder may itself be written with a variable (`$APP_HOME/.venv`): as written, or expanded.
    if (pairs.some((p) => p.key === "PATH" && (p.value.includes(`${venv}/bin`) || p.raw.includes(`${venv}/bin`))))
      return true;
    for (const p of pairs) env.set(p.key, p.value);
  }
  return false;
}

export function usesUvAtRuntime(list: Instruction[]): boolean {
  return list.some(
    (i) => (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && /(?:^|[\s"[])(?:uv|uvx)(?:[\s",]|$)/.test(i.args),
  );
}
