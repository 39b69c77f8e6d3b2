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
import { absent } from "./engine/listing";
import type { Options, Severity, Transform } from "./engine/types";
import { mapEntries, optionProblem, optionSchemas } from "./options";

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
  /** Options by key (`uvCheck`), map options (the `packages` key) included. */
  options: Options;
  ignore: string[];
  failOn?: FailOn;
}

const NAMES = ["dfmod.config.json", ".dfmodrc.json"];

export class ConfigFinder {
  private readonly cache = new Map<string, Config | ConfigError | undefined>();

  constructor(private readonly registry: readonly Transform[]) {}

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
    const options: Record<string, unknown> = {};
    const config: Config = { file, dir, transforms: {}, options, ignore: [] };
    const schemas = optionSchemas(this.registry);
    const maps = schemas.filter((o) => o.type === "map" && o.configKey);
    for (const [key, value] of Object.entries(data)) {
      const where = `${prefix}${key}`;
      const map = maps.find((o) => o.configKey === key);
      if (key === "transforms") {
        config.transforms = this.transformSwitches(file, where, value);
      } else if (key === "options") {
        if (!isObject(value)) throw new ConfigError(file, where, "must be an object");
        const known = schemas.filter((o) => o.type !== "map");
        for (const [name, v] of Object.entries(value)) {
          const schema = known.find((o) => o.flag === name);
          if (!schema)
            throw new ConfigError(
              file,
              `${where}.${name}`,
              `unknown option (known: ${known.map((o) => o.flag).join(", ")})`,
            );
          const problem = optionProblem(schema, v);
          if (problem) throw new ConfigError(file, `${where}.${name}`, problem);
          options[schema.key] = v;
        }
      } else if (map) {
        if (!isObject(value)) throw new ConfigError(file, where, `must be an object: ${map.description}`);
        const entries = mapEntries(map, Object.entries(value));
        if ("error" in entries) throw new ConfigError(file, `${where}.${entries.name}`, entries.error);
        options[map.key] = entries.value;
      } else if (key === "ignore") {
        if (!Array.isArray(value) || !value.every((g) => typeof g === "string"))
          throw new ConfigError(file, where, "must be an array of glob strings");
        config.ignore = value;
      } else if (key === "fail-on") {
        if (!FAIL_ON.includes(value as FailOn))
          throw new ConfigError(file, where, `must be one of ${FAIL_ON.map((c) => `"${c}"`).join(", ")}`);
        config.failOn = value as FailOn;
      } else {
        const known = ["transforms", "options", "ignore", "fail-on", ...maps.map((o) => o.configKey)];
        throw new ConfigError(file, where, `unknown key (known: ${known.join(", ")})`);
      }
    }
    return config;
  }

  private transformSwitches(file: string, where: string, value: unknown): Record<string, boolean> {
    if (!isObject(value)) throw new ConfigError(file, where, "must be an object of transform ids and true / false");
    const switches: Record<string, boolean> = {};
    for (const [id, on] of Object.entries(value)) {
      if (!this.registry.some((t) => t.id === id))
        throw new ConfigError(file, `${where}.${id}`, "no transform has this id (see `dfmod list`)");
      if (typeof on !== "boolean") throw new ConfigError(file, `${where}.${id}`, "must be true or false");
      switches[id] = on;
    }
    return switches;
  }
}

/** Whether `file` exists; a config name that is not a regular file (a FIFO) is an error, never read. */
function exists(file: string): boolean {
  if (absent(path.dirname(file), path.basename(file))) return false;
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
  return [".git", "package.json"].some((name) => !absent(dir, name) && fs.existsSync(path.join(dir, name)));
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
