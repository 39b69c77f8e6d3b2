/**
 * `dfmod packages NAME...`: what each Alpine package name becomes on Debian trixie — the Debian
 * packages for building and at run time, and where that comes from (the user's map, the package
 * map, a named rule) — or, when no rule finds exactly one trixie name, the candidates.
 */
import { ConfigError, ConfigFinder } from "../../src/config";
import type { Transform } from "../../src/engine/types";
import { mapPackages } from "./apk";
import { entryFor, type PackageEntry } from "./packages";
import { resolve } from "./resolve";

export interface PackageAnswer {
  name: string;
  resolved: boolean;
  /** `user`, `map`, or the rules that resolved it (`versioned, soname`). */
  source?: string;
  build: string[];
  runtime: string[];
  /** What is installed for it in a stage of this kind (after dropping what the image has). */
  installed: string[];
  note?: string;
  candidates?: string[];
  hint?: string;
}

export function answer(name: string, python: boolean, user: Record<string, PackageEntry>): PackageAnswer {
  const mapped = mapPackages([name], python, "build", user);
  const dropped = mapped.dropped.find((d) => d.name === name);
  const own = entryFor(name, user);
  // A substitute (PCRE2 for PCRE 1) keeps its caveat even when the image already has it.
  const substitute = mapped.substituted.find((d) => d.name === name);
  if (own?.tags?.includes("UNAVAILABLE")) {
    return { name, resolved: false, build: [], runtime: [], installed: [], candidates: [], hint: own.note };
  }
  if (own) {
    return {
      name,
      resolved: true,
      source: Object.hasOwn(user, name) ? "user" : "map",
      build: own.build,
      runtime: own.runtime,
      installed: mapped.packages,
      note: dropped ? [`not installed: ${dropped.why}`, substitute?.note].filter(Boolean).join("; ") : own.note,
    };
  }
  if (dropped)
    return { name, resolved: true, source: "dfmod", build: [], runtime: [], installed: [], note: dropped.why };
  const r = resolve(name, python, (n) => entryFor(n, user));
  if (r.kind === "unresolved") {
    return { name, resolved: false, build: [], runtime: [], installed: [], candidates: r.candidates, hint: r.hint };
  }
  return {
    name,
    resolved: true,
    source: r.rule,
    build: r.entry.build,
    runtime: r.entry.runtime,
    installed: mapped.packages,
  };
}

function line(a: PackageAnswer): string {
  if (!a.resolved) {
    const more = a.hint ?? (a.candidates?.length ? `did you mean ${a.candidates.join(", ")}?` : "no trixie name found");
    return `${a.name}  unresolved: ${more}\n`;
  }
  const list = (l: string[]): string => (l.length ? l.join(" ") : "-");
  return `${a.name}  build: ${list(a.build)}  runtime: ${list(a.runtime)}  installs: ${list(a.installed)}  (${a.source})${a.note ? `\n    ${a.note}` : ""}\n`;
}

export interface PackagesOptions {
  names: string[];
  /** The stage is on a python:* image (its own Python; Rust and Python packages are dropped). */
  python: boolean;
  format: "text" | "json";
  cwd: string;
  /** `--package` entries (they win over the config's). */
  packages: Record<string, PackageEntry>;
  /** The transforms a config may name and configure. */
  registry: readonly Transform[];
}

export function runPackages(
  options: PackagesOptions,
  io: { stdout(t: string): void; stderr(t: string): void },
): number {
  let user: Record<string, PackageEntry> = {};
  try {
    const config = new ConfigFinder(options.registry).forDir(options.cwd);
    user = { ...(config?.options.packages as Record<string, PackageEntry> | undefined), ...options.packages };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`dfmod: config: ${err.message}\n`);
    return 2;
  }
  const answers = options.names.map((n) => answer(n, options.python, user));
  if (options.format === "json") io.stdout(JSON.stringify({ packages: answers }, null, 2) + "\n");
  else io.stdout(answers.map(line).join(""));
  return answers.every((a) => a.resolved) ? 0 : 1;
}
