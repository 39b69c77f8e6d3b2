import * as fs from "node:fs";
import * as path from "node:path";

/** The build context of a Dockerfile: the folder whose files COPY and ADD can name. */
export interface BuildContext {
  dir: string;
  /** True when a regular file exists at this context-relative path. */
  exists(relative: string): boolean;
  /** True when a folder exists at this context-relative path. */
  isDirectory(relative: string): boolean;
  /** The file's text, or undefined when it cannot be read. */
  read(relative: string): string | undefined;
}

const contexts = new Map<string, BuildContext>();

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

function memoize(context: BuildContext): BuildContext {
  const exists = new Map<string, boolean>();
  const dirs = new Map<string, boolean>();
  const texts = new Map<string, string | undefined>();
  const get = <T>(map: Map<string, T>, key: string, compute: () => T): T => {
    if (!map.has(key)) map.set(key, compute());
    return map.get(key) as T;
  };
  return {
    dir: context.dir,
    exists: (rel) => get(exists, rel, () => context.exists(rel)),
    isDirectory: (rel) => get(dirs, rel, () => context.isDirectory(rel)),
    read: (rel) => get(texts, rel, () => context.read(rel)),
  };
}

function uncachedContext(dir: string): BuildContext {
  const resolve = (relative: string): string | undefined => {
    const full = path.resolve(dir, relative);
    const rel = path.relative(dir, full);
    if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
    return full;
  };
  const stat = (relative: string): fs.Stats | undefined => {
    const full = resolve(relative);
    if (!full) return undefined;
    try {
      return fs.statSync(full);
    } catch {
      return undefined;
    }
  };
  return {
    dir,
    exists: (relative) => stat(relative)?.isFile() ?? false,
    isDirectory: (relative) => stat(relative)?.isDirectory() ?? false,
    read(relative) {
      const full = resolve(relative);
      if (!full) return undefined;
      try {
        return fs.readFileSync(full, "utf8");
      } catch {
        return undefined;
      }
    },
  };
}
