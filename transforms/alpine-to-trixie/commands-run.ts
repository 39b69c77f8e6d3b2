/**
 * What a stage runs: the shell commands of its RUNs and the commands its ENTRYPOINT, CMD and
 * HEALTHCHECK start (exec form, shell form, and `sh -c "..."` inside the exec form).
 */
import { memo, type Instruction, type Stage } from "../../src/engine/dockerfile";
import { parseShell, type ShellCommand } from "../../src/engine/shell";

export interface Run {
  instruction: Instruction;
  /** Command name as written (`wget`, `/usr/bin/wget`), and its words (literal ones; undefined for expansions). */
  name: string;
  words: (string | undefined)[];
  /** Runs when a container starts (ENTRYPOINT, CMD, HEALTHCHECK), not during the build. */
  atRuntime: boolean;
  /** A command of the string a shell runs (`sh -c "apk add curl"`), which dfmod does not rewrite. */
  nested?: boolean;
}

const SHELLS = /^(?:\/bin\/|\/usr\/bin\/)?(?:sh|ash|bash|dash)$/;

function fromShell(instruction: Instruction, script: string, atRuntime: boolean, nested = false): Run[] {
  const parsed = parseShell(script);
  if (parsed.hasError) return [];
  return parsed.commands.flatMap((c: ShellCommand) => {
    const words = c.words.map((w) => w.text);
    return words[0] === undefined ? [] : [{ instruction, name: words[0], words, atRuntime, ...(nested && { nested }) }];
  });
}

/** `sh -c 'script'`, `bash -lc "script"`: the script a shell command runs, when it is literal text. */
function shellString(words: (string | undefined)[]): string | undefined {
  if (words[0] === undefined || !SHELLS.test(words[0])) return undefined;
  const at = words.findIndex((w, i) => i > 0 && w !== undefined && /^-[a-z]*c[a-z]*$/.test(w));
  return at === -1 ? undefined : words[at + 1];
}

function fromExec(instruction: Instruction, args: string[], atRuntime: boolean): Run[] {
  const [first, second, third] = args;
  if (first === undefined) return [];
  if (SHELLS.test(first) && second === "-c" && third !== undefined) {
    return [{ instruction, name: first, words: args, atRuntime }, ...fromShell(instruction, third, atRuntime)];
  }
  return [{ instruction, name: first, words: args, atRuntime }];
}

/** The commands of one instruction (read once per parse). */
export function runsOf(instruction: Instruction): Run[] {
  return memo(instruction, "runs", () => uncachedRuns(instruction));
}

function uncachedRuns(instruction: Instruction): Run[] {
  switch (instruction.keyword) {
    case "RUN": {
      const json = instruction.jsonArgs();
      if (json) return fromExec(instruction, json, false);
      const script = instruction.shell();
      if (!script || script.hasError) return [];
      return script.commands.flatMap((c) => {
        const words = c.words.map((w) => w.text);
        if (words[0] === undefined) return [];
        const inner = shellString(words);
        const run: Run = { instruction, name: words[0], words, atRuntime: false };
        return inner === undefined ? [run] : [run, ...fromShell(instruction, inner, false, true)];
      });
    }
    case "ENTRYPOINT":
    case "CMD": {
      const json = instruction.jsonArgs();
      if (json) return fromExec(instruction, json, true);
      return fromShell(instruction, instruction.args, true);
    }
    case "HEALTHCHECK": {
      const m = /^CMD\s+([\s\S]*)$/i.exec(instruction.args);
      if (!m) return [];
      const body = m[1]!.trim();
      if (body.startsWith("[")) {
        try {
          const value: unknown = JSON.parse(body);
          if (Array.isArray(value) && value.every((v) => typeof v === "string"))
            return fromExec(instruction, value as string[], true);
        } catch {
          return [];
        }
        return [];
      }
      return fromShell(instruction, body, true);
    }
    default:
      return [];
  }
}

export function stageRuns(stage: Stage): Run[] {
  return stage.instructions.flatMap(runsOf);
}

/** The command's name without its folder (`/usr/bin/wget` -> `wget`). */
export const baseName = (name: string): string => name.slice(name.lastIndexOf("/") + 1);

/** Commands that run the command after them: `tini -- cmd`, `dumb-init cmd`, `gosu user cmd`, `su-exec user cmd`. */
const WRAPPERS: Record<string, number> = { tini: 0, "dumb-init": 0, gosu: 1, "su-exec": 1, exec: 0, env: 0 };

/** The words of the command a wrapper runs (the words themselves when there is no wrapper). */
export function unwrap(words: (string | undefined)[]): (string | undefined)[] {
  const name = words[0] === undefined ? undefined : baseName(words[0]);
  const skip = name === undefined ? undefined : WRAPPERS[name];
  if (skip === undefined) return words;
  let at = 1;
  while (words[at]?.startsWith("-") || (name === "env" && words[at]?.includes("="))) at++;
  if (words[at - 1] === "--") at = Math.max(at, 1);
  return unwrap(words.slice(at + skip));
}
