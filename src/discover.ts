/**
 * Which files a run takes. Files named on the command line are taken as they are; folders are
 * searched for Dockerfiles and compose files, honouring .gitignore and .dfmodignore (in the
 * folders searched and, for .gitignore, their parents up to the repository's root), `--ignore`
 * globs and the config's ignore globs, skipping .git and node_modules. Symbolic links are not
 * followed out of the folder given: a link to a folder is not entered, a link to a file is taken
 * only when the file lies inside the folder given (and is then written through its real path).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Ignore } from "ignore";

export type Kind = "dockerfile" | "compose";

export interface Found {
  /** The path as the user will see it (relative to the current folder when it is under it). */
  path: string;
  /** Where writes go: the real path of the file. */
  real: string;
  kind: Kind;
}

export interface Skipped {
  path: string;
  reason: string;
}

/** The ignore package, loaded when a folder is searched (a one-file run never needs it). */
function ignore(): Ignore {
  const m = require("ignore") as { default?: () => Ignore } & (() => Ignore);
  return (m.default ?? m)();
}

const SKIP_DIRS = new Set([".git", "node_modules"]);

/** Dockerfile, Containerfile, Dockerfile.prod, app.Dockerfile, app.dockerfile (not Dockerfile.dockerignore). */
export function isDockerfileName(name: string): boolean {
  if (name.endsWith(".dockerignore")) return false;
  return (
    /^(?:Dockerfile|Containerfile)(?:\..+)?$/.test(name) || /\.(?:Dockerfile|dockerfile|Containerfile)$/.test(name)
  );
}

/** compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml, and their `.*.yml` / `.yaml` (compose.override.yaml). */
export function isComposeName(name: string): boolean {
  return /^(?:compose|docker-compose)(?:\..+)?\.ya?ml$/.test(name);
}

export function kindOf(name: string): Kind | undefined {
  if (isComposeName(name)) return "compose";
  if (isDockerfileName(name)) return "dockerfile";
  return undefined;
}

interface Rules {
  base: string;
  ig: Ignore;
}

function rulesFrom(dir: string, names: string[]): Rules[] {
  const out: Rules[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    out.push({ base: dir, ig: ignore().add(text) });
  }
  return out;
}

function ignored(rules: Rules[], full: string, isDir: boolean): boolean {
  for (const r of rules) {
    const rel = path.relative(r.base, full);
    if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) continue;
    const p = rel.split(path.sep).join("/") + (isDir ? "/" : "");
    if (r.ig.ignores(p)) return true;
  }
  return false;
}

/** .gitignore files of the folders above `dir`, up to the one that holds .git. */
function parentRules(dir: string): Rules[] {
  const out: Rules[] = [];
  let current = path.dirname(dir);
  let child = dir;
  while (current !== child && !fs.existsSync(path.join(child, ".git"))) {
    out.unshift(...rulesFrom(current, [".gitignore"]));
    child = current;
    current = path.dirname(current);
  }
  return out;
}

const isLink = (p: string): boolean => {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

/** Why a symbolic link cannot be followed. */
function linkProblem(err: unknown): string {
  return (err as NodeJS.ErrnoException).code === "ELOOP"
    ? "a symbolic link loop"
    : "a symbolic link whose target does not exist";
}

/** What a file that is not a regular one is, for messages. */
export function fileKind(stat: fs.Stats | fs.Dirent): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "a special file";
}

function display(full: string, cwd: string): string {
  const rel = path.relative(cwd, full);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : full;
}

export interface DiscoverOptions {
  cwd: string;
  /** `--ignore` globs, relative to cwd. */
  ignore: string[];
  /** Extra ignore rules for a folder (the config's), or undefined. */
  extraRules?: (dir: string) => { base: string; globs: string[] } | undefined;
}

/** What a search finds: the files to take, the paths missing, the files skipped and why, and what could not be read. */
interface Discovered {
  files: Found[];
  missing: string[];
  skipped: Skipped[];
  unreadable: { path: string; message: string }[];
}

/** One search in progress: its options, the ignore rules that apply everywhere, and what it found so far (by real path). */
interface Search {
  options: DiscoverOptions;
  files: Map<string, Found>;
  missing: string[];
  skipped: Skipped[];
  unreadable: { path: string; message: string }[];
  /** The `--ignore` globs' rules. */
  cli: Rules[];
  /** The configs' ignore rules, made once per config folder. */
  configRules: Map<string, Rules>;
}

/** The config's ignore rules for a folder (none when its config has no ignore globs). */
function configRulesFor(search: Search, dir: string): Rules[] {
  const found = search.options.extraRules?.(dir);
  if (!found || found.globs.length === 0) return [];
  let rules = search.configRules.get(found.base);
  if (!rules) {
    rules = { base: found.base, ig: ignore().add(found.globs) };
    search.configRules.set(found.base, rules);
  }
  return [rules];
}

/**
 * A symbolic link with a Dockerfile's or compose file's name, found in a folder searched: taken
 * through its real path when that is a regular file inside the folder given, else skipped or unreadable.
 */
function takeLink(search: Search, rootReal: string, full: string, kind: Kind): void {
  const shown = display(full, search.options.cwd);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch (err) {
    search.unreadable.push({ path: shown, message: linkProblem(err) });
    return;
  }
  const rel = path.relative(rootReal, real);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    search.skipped.push({ path: shown, reason: "a symbolic link to a file outside the folder given" });
    return;
  }
  const target = fs.statSync(real);
  if (!target.isFile()) {
    if (!target.isDirectory())
      search.skipped.push({ path: shown, reason: `a link to ${fileKind(target)}, not a regular file` });
    return;
  }
  if (search.files.has(real)) return;
  search.files.set(real, { path: shown, real, kind });
}

/**
 * A folder searched, in name order: Dockerfiles and compose files taken, subfolders searched,
 * honouring the ignore files met on the way, `--ignore` and the config's globs.
 */
function walk(search: Search, rootReal: string, dir: string, rules: Rules[]): void {
  const { options } = search;
  const here = [...rules, ...rulesFrom(dir, [".gitignore", ".dfmodignore"])];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    search.unreadable.push({
      path: display(dir, options.cwd),
      message: `cannot read the folder: ${(err as NodeJS.ErrnoException).code ?? ""}`,
    });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const all = [...here, ...search.cli, ...configRulesFor(search, dir)];
    if (entry.isDirectory()) {
      if (SKIP_DIRS.has(entry.name) || ignored(all, full, true)) continue;
      walk(search, rootReal, full, here);
      continue;
    }
    const kind = kindOf(entry.name);
    if (!kind || ignored(all, full, false)) continue;
    if (entry.isSymbolicLink()) {
      takeLink(search, rootReal, full, kind);
      continue;
    }
    if (!entry.isFile()) {
      // A FIFO or device with a Dockerfile's name: reading it could block forever.
      if (!entry.isDirectory())
        search.skipped.push({ path: display(full, options.cwd), reason: `${fileKind(entry)}, not a regular file` });
      continue;
    }
    if (search.files.has(full)) continue;
    search.files.set(full, { path: display(full, options.cwd), real: full, kind });
  }
}

/** A path given on the command line: a folder is searched, a file taken as it is (whatever its name). */
function takePath(search: Search, p: string): void {
  const full = path.resolve(search.options.cwd, p);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !isLink(full)) search.missing.push(p);
    else
      search.unreadable.push({
        path: p,
        message: code === "ENOENT" || code === "ELOOP" ? linkProblem(err) : `cannot read: ${code}`,
      });
    return;
  }
  if (stat.isDirectory()) {
    walk(search, fs.realpathSync(full), full, parentRules(full));
  } else if (!stat.isFile()) {
    // A FIFO would block the read forever.
    search.unreadable.push({ path: p, message: `${fileKind(stat)}, not a regular file` });
  } else {
    const real = fs.realpathSync(full);
    search.files.set(real, { path: p, real, kind: kindOf(path.basename(full)) ?? "dockerfile" });
  }
}

/** The files a run takes from the paths given, in path order, with what was missing, skipped or unreadable. */
export function discover(paths: string[], options: DiscoverOptions): Discovered {
  const search: Search = {
    options,
    files: new Map(),
    missing: [],
    skipped: [],
    unreadable: [],
    cli: options.ignore.length ? [{ base: options.cwd, ig: ignore().add(options.ignore) }] : [],
    configRules: new Map(),
  };
  for (const p of paths) takePath(search, p);
  const sorted = [...search.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: sorted, missing: search.missing, skipped: search.skipped, unreadable: search.unreadable };
}
