/** What is known at each instruction of a stage: the working directory, the user, the ENV. */
import { resolvePath } from "./commands";
import type { Instruction, Stage } from "./dockerfile";
import type { Edit } from "./edits";
import type { ConfigKey } from "./image";
import type { Change, Context, NoteInput } from "./types";

/** A transform that works stage by stage: one Change for the file, collected from every stage. */
export function changePerStage(
  ctx: Context,
  perStage: (ctx: Context, stage: Stage, edits: Edit[], notes: NoteInput[], declares: ConfigKey[]) => void,
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

/** The state in force before each instruction of the stage. */
export function stageStates(stage: Stage): Map<Instruction, StageState> {
  const out = new Map<Instruction, StageState>();
  let state: StageState = { workdir: "/", user: undefined };
  for (const instruction of stage.instructions) {
    out.set(instruction, state);
    if (instruction.keyword === "WORKDIR") {
      const dir = instruction.args.replace(/^"(.*)"$/, "$1");
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
export function ownerExists(instructions: Instruction[], spec: string): boolean {
  const created = new Set<string>();
  for (const instruction of instructions) {
    for (const c of instruction.shell()?.commands ?? []) {
      const t = c.words.map((w) => w.text);
      if (t[0] && ["useradd", "adduser", "groupadd", "addgroup"].includes(t[0]) && t.length > 1) {
        const name = t[t.length - 1];
        if (name) created.add(name);
      }
    }
  }
  return spec.split(":").every((name) => /^\d+$/.test(name) || created.has(name));
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
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)(\s+)(.*)$/.exec(args);
  if (legacy && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
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
