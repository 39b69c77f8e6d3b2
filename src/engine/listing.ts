/**
 * What a folder holds, read once (one readdir) and kept until `forgetListings()`: a run of many
 * files asks of every Dockerfile's folder, and of the folders above it, whether files are there (a
 * context's requirements.txt, `<Dockerfile>.dockerignore`, compose files, `.git`), and the answer
 * is almost always no. A listing answers no without a system call per name; a yes, and any folder
 * that cannot be listed, still goes to the file system as before. Names are compared in any letter
 * case: on a case-insensitive file system `Compose.yaml` is found as `compose.yaml`, so a name that
 * differs only in case is not called absent. Listings are used only once a run turns them on
 * (`useListings()`): for a run of a few files, listing a large folder (a home or /tmp) costs more
 * than the handful of names asked in it.
 */
import * as fs from "node:fs";

const listings = new Map<string, Set<string> | null>();

/** A name as listings compare it: lower case, and composed (macOS file systems keep names decomposed). */
const key = (name: string): string => (/[^\x00-\x7f]/.test(name) ? name.normalize("NFC") : name).toLowerCase();

/** The lower-cased names in a folder, or null when it cannot be listed. */
function namesIn(dir: string): Set<string> | null {
  let names = listings.get(dir);
  if (names === undefined) {
    try {
      names = new Set(fs.readdirSync(dir).map(key));
    } catch {
      names = null;
    }
    listings.set(dir, names);
  }
  return names;
}

let enabled = false;

/** Turns listings on for this thread, until forgetListings(). */
export function useListings(): void {
  enabled = true;
}

/**
 * True when listings are on, `dir` was listed, and it holds nothing named `name` (in any letter
 * case). `name` has no `/`.
 */
export function absent(dir: string, name: string): boolean {
  // "" is the basename of a file system's root: nothing a listing can answer for.
  if (!enabled || name === "" || name === "." || name === "..") return false;
  const names = namesIn(dir);
  return names !== null && !names.has(key(name));
}

/** Forgets every listing and turns them off (a run starts afresh: files may have changed since the last one). */
export function forgetListings(): void {
  listings.clear();
  enabled = false;
}
