/**
 * What uv sync reads of the project that `uv pip install -r pyproject.toml` did not.
 *
 * Whether uv.lock was locked from the pyproject.toml beside it. `uv sync --frozen` installs the lock
 * as it is, without asking pyproject.toml: a dependency added to pyproject.toml after the last
 * `uv lock` is silently not installed (the image then fails on its import), where the
 * `uv pip install -r pyproject.toml` it replaces installed it. uv records, in the lock's entry for
 * the project itself (`source = { editable = "." }` or `{ virtual = "." }`), the requirements it
 * locked from (`[package.metadata] requires-dist`); a project dependency whose name is not among
 * them is one the lock does not have.
 */
import type { BuildContext } from "../../src/engine/context";
import { isTable, toml, type Table } from "../toml";

/** A requirement's name as PEP 503 compares names: lower case, runs of `-_.` as one `-`. */
const canonical = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");

/** The name a PEP 508 requirement starts with (`Flask[async]>=3; ...` -> `flask`). */
function requirementName(requirement: string): string | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(requirement);
  return m ? canonical(m[1]!) : undefined;
}

/** The names of the requirements the lock's own project entry was locked from; undefined when the lock does not say. */
function lockedNames(lock: Table): Set<string> | undefined {
  const packages = Array.isArray(lock.package) ? lock.package.filter(isTable) : [];
  const root = packages.find((p) => isTable(p.source) && (p.source.editable === "." || p.source.virtual === "."));
  // Without the metadata (a lock written by hand, or by a uv that did not record it) nothing is known.
  if (!root || !isTable(root.metadata)) return undefined;
  const requires = Array.isArray(root.metadata["requires-dist"]) ? root.metadata["requires-dist"] : [];
  return new Set(requires.filter(isTable).flatMap((r) => (typeof r.name === "string" ? [canonical(r.name)] : [])));
}

/**
 * The project dependencies of the context's pyproject.toml that its uv.lock does not have, or an
 * empty list when the lock has them all or either file does not say.
 */
export function unlockedDependencies(context: BuildContext): string[] {
  const lockText = context.read("uv.lock");
  const projectText = lockText === undefined ? undefined : context.read("pyproject.toml");
  if (lockText === undefined || projectText === undefined) return [];
  const project = toml(projectText)?.project;
  const dependencies = isTable(project) && Array.isArray(project.dependencies) ? project.dependencies : [];
  const names = dependencies.flatMap((d) => (typeof d === "string" ? [requirementName(d)] : [])).filter(Boolean);
  if (names.length === 0) return [];
  const lock = toml(lockText);
  const locked = lock ? lockedNames(lock) : undefined;
  if (!locked) return [];
  return [...new Set(names.filter((n): n is string => n !== undefined && !locked.has(n)))];
}

/**
 * The dependency groups besides `dev` that uv sync installs by default (`[tool.uv] default-groups`,
 * `"all"` for every group of `[dependency-groups]`): `--no-dev` leaves only dev out, where
 * `uv pip install -r pyproject.toml` installed no group at all.
 */
export function otherDefaultGroups(context: BuildContext): string[] {
  const text = context.read("pyproject.toml");
  if (text === undefined || !text.includes("default-groups")) return [];
  const doc = toml(text);
  const tool = doc && isTable(doc.tool) ? doc.tool : {};
  const defaults = isTable(tool.uv) ? tool.uv["default-groups"] : undefined;
  const groups =
    defaults === "all"
      ? Object.keys(doc && isTable(doc["dependency-groups"]) ? doc["dependency-groups"] : {})
      : Array.isArray(defaults)
        ? defaults.filter((g): g is string => typeof g === "string")
        : [];
  return [...new Set(groups.map(canonical))].filter((g) => g !== "dev");
}
