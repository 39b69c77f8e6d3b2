/** What is known at each instruction of a stage: the working directory, the user, the ENV. */
import { resolvePath, venvCreation, type DependencyInstall } from "./commands";
import type { ShellCommand } from "./shell";
import { memo, type Dockerfile, type Instruction, type Stage } from "./dockerfile";
import type { Edit } from "./edits";
import type { ConfigKey } from "./image";
import type { Change, Context, NoteInput } from "./types";
import { createdNames } from "./users";

export { createdNames, USER_COMMANDS } from "./users";

/** A transform that works stage by stage: one Change for the file, collected from every stage. */
export function changePerStage<C extends Context>(
  ctx: C,
  perStage: (ctx: C, stage: Stage, edits: Edit[], notes: NoteInput[], declares: ConfigKey[]) => void,
): Change {
  const edits: Edit[] = [];
  const notes: NoteInput[] = [];
  const declares: ConfigKey[] = [];
  for (const stage of ctx.dockerfile.stages) perStage(ctx, stage, edits, notes, declares);
  return { edits, notes, declares };
}

export interface StageState {
  /** WORKDIR in force (resolved, `/` when none was set). */
  workdir: string;
  /** USER in force, or undefined for root. */
  user: string | undefined;
}

/** The state in force before each instruction of the stage (computed once per parse). */
export function stageStates(stage: Stage): Map<Instruction, StageState> {
  return memo(stage, "states", () => computeStates(stage));
}

function computeStates(stage: Stage): Map<Instruction, StageState> {
  const out = new Map<Instruction, StageState>();
  let state: StageState = { workdir: "/", user: undefined };
  for (const instruction of stage.instructions) {
    out.set(instruction, state);
    if (instruction.keyword === "WORKDIR") {
      const written = instruction.args.replace(/^"(.*)"$/, "$1");
      // WORKDIR takes the stage's ENV values (`WORKDIR $APP_HOME`), as Docker does; others stay as written.
      const dir = !written.includes("$")
        ? written
        : written.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a?: string, b?: string) => {
            const value = envValue(stage, (a ?? b)!, instruction);
            return value !== undefined && /^[\w./-]+$/.test(value) ? value : m;
          });
      state = { ...state, workdir: resolvePath(state.workdir, dir) };
    } else if (instruction.keyword === "USER") {
      const user = instruction.args.split(":")[0] ?? "";
      state = { ...state, user: user === "root" || user === "0" ? undefined : user };
    }
  }
  return out;
}

/**
 * Whether a `--chown` owner (`user`, `user:group`, ids) exists after these instructions: numeric ids
 * always do; names must be created by a RUN among them (useradd, adduser, groupadd, addgroup).
 * COPY --chown with a name that does not exist yet fails the build.
 */
export function ownerExists(instructions: Instruction[], spec: string, also: ShellCommand[] = []): boolean {
  const created = createdNames([...instructions.flatMap((i) => i.shell()?.commands ?? []), ...also]);
  return spec.split(":").every((name) => /^\d+$/.test(name) || created.has(name));
}

/**
 * The stage at the top of `stage`'s FROM chain (`FROM builder`, builder `FROM base`...): the one
 * whose FROM names an image. `stage` itself when it is built on an image.
 */
export function baseStage(file: Dockerfile, stage: Stage): Stage {
  let top = stage;
  for (let parent = file.parentStage(top); parent; parent = file.parentStage(top)) top = parent;
  return top;
}

/** The later stages whose FROM names `stage` (`FROM builder AS test`). */
export function stagesBuiltOn(file: Dockerfile, stage: Stage): Stage[] {
  return file.stages.filter((s) => s.index > stage.index && s.image.toLowerCase() === stage.name?.toLowerCase());
}

/** The earlier stage a `COPY --from=NAME` (a name or an index) copies from; undefined for an image or none. */
export function copySourceStage(file: Dockerfile, copy: Instruction): Stage | undefined {
  const from = copy.keyword === "COPY" ? copy.flag("from")?.value : undefined;
  const source = from !== undefined ? file.stageByName(from) : undefined;
  return source && copy.stage && source.index < copy.stage.index ? source : undefined;
}

export interface EnvPair {
  key: string;
  value: string;
  /** Logical offsets of the whole `key=value` text. */
  start: number;
  end: number;
}

/** The pairs of an ENV instruction (`ENV A=1 B="x y"`, or the legacy `ENV A 1`). */
export function envPairs(instruction: Instruction): EnvPair[] {
  const text = instruction.logical;
  const from = instruction.argsStart;
  const args = text.slice(from);
  // Docker's rule: a first word without `=` makes the legacy `KEY value` form, whatever the key.
  const legacy = /^(\S+)(\s+)(.*)$/s.exec(args);
  if (legacy && !legacy[1]!.includes("=")) {
    return [{ key: legacy[1]!, value: legacy[3]!.trimEnd(), start: from, end: from + args.trimEnd().length }];
  }
  const out: EnvPair[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s"'\\]|\\.)*)/g;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    out.push({ key: m[1]!, value: unquote(m[2]!), start: from + m.index, end: from + m.index + m[0].length });
  }
  return out;
}

function unquote(value: string): string {
  if (value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, "$1");
  if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

/** The last value an ENV of the stage before `until` (or anywhere, without it) gives `key`. */
export function envValue(stage: Stage, key: string, until?: Instruction): string | undefined {
  let value: string | undefined;
  for (const instruction of stage.instructions) {
    if (instruction === until) break;
    if (instruction.keyword === "ENV") for (const p of envPairs(instruction)) if (p.key === key) value = p.value;
  }
  return value;
}

/**
 * Whether a virtual environment is active before `until`: VIRTUAL_ENV is set, or PATH has a bin
 * folder other than the system's (`/opt/venv/bin`): then `pip` and `python` are the environment's.
 */
export function venvOnPath(stage: Stage, until: Instruction): boolean {
  const path = envValue(stage, "PATH", until) ?? "";
  return (
    envValue(stage, "VIRTUAL_ENV", until) !== undefined ||
    path.split(":").some((dir) => /\/bin$/.test(dir) && !/^\/(?:usr\/(?:local\/)?)?s?bin$/.test(dir))
  );
}

/**
 * Where a dependency install in `run` puts the packages: its virtual environment, resolved, or
 * undefined for the image's own Python (and Poetry's own cache, which is not known here).
 */
export function installTarget(stage: Stage, run: Instruction, install: DependencyInstall): string | undefined {
  const states = stageStates(stage);
  const workdir = states.get(run)!.workdir;
  const env = (key: string): string | undefined => envValue(stage, key, run);
  if (install.tool === "uv-sync") return resolvePath(workdir, env("UV_PROJECT_ENVIRONMENT") ?? ".venv");
  if (install.tool === "poetry") {
    if (env("POETRY_VIRTUALENVS_CREATE") === "false") return undefined;
    return env("POETRY_VIRTUALENVS_IN_PROJECT") === "true" ? resolvePath(workdir, ".venv") : undefined;
  }
  if (install.system) return undefined;
  const pip = /^(.*)\/bin\/pip3?$/.exec(install.command.words[0]?.text ?? "")?.[1];
  if (pip) return resolvePath(workdir, pip);
  let created: string | undefined;
  for (const instruction of stage.instructions) {
    if (instruction.index > run.index) break;
    for (const command of instruction.shell()?.commands ?? []) {
      const dir = venvCreation(command);
      if (dir !== undefined) created = resolvePath(states.get(instruction)!.workdir, dir);
    }
  }
  const active = env("VIRTUAL_ENV");
  if (active) return resolvePath(workdir, active);
  if (created) return created;
  return install.tool === "uv-pip" ? resolvePath(workdir, ".venv") : undefined;
}

/** `chown -R SPEC DIR` (or --recursive): the owner and the folder as written; undefined for any other command. */
export function recursiveChown(command: ShellCommand): { spec: string; dir: string } | undefined {
  const t = command.words.map((w) => w.text);
  if (t[0] !== "chown" || t.length !== 4 || !(t[1] === "-R" || t[1] === "--recursive")) return undefined;
  const [spec, dir] = [t[2], t[3]];
  if (!spec || !dir || !/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(spec)) return undefined;
  return { spec, dir };
}

/**
 * The COPY --chown spec that gives files the owner `chown SPEC` gives them. `chown user` leaves the
 * group as it was (root, for files COPY made), while `COPY --chown=user` would give them the user's
 * uid as their gid: the group is spelled out.
 */
export function copyChownSpec(chownSpec: string): string {
  return chownSpec.includes(":") ? chownSpec : `${chownSpec}:root`;
}
