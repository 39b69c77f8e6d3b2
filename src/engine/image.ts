/**
 * The configuration a Dockerfile gives its final image (what `docker inspect` shows under Config):
 * USER, WORKDIR, ENTRYPOINT, CMD, EXPOSE, VOLUME, LABEL, STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD and
 * ENV, with build-time variables (ARG, ENV) expanded where Docker expands them. Only what the file
 * itself sets: the base image's own config is not known from the text. A stage built FROM another
 * stage of the file starts from that stage's config.
 */
import { memo, type Dockerfile, type Instruction, type Stage } from "./dockerfile";
import { resolvePath } from "./commands";
import { keyValues } from "./keyvalue";

export interface ImageConfig {
  user: string | null;
  workdir: string | null;
  entrypoint: string | null;
  cmd: string | null;
  expose: string[];
  volume: string[];
  labels: Record<string, string>;
  stopsignal: string | null;
  healthcheck: string | null;
  shell: string | null;
  onbuild: string[];
  env: Record<string, string>;
}

/** What a transform may change in the final image's config on purpose: a key, or `env NAME` / `labels NAME`. */
export type ConfigKey = Exclude<keyof ImageConfig, "env" | "labels"> | `env ${string}` | `labels ${string}`;

const empty = (): ImageConfig => ({
  user: null,
  workdir: null,
  entrypoint: null,
  cmd: null,
  expose: [],
  volume: [],
  labels: {},
  stopsignal: null,
  healthcheck: null,
  shell: null,
  onbuild: [],
  env: {},
});

/**
 * The final stage's image config (cached per parse). Variables named in `opaque` are not expanded:
 * a value that builds on a variable a transform changes on purpose (`ENV X=$PATH`) is compared as
 * written.
 */
export function imageConfig(file: Dockerfile, opaque: ReadonlySet<string> = new Set()): ImageConfig {
  return memo(file, `image ${[...opaque].sort().join(" ")}`, () => finalConfig(file, opaque));
}

function finalConfig(file: Dockerfile, opaque: ReadonlySet<string>): ImageConfig {
  const last = file.stages[file.stages.length - 1];
  return last ? stageConfig(file, last, new Set(), opaque) : empty();
}

function stageConfig(file: Dockerfile, stage: Stage, seen: Set<Stage>, opaque: ReadonlySet<string>): ImageConfig {
  seen.add(stage);
  const parent = file.parentStage(stage);
  const base = parent && !seen.has(parent) ? stageConfig(file, parent, seen, opaque) : empty();
  const config: ImageConfig = {
    ...base,
    expose: [...base.expose],
    volume: [...base.volume],
    labels: { ...base.labels },
    onbuild: [...base.onbuild],
    env: { ...base.env },
  };
  const globals = globalArgs(file);
  const args = new Map<string, string | undefined>();
  let cmdSet = false;
  const expand = (text: string): string =>
    expandVariables(text, (name) => (opaque.has(name) ? undefined : (config.env[name] ?? args.get(name))));
  for (const instruction of stage.instructions.slice(1)) {
    const argsText = instruction.args;
    switch (instruction.keyword) {
      case "ARG":
        for (const { key, value } of keyValues(argsText, false)) {
          args.set(key, value !== undefined ? expand(value) : globals.get(key));
        }
        break;
      case "ENV":
        for (const { key, value } of keyValues(argsText, true)) config.env[key] = expand(value ?? "");
        break;
      case "LABEL":
        for (const { key, value } of keyValues(argsText, true)) config.labels[expand(key)] = expand(value ?? "");
        break;
      case "USER":
        config.user = expand(argsText);
        break;
      case "WORKDIR":
        config.workdir = resolvePath(config.workdir ?? "/", unquote(expand(argsText)));
        break;
      case "EXPOSE":
        for (const port of expand(argsText).split(/\s+/).filter(Boolean))
          if (!config.expose.includes(port)) config.expose.push(port);
        break;
      case "VOLUME":
        for (const v of volumes(expand(argsText))) if (!config.volume.includes(v)) config.volume.push(v);
        break;
      case "STOPSIGNAL":
        config.stopsignal = expand(argsText);
        break;
      case "CMD":
        config.cmd = command(instruction);
        cmdSet = true;
        break;
      case "ENTRYPOINT":
        config.entrypoint = command(instruction);
        if (!cmdSet) config.cmd = null;
        break;
      case "HEALTHCHECK":
        config.healthcheck = normalize(instruction.logical.slice(instruction.keywordText.length));
        break;
      case "SHELL":
        config.shell = command(instruction);
        break;
      case "ONBUILD":
        config.onbuild.push(normalize(argsText));
        break;
    }
  }
  config.expose.sort();
  config.volume.sort();
  return config;
}

/** ARGs before the first FROM, with their defaults (a stage that declares one without a value gets it). */
function globalArgs(file: Dockerfile): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const firstFrom = file.stages[0]?.from.index ?? 0;
  for (const instruction of file.instructions.slice(0, firstFrom)) {
    if (instruction.keyword !== "ARG") continue;
    for (const { key, value } of keyValues(instruction.args, false)) out.set(key, value);
  }
  return out;
}

/** CMD / ENTRYPOINT / SHELL: the exec form's array, or the shell form's text, as one comparable string. */
function command(instruction: Instruction): string {
  const json = instruction.jsonArgs();
  return json ? JSON.stringify(json) : normalize(instruction.args);
}

const normalize = (text: string): string => text.replace(/\s+/g, " ").trim();

function unquote(text: string): string {
  return text.replace(/^"(.*)"$/s, "$1").replace(/^'(.*)'$/s, "$1");
}

function volumes(text: string): string[] {
  if (text.startsWith("[")) {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) return value.map(String);
    } catch {
      // the shell form after all
    }
  }
  return text.split(/\s+/).filter(Boolean);
}

/**
 * Docker's build-time variable expansion (`$X`, `${X}`, `${X:-word}`, `${X:+word}`); a variable
 * with no value known from the file stays as written (it may come from the base image).
 */
export function expandVariables(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      if (all === "\\$") return all;
      const name = braced ?? bare!;
      const value = lookup(name);
      if (op === "-") return value !== undefined && value !== "" ? value : word!;
      if (op === "+") return value !== undefined && value !== "" ? word! : "";
      return value ?? all;
    },
  );
}

/** The keys whose values differ between two configs (env and labels name their variable). */
export function configDifferences(a: ImageConfig, b: ImageConfig): ConfigKey[] {
  const out: ConfigKey[] = [];
  for (const key of Object.keys(a) as (keyof ImageConfig)[]) {
    if (key === "env" || key === "labels") {
      const names = new Set([...Object.keys(a[key]), ...Object.keys(b[key])]);
      for (const name of [...names].sort()) if (a[key][name] !== b[key][name]) out.push(`${key} ${name}`);
    } else if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      out.push(key);
    }
  }
  return out;
}
