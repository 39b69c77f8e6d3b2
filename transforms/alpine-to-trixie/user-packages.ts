/** The user's own Alpine -> Debian names (the config's `packages`, `--package alpine=debian`). */
import { trixiePackages } from "./packages";
import { runtimeOfDev } from "./resolve";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A user's map entry: `"libfoo2"` (the Debian package for building and at run time; for a `-dev`
 * name, its runtime library is found by rule) or `{"build": [...], "runtime": [...]}`. Every Debian
 * name must be a trixie package; the problem as text otherwise.
 */
export function packageEntry(alpine: string, value: unknown): { build: string[]; runtime: string[] } | string {
  let entry: { build: string[]; runtime: string[] };
  if (typeof value === "string") {
    const runtime = alpine.endsWith("-dev") ? runtimeOfDev(value) : value;
    entry = { build: [value], runtime: runtime ? [runtime] : [] };
  } else if (
    isObject(value) &&
    Object.keys(value).every((k) => k === "build" || k === "runtime") &&
    [value.build ?? [], value.runtime ?? []].every((l) => Array.isArray(l) && l.every((n) => typeof n === "string"))
  ) {
    entry = { build: (value.build ?? []) as string[], runtime: (value.runtime ?? []) as string[] };
  } else {
    return 'must be a Debian package name, or {"build": [names], "runtime": [names]}';
  }
  const missing = [...entry.build, ...entry.runtime].filter((n) => !trixiePackages().has(n));
  if (missing.length > 0) return `Debian trixie has no package named ${[...new Set(missing)].join(", ")}`;
  return entry;
}
