import * as fs from "node:fs";
import * as path from "node:path";
import { absent, forgetListings } from "./listing";

/** The build context of a Dockerfile: the folder whose files COPY and ADD can name. */
export interface BuildContext {
  dir: string;
  /** True when a regular file exists at this context-relative path. */
  exists(relative: string): boolean;
  /** True when a folder exists at this context-relative path. */
  isDirectory(relative: string): boolean;
  /** The file's text, or undefined when it cannot be read. */
  read(relative: string): string | undefined;
  /** True when anything is at this context-relative path (a file dfmod cannot read, a FIFO, a link). */
  present(relative: string): boolean;
  /** The names of the folders in this context-relative folder, sorted (none when it cannot be read). */
  folders(relative: string): string[];
  /** The names of the regular files in this context-relative folder, sorted (none when it cannot be read). */
  files(relative: string): string[];
}

const contexts = new Map<string, BuildContext>();

/** Forgets every context's answers and every folder listing: a run starts afresh. */
export function forgetFolders(): void {
  contexts.clear();
  forgetListings();
}

/**
 * The build context of a folder. Answers are cached for the process (many Dockerfiles share a
 * context, and the pipeline asks again on every pass); dfmod writes only after all files ran.
 */
export function folderContext(dir: string): BuildContext {
  let context = contexts.get(dir);
  if (!context) {
    context = memoize(uncachedContext(dir));
    contexts.set(dir, context);
  }
  return context;
}

/** `map`'s value for `key`, computed on first use. */
function cached<T>(map: Map<string, T>, key: string, compute: () => T): T {
  if (!map.has(key)) map.set(key, compute());
  return map.get(key) as T;
}

/** Texts and `present` answers kept (exists and isDirectory come from the context's own stat cache). */
function memoize(context: BuildContext): BuildContext {
  const texts = new Map<string, string | undefined>();
  const present = new Map<string, boolean>();
  return {
    dir: context.dir,
    exists: (rel) => context.exists(rel),
    isDirectory: (rel) => context.isDirectory(rel),
    read: (rel) => cached(texts, rel, () => context.read(rel)),
    present: (rel) => cached(present, rel, () => context.present(rel)),
    folders: (rel) => context.folders(rel),
    files: (rel) => context.files(rel),
  };
}

const inside = (root: string, full: string): boolean => {
  const rel = path.relative(root, full);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
};

/**
 * True when the folder's listing says nothing is at this absolute path (a path in a folder of the
 * context; the context's own folder is not looked up in its parent's listing).
 */
const notThere = (dir: string, full: string): boolean =>
  full !== dir && absent(path.dirname(full), path.basename(full));

/** The sorted names of a folder's entries of one kind; none when it cannot be read. */
function entries(full: string | undefined, kind: (entry: fs.Dirent) => boolean): string[] {
  if (!full) return [];
  try {
    return fs
      .readdirSync(full, { withFileTypes: true })
      .filter(kind)
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function uncachedContext(dir: string): BuildContext {
  let root: string | undefined;
  // A path of the context, by its real path: a symbolic link out of the context is not followed
  // (Docker sends the link, not what it points to).
  // Each path is resolved and stat'ed once: `read` asks both, after `exists` asked them.
  const reals = new Map<string, string | undefined>();
  const stats = new Map<string, fs.Stats | undefined>();
  const resolve = (relative: string): string | undefined =>
    cached(reals, relative, () => {
      const full = path.resolve(dir, relative);
      if (!inside(dir, full) || notThere(dir, full)) return undefined;
      try {
        root ??= fs.realpathSync.native(dir);
        const real = fs.realpathSync.native(full);
        return inside(root, real) ? real : undefined;
      } catch {
        return undefined;
      }
    });
  const stat = (relative: string): fs.Stats | undefined =>
    cached(stats, relative, () => {
      const full = resolve(relative);
      if (!full) return undefined;
      try {
        return fs.statSync(full);
      } catch {
        return undefined;
      }
    });
  return {
    dir,
    present(relative) {
      const full = path.resolve(dir, relative);
      if (!inside(dir, full) || notThere(dir, full)) return false;
      try {
        // No exception for a missing file: most runs ask about files that are not there.
        return fs.lstatSync(full, { throwIfNoEntry: false }) !== undefined;
      } catch {
        return false;
      }
    },
    folders: (relative) => entries(resolve(relative), (e) => e.isDirectory()),
    files: (relative) => entries(resolve(relative), (e) => e.isFile()),
    exists: (relative) => stat(relative)?.isFile() ?? false,
    isDirectory: (relative) => stat(relative)?.isDirectory() ?? false,
    read(relative) {
      const full = resolve(relative);
      // Only a regular file is read: a FIFO would block forever.
      if (!full || !stat(relative)?.isFile()) return undefined;
      try {
        return fs.readFileSync(full, "utf8");
      } catch {
        return undefined;
      }
    },
  };
}
