/**
 * Writing a file without losing anything: the new bytes go to a temporary file in the same folder,
 * which takes the old file's mode, owner and group, and is renamed over it, so the file is either
 * as it was or fully replaced. Right before the rename the file must still hold what dfmod read
 * (nobody edited, deleted or created it meanwhile). What a rename would lose is refused with a
 * reason instead: a read-only file, hard links, an owner dfmod cannot give back; `force` replaces
 * the read-only file and writes the others in place (their inode kept, not atomic).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A write dfmod will not make, and why; the file is left as it was. */
export class WriteRefused extends Error {}

export interface WriteOptions {
  /**
   * What the file held when dfmod read it: the hash of its bytes, or null when it did not exist.
   * Undefined: no check.
   */
  expect?: string | null;
  force?: boolean;
}

/** Temporary files being written, removed if the run is interrupted. */
export const temporaryFiles = new Set<string>();
let counter = 0;

/** The hash a write compares: the file must still hold what dfmod read. */
/**
 * A 64-bit FNV-1a hash of the bytes (two 32-bit lanes), in hex: a write checks that the file still
 * holds what was read. Not cryptographic, and it need not be: it tells a file changed since this
 * run read it, which an edit in between does with a chance of 2^-64 of going unseen; node:crypto
 * would cost every run ~7 ms of loading.
 */
export function hashOf(bytes: Uint8Array): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < bytes.length; i++) {
    a = Math.imul(a ^ bytes[i]!, 0x01000193);
    b = Math.imul(b ^ bytes[i]!, 0x01000193) ^ (a >>> 15);
  }
  return `${(a >>> 0).toString(16).padStart(8, "0")}${(b >>> 0).toString(16).padStart(8, "0")}`;
}

/** What `file` holds now: the hash of its bytes, or null when there is no such file. */
function current(file: string): string | null {
  try {
    return hashOf(fs.readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function checkUnchanged(file: string, expect: string | null | undefined): void {
  if (expect === undefined) return;
  const now = current(file);
  if (now === expect) return;
  throw new WriteRefused(
    expect === null
      ? "created by someone else since dfmod looked: left as it is"
      : now === null
        ? "deleted since dfmod read it: not created again"
        : "changed since dfmod read it: left as it is (run dfmod again)",
  );
}

export function writeAtomic(file: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (stat && !stat.isFile()) throw new WriteRefused("not a regular file: left as it is");
  if (stat && (stat.mode & 0o222) === 0 && !options.force)
    throw new WriteRefused(
      `read-only (mode ${(stat.mode & 0o777).toString(8).padStart(4, "0")}): left as it was (--force replaces it)`,
    );
  const inPlace = (): void => {
    checkUnchanged(file, options.expect);
    fs.writeFileSync(file, data);
  };
  if (stat && stat.nlink > 1) {
    if (!options.force)
      throw new WriteRefused(
        `has ${stat.nlink} hard links, which replacing it would break: left as it was (--force writes it in place)`,
      );
    return inPlace();
  }
  // A short name: a file name near the system's limit still leaves room for it.
  const tmp = path.join(path.dirname(file), `.dfmod-${process.pid}-${++counter}.tmp`);
  temporaryFiles.add(tmp);
  try {
    // A new file gets the mode the umask gives; a replaced one keeps its mode, owner and group.
    fs.writeFileSync(tmp, data, { mode: stat ? stat.mode & 0o7777 : 0o666, flag: "wx" });
    if (stat) {
      fs.chmodSync(tmp, stat.mode & 0o7777);
      if (process.getuid && (stat.uid !== process.getuid() || stat.gid !== process.getgid!())) {
        try {
          fs.chownSync(tmp, stat.uid, stat.gid);
        } catch {
          fs.unlinkSync(tmp);
          temporaryFiles.delete(tmp);
          if (!options.force)
            throw new WriteRefused(
              `belongs to ${stat.uid}:${stat.gid}, an owner dfmod cannot give a new file: left as it was (--force writes it in place)`,
            );
          return inPlace();
        }
      }
    }
    checkUnchanged(file, options.expect);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // renamed, or never created
    }
    throw err;
  } finally {
    temporaryFiles.delete(tmp);
  }
}

/** Removes the temporary files of writes in progress (an interrupted run). */
export function removeTemporaryFiles(): void {
  for (const tmp of temporaryFiles) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  temporaryFiles.clear();
}

/**
 * A path as git shows one: in double quotes with C escapes when it holds a control character, a
 * quote or a backslash, so that a name with a line break cannot pass for two lines.
 */
export function quotePath(p: string): string {
  if (!/[\u0000-\u001f\u007f"\\]/.test(p)) return p;
  const named: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\" };
  return `"${p.replace(/[\u0000-\u001f\u007f"\\]/g, (c) => named[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`)}"`;
}
