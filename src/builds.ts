/**
 * Where Dockerfiles are built from: the builds that compose files (`services.*.build`) and bake
 * files (docker-bake.json / .hcl `target`s) define, each with its build context, Dockerfile,
 * target, args and named contexts. A Dockerfile that no build names is built from its own folder.
 *
 * The files are found in the run and in the folders above each Dockerfile, up to the repository
 * root (the folder with `.git`); without one, up to the current folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { absent } from "./engine/listing";

export interface BuildDef {
  /** The compose or bake file that defines the build (absolute). */
  file: string;
  /** `compose` service or `bake` target. */
  kind: "compose" | "bake";
  /** The service's or target's name. */
  name: string;
  /** The build context (absolute folder). */
  context: string;
  /** The Dockerfile (absolute). */
  dockerfile: string;
  target: string | undefined;
  /** Build args as the file gives them (a value-less arg is undefined: taken from the environment). */
  args: Record<string, string | undefined>;
  /** Named contexts (`additional_contexts`, bake `contexts`): name -> folder or other source. */
  contexts: Record<string, string>;
  /** The name the build is tagged with (compose `image:`, bake's first tag). */
  image?: string;
  /**
   * Container paths the service bind-mounts a host folder over (`volumes: [".:/app"]`), with the
   * compose file that says so (the service's own, or another compose file of its folder, such as
   * docker-compose.override.yml, which Compose merges); compose only.
   */
  mounts: Mount[];
  /** What a compose service runs in place of the image's own: its command, entrypoint and healthcheck test. */
  runs?: ServiceRun[];
}

/** A compose service's `command:`, `entrypoint:` or healthcheck `test:`, as text; `shell`: run by /bin/sh (CMD-SHELL). */
export interface ServiceRun {
  what: "command" | "entrypoint" | "healthcheck";
  text: string;
  shell: boolean;
}

/** The service's own commands (`command:`, `entrypoint:`, the healthcheck's `test:`). */
function serviceRuns(service: Record<string, unknown>): ServiceRun[] {
  const out: ServiceRun[] = [];
  const words = (v: unknown): string | undefined =>
    typeof v === "string" ? v : Array.isArray(v) ? v.map((w) => String(w)).join(" ") : undefined;
  for (const what of ["command", "entrypoint"] as const) {
    const text = words(service[what]);
    if (text) out.push({ what, text, shell: false });
  }
  const health = record(service.healthcheck) ? service.healthcheck.test : undefined;
  if (typeof health === "string") out.push({ what: "healthcheck", text: health, shell: true });
  else if (Array.isArray(health) && health.length > 1 && (health[0] === "CMD" || health[0] === "CMD-SHELL"))
    out.push({ what: "healthcheck", text: health.slice(1).map(String).join(" "), shell: health[0] === "CMD-SHELL" });
  return out;
}

export interface Mount {
  target: string;
  file: string;
  /** Mounted read-only (`:ro`, `read_only: true`). */
  readOnly?: boolean;
}

/** What a compose or bake file says, or why it says nothing dfmod can use. */
export interface BuildFile {
  builds: BuildDef[];
  /** Compose's project name (`name:`), when the file gives one. */
  project?: string;
  /** The bind mounts of every service of a compose file, by service name (builds or not). */
  mounts?: Record<string, Mount[]>;
  problem?: string;
}

const COMPOSE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
/** The files Compose and Bake read by default, looked for above each Dockerfile. */
const SEARCHED = [
  ...COMPOSE_NAMES,
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yaml",
  "docker-compose.override.yml",
  "docker-bake.json",
  "docker-bake.override.json",
];

/** A context that is not a local folder: a git or HTTP URL, a `docker-image://` or `target:` reference. */
const remote = (value: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(?:git@|target:)/.test(value);

/** A value with variables compose or bake would substitute: dfmod cannot know it. */
const interpolated = (value: string): boolean => /\$\{?[A-Za-z_]|\$\{/.test(value);

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const scalar = (value: unknown): string | undefined =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;

/** `args` / `additional_contexts` as a mapping or a list of `KEY=VALUE`. */
function pairs(value: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = scalar(item);
      if (text === undefined) continue;
      const eq = text.indexOf("=");
      if (eq < 0) out[text] = undefined;
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (record(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = v === null ? undefined : scalar(v);
  }
  return out;
}

function def(
  file: string,
  kind: BuildDef["kind"],
  name: string,
  base: string,
  context: string,
  dockerfile: string,
  target: string | undefined,
  args: Record<string, string | undefined>,
  contexts: Record<string, string | undefined>,
): BuildDef | undefined {
  if (remote(context) || interpolated(context) || interpolated(dockerfile)) return undefined;
  const dir = path.resolve(base, context);
  const named: Record<string, string> = {};
  for (const [k, v] of Object.entries(contexts))
    if (v !== undefined) named[k] = remote(v) || interpolated(v) ? v : path.resolve(base, v);
  return {
    file,
    kind,
    name,
    context: dir,
    dockerfile: path.resolve(dir, dockerfile),
    target,
    args,
    contexts: named,
    mounts: [],
  };
}

/** The container paths of a service's bind mounts: `./src:/app[:ro]`, `/host:/app`, `{type: bind, target}`. */
function bindMounts(volumes: unknown, file: string): Mount[] {
  if (!Array.isArray(volumes)) return [];
  const out: Mount[] = [];
  for (const v of volumes) {
    if (typeof v === "string") {
      const [source, target, mode] = v.split(":");
      // A named volume has no slash and does not start with `.` or `~`.
      if (target && /^[./~]/.test(source ?? ""))
        out.push({
          target: target.replace(/\/+$/, "") || "/",
          file,
          ...((mode ?? "").split(",").includes("ro") ? { readOnly: true } : {}),
        });
    } else if (record(v) && v.type === "bind" && typeof v.target === "string")
      out.push({
        target: v.target.replace(/\/+$/, "") || "/",
        file,
        ...(v.read_only === true ? { readOnly: true } : {}),
      });
  }
  return out;
}

/** The builds of a compose file. */
export function composeBuilds(file: string, text: string): BuildFile {
  let doc: unknown;
  try {
    const yaml = require("yaml") as typeof import("yaml");
    const parsed = yaml.parseDocument(text, { merge: true });
    if (parsed.errors.length > 0)
      return { builds: [], problem: `not valid YAML: ${parsed.errors[0]!.message.split("\n")[0]}` };
    doc = parsed.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return { builds: [], problem: `cannot be read: ${(err as Error).message.split("\n")[0]}` };
  }
  if (!record(doc)) return { builds: [] };
  const base = path.dirname(file);
  // An override file (docker-compose.override.yml, compose.prod.yaml...) may give a build without
  // its context, which the main file then supplies: such a partial build says nothing here.
  const partial = !COMPOSE_NAMES.includes(path.basename(file));
  const builds: BuildDef[] = [];
  const allMounts: Record<string, Mount[]> = {};
  const services = record(doc.services) ? doc.services : {};
  for (const [name, service] of Object.entries(services)) {
    if (!record(service)) continue;
    const build = service.build;
    const literal = scalar(build);
    const mounts = bindMounts(service.volumes, file);
    if (mounts.length) allMounts[name] = mounts;
    const image = scalar(service.image);
    const runs = serviceRuns(service);
    const extra = { ...(image ? { image } : {}), ...(runs.length ? { runs } : {}) };
    if (literal !== undefined) {
      const d = def(file, "compose", name, base, literal, "Dockerfile", undefined, {}, {});
      if (d) builds.push({ ...d, mounts, ...extra });
      continue;
    }
    if (!record(build) || build.dockerfile_inline !== undefined) continue;
    if (partial && build.context === undefined) continue;
    const d = def(
      file,
      "compose",
      name,
      base,
      scalar(build.context) ?? ".",
      scalar(build.dockerfile) ?? "Dockerfile",
      scalar(build.target),
      pairs(build.args),
      pairs(build.additional_contexts),
    );
    if (d) builds.push({ ...d, mounts, ...extra });
  }
  const project = scalar(doc.name);
  return { builds, mounts: allMounts, ...(project !== undefined && !interpolated(project) ? { project } : {}) };
}

/** The targets of a bake file (JSON, or HCL turned into the same shape). */
export function bakeTargets(file: string, doc: unknown): BuildFile {
  if (!record(doc)) return { builds: [] };
  const base = path.dirname(file);
  const builds: BuildDef[] = [];
  const targets = record(doc.target) ? doc.target : {};
  // HCL blocks come as a list of one object.
  const own = (value: unknown): unknown => (Array.isArray(value) && value.length === 1 ? value[0] : value);
  // A target with `inherits` takes its parents' fields, in order, then its own (bake's rule).
  const resolved = (name: string, seen: Set<string>): Record<string, unknown> | undefined => {
    const target = own(targets[name]);
    if (!record(target) || seen.has(name)) return undefined;
    const parents = Array.isArray(target.inherits) ? target.inherits : target.inherits === undefined ? [] : undefined;
    if (!parents) return undefined;
    const merged: Record<string, unknown> = {};
    for (const parent of parents) {
      const fields = typeof parent === "string" ? resolved(parent, new Set([...seen, name])) : undefined;
      if (!fields) return undefined;
      Object.assign(merged, fields);
    }
    const { inherits: _inherits, ...fields } = target;
    const out: Record<string, unknown> = { ...merged, ...fields };
    // Maps (args, contexts) merge key by key.
    for (const key of ["args", "contexts"])
      if (record(merged[key]) && record(fields[key])) out[key] = { ...merged[key], ...fields[key] };
    return out;
  };
  for (const name of Object.keys(targets)) {
    const target = resolved(name, new Set());
    if (!target || target["dockerfile-inline"] !== undefined) continue;
    const d = def(
      file,
      "bake",
      name,
      base,
      scalar(target.context) ?? ".",
      scalar(target.dockerfile) ?? "Dockerfile",
      scalar(target.target),
      pairs(target.args),
      pairs(target.contexts),
    );
    if (d) builds.push(d);
  }
  return { builds };
}

export function bakeJsonBuilds(file: string, text: string): BuildFile {
  try {
    return bakeTargets(file, JSON.parse(text));
  } catch (err) {
    return { builds: [], problem: `not valid JSON: ${(err as Error).message}` };
  }
}

/** The builds of one file by its name, or undefined when it is not a compose or bake file. */
export function buildsOf(file: string, text: string): BuildFile | undefined {
  const name = path.basename(file);
  if (/^(?:compose|docker-compose)(?:\..+)?\.ya?ml$/.test(name)) return composeBuilds(file, text);
  if (/^docker-bake(?:\..+)?\.json$/.test(name)) return bakeJsonBuilds(file, text);
  return undefined;
}

function readRegular(file: string): string | undefined {
  try {
    // Only a regular file is read: a FIFO would block forever.
    if (!fs.statSync(file).isFile()) return undefined;
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** A file's real path, or its absolute path when it has none (it does not exist). */
export const realOf = (file: string): string => {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
};

/** The nearest folder at or above `dir` with a `.git`, or undefined. */
export function repositoryRoot(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (!absent(current, ".git") && fs.existsSync(path.join(current, ".git"))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * The builds that name each Dockerfile, from the compose and bake files of the run and of the
 * folders above the Dockerfiles. Files are read once.
 */
export class BuildFinder {
  private files = new Map<string, BuildFile>();
  private byDockerfile = new Map<string, BuildDef[]>();
  private searched = new Set<string>();

  private readonly cwd: string;

  constructor(cwd: string) {
    this.cwd = realOf(cwd);
  }

  /** A compose or bake file of the run (its text as read). */
  add(file: string, text?: string): BuildFile | undefined {
    const real = realOf(file);
    const known = this.files.get(real);
    if (known) return known;
    const content = text ?? readRegular(real);
    const found = content === undefined ? undefined : buildsOf(real, content);
    if (!found) return undefined;
    this.files.set(real, found);
    for (const b of found.builds) {
      const key = realOf(b.dockerfile);
      this.byDockerfile.set(key, [...(this.byDockerfile.get(key) ?? []), b]);
    }
    return found;
  }

  /** The builds that use this Dockerfile, by its real path (as discovery gives it). */
  forDockerfile(real: string): BuildDef[] {
    this.searchAbove(path.dirname(real));
    // Compose merges the compose files of a folder by service name: an override's bind mounts count.
    return (this.byDockerfile.get(real) ?? []).map((b) => {
      if (b.kind !== "compose") return b;
      const mounts = [...b.mounts];
      for (const [file, found] of this.files) {
        if (file === b.file || path.dirname(file) !== path.dirname(b.file)) continue;
        for (const m of found.mounts?.[b.name] ?? [])
          if (!mounts.some((x) => x.target === m.target && x.file === m.file)) mounts.push(m);
      }
      return { ...b, mounts };
    });
  }

  /**
   * The other Dockerfiles (absolute) that the known compose and bake files build from the same
   * context folder as `b`: they share its .dockerignore.
   */
  peersOf(b: BuildDef): string[] {
    const out = new Set<string>();
    const self = realOf(b.dockerfile);
    for (const found of this.files.values())
      for (const other of found.builds)
        if (other.context === b.context && realOf(other.dockerfile) !== self) out.add(other.dockerfile);
    return [...out];
  }

  /** The compose project name a compose file gives (undefined: none, or not read). */
  projectOf(composeFile: string): string | undefined {
    return this.files.get(realOf(composeFile))?.project;
  }

  private roots = new Map<string, string | undefined>();

  /** Reads the compose and bake files from `dir` up to the repository root (else the current folder). */
  private searchAbove(dir: string): void {
    const cwd = this.cwd;
    if (!this.roots.has(dir)) this.roots.set(dir, repositoryRoot(dir));
    const top = this.roots.get(dir) ?? (path.relative(cwd, dir).startsWith("..") ? dir : cwd);
    for (let current = dir; ;) {
      if (!this.searched.has(current)) {
        this.searched.add(current);
        for (const name of SEARCHED) {
          const file = path.join(current, name);
          if (!absent(current, name) && fs.existsSync(file)) this.add(file);
        }
      }
      const parent = path.dirname(current);
      if (current === top || parent === current) return;
      current = parent;
    }
  }
}
