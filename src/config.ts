/**
 * Configuration files, found upwards from each file: dfmod.config.json, .dfmodrc.json, or a
 * "dfmod" key in package.json (the nearest folder that has one of them wins).
 *
 *   {
 *     "transforms": { "multi-stage": false },        // on / off per transform
 *     "options": { "uv-check": "locked" },           // transform options, named like the flags
 *     "ignore": ["legacy/**"],                        // .gitignore-style globs, from the config's folder
 *     "fail-on": "warning"                            // notes that make the run exit 1 (see --fail-on)
 *   }
 *
 * A malformed config is an error that names the file and the key.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Severity, TransformOptions } from "./engine/types";

/** The notes that fail a run (exit 1): none, warnings and worse, or action-needed ones. */
export type FailOn = "never" | Exclude<Severity, "info">;
export const FAIL_ON: readonly FailOn[] = ["never", "warning", "action-needed"];

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    message: string,
  ) {
    super(`${file}: ${key ? `${key}: ` : ""}${message}`);
  }
}

export interface Config {
  file: string;
  dir: string;
  transforms: Record<string, boolean>;
  options: Partial<TransformOptions>;
  ignore: string[];
  failOn?: FailOn;
  /** Alpine -> Debian package names of the user's own (the `packages` key). */
  packages: Record<string, { build: string[]; runtime: string[] }>;
}

type OptionSpec = { key: keyof TransformOptions } & (
  { type: "boolean" } | { type: "string" } | { type: "choice"; choices: readonly string[] }
);

/** Option names as the flags spell them -> TransformOptions keys. */
export const OPTION_SPECS: Record<string, OptionSpec> = {
  "uv-check": { key: "uvCheck", type: "choice", choices: ["frozen", "locked"] },
  "uv-version": { key: "uvVersion", type: "string" },
  "cache-mounts": { key: "cacheMounts", type: "boolean" },
  "target-variant": { key: "targetVariant", type: "choice", choices: ["slim-trixie", "trixie"] },
  "all-stages": { key: "allStages", type: "boolean" },
  strict: { key: "strict", type: "boolean" },
  split: { key: "split", type: "choice", choices: ["auto", "always"] },
  "builder-stage-name": { key: "builderStageName", type: "string" },
  "runtime-stage-name": { key: "runtimeStageName", type: "string" },
  "image-name": { key: "imageName", type: "string" },
  "drop-dockerfile-healthcheck": { key: "dropDockerfileHealthcheck", type: "boolean" },
};

const NAMES = ["dfmod.config.json", ".dfmodrc.json"];

export class ConfigFinder {
  private readonly cache = new Map<string, Config | ConfigError | undefined>();

  constructor(private readonly transformIds: string[]) {}

  /** The config that applies to files in `dir`, undefined when there is none; throws ConfigError. */
  forDir(dir: string): Config | undefined {
    const found = this.lookup(path.resolve(dir));
    if (found instanceof ConfigError) throw found;
    return found;
  }

  private lookup(dir: string): Config | ConfigError | undefined {
    if (this.cache.has(dir)) return this.cache.get(dir);
    let result: Config | ConfigError | undefined;
    try {
      result = this.read(dir);
      // The search stops at the repository's root or a package's folder: a config above them is
      // someone else's.
      if (result === undefined && !isBoundary(dir)) {
        const parent = path.dirname(dir);
        result = parent === dir ? undefined : this.lookup(parent);
      }
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      result = err;
    }
    this.cache.set(dir, result);
    return result;
  }

  private read(dir: string): Config | undefined {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      if (!exists(file)) continue;
      return this.validate(file, parseJson(file), dir);
    }
    const pkg = path.join(dir, "package.json");
    if (exists(pkg)) {
      let data: unknown;
      try {
        data = JSON.parse(readText(pkg));
      } catch {
        return undefined; // a broken package.json is not dfmod's to judge
      }
      if (isObject(data) && Object.hasOwn(data, "dfmod")) return this.validate(pkg, data.dfmod, dir, "dfmod.");
    }
    return undefined;
  }

  private validate(file: string, data: unknown, dir: string, prefix = ""): Config {
    if (!isObject(data)) throw new ConfigError(file, prefix.replace(/\.$/, ""), "must be an object");
    const config: Config = { file, dir, transforms: {}, options: {}, ignore: [], packages: {} };
    for (const [key, value] of Object.entries(data)) {
      const where = `${prefix}${key}`;
      if (key === "transforms") {
        if (!isObject(value)) throw new ConfigError(file, where, "must be an object of transform ids and true / false");
        for (const [id, on] of Object.entries(value)) {
          if (!this.transformIds.includes(id))
            throw new ConfigError(file, `${where}.${id}`, "no transform has this id (see `dfmod list`)");
          if (typeof on !== "boolean") throw new ConfigError(file, `${where}.${id}`, "must be true or false");
          config.transforms[id] = on;
        }
      } else if (key === "options") {
        if (!isObject(value)) throw new ConfigError(file, where, "must be an object");
        for (const [name, v] of Object.entries(value)) {
          const spec = Object.hasOwn(OPTION_SPECS, name) ? OPTION_SPECS[name] : undefined;
          if (!spec)
            throw new ConfigError(
              file,
              `${where}.${name}`,
              `unknown option (known: ${Object.keys(OPTION_SPECS).join(", ")})`,
            );
          if (spec.type === "boolean" && typeof v !== "boolean")
            throw new ConfigError(file, `${where}.${name}`, "must be true or false");
          if (spec.type === "string" && typeof v !== "string")
            throw new ConfigError(file, `${where}.${name}`, "must be a string");
          if (spec.type === "choice" && !spec.choices.includes(v as string)) {
            throw new ConfigError(
              file,
              `${where}.${name}`,
              `must be one of ${spec.choices.map((c) => `"${c}"`).join(", ")}`,
            );
          }
          (config.options as Record<string, unknown>)[spec.key] = v;
        }
      } else if (key === "ignore") {
        if (!Array.isArray(value) || !value.every((g) => typeof g === "string"))
          throw new ConfigError(file, where, "must be an array of glob strings");
        config.ignore = value;
      } else if (key === "packages") {
        if (!isObject(value))
          throw new ConfigError(file, where, "must be an object of Alpine names and their Debian names");
        for (const [alpine, debian] of Object.entries(value)) {
          const entry = packageEntry(alpine, debian);
          if (typeof entry === "string") throw new ConfigError(file, `${where}.${alpine}`, entry);
          config.packages[alpine] = entry;
        }
      } else if (key === "fail-on") {
        if (!FAIL_ON.includes(value as FailOn))
          throw new ConfigError(file, where, `must be one of ${FAIL_ON.map((c) => `"${c}"`).join(", ")}`);
        config.failOn = value as FailOn;
      } else {
        throw new ConfigError(file, where, "unknown key (known: transforms, options, ignore, fail-on, packages)");
      }
    }
    return config;
  }
}

/**
 * A user's map entry: `"libfoo2"` (the Debian package for building and at run time; for a `-dev`
 * name, its runtime library is found by rule) or `{"build": [...], "runtime": [...]}`. Every Debian
 * name must be a trixie package; the problem as text otherwise.
 */
export function packageEntry(alpine: string, value: unknown): { build: string[]; runtime: string[] } | string {
  const { trixiePackages } =
    require("../transforms/alpine-to-trixie/packages") as typeof import("../transforms/alpine-to-trixie/packages");
  const { runtimeOfDev } =
    require("../transforms/alpine-to-trixie/resolve") as typeof import("../transforms/alpine-to-trixie/resolve");
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

/** Whether `file` exists; a config name that is not a regular file (a FIFO) is an error, never read. */
function exists(file: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new ConfigError(file, "", `cannot read: ${(err as NodeJS.ErrnoException).code}`);
  }
  if (!stat.isFile()) throw new ConfigError(file, "", "not a regular file");
  return true;
}

/** A file's text, without a byte order mark (editors on Windows write one). */
function readText(file: string): string {
  return fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
}

/** The repository's root (it holds .git) or a package's folder (it holds package.json). */
function isBoundary(dir: string): boolean {
  return fs.existsSync(path.join(dir, ".git")) || fs.existsSync(path.join(dir, "package.json"));
}

function parseJson(file: string): unknown {
  let text: string;
  try {
    text = readText(file);
  } catch (err) {
    throw new ConfigError(file, "", `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, "", `not valid JSON: ${(err as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
