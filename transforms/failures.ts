/**
 * Which commands of a stage's RUNs fail the build when they fail: those that stand in a RUN's
 * top-level list (not inside `if`, a loop or a subshell, whose outcome dfmod does not follow) and
 * whose failure nothing takes. A fallback (`getent group x || addgroup x`) runs only when what came
 * before failed; `a && b || c` runs c when a or b fails, so an `||` later in the list takes the
 * failure; and `a; b` drops a's status, unless the shell exits on errors (`set -e`, a SHELL with -e).
 */
import type { Instruction, Stage } from "../src/engine/dockerfile";
import type { ShellCommand } from "../src/engine/shell";

/** A command of a RUN's top-level list, and whether the RUN handles its failure (or may not run it). */
export interface TopCommand {
  instruction: Instruction;
  command: ShellCommand;
  handled: boolean;
}

/** `set -e`, `set -eux`, `set -u -e`, `set -o pipefail -e`, `set -o errexit`. */
export function setsErrexit(source: string): boolean {
  for (const m of source.matchAll(/(?:^|[\s;&|(])set((?:[ \t]+(?:-o[ \t]+\w+|[-+][a-zA-Z]+))+)/g))
    if (/(?:^|\s)-[a-zA-Z]*e|-o[ \t]+errexit\b/.test(m[1]!)) return true;
  return false;
}

/** The top-level commands of the stage's RUNs (those that parse), in order. */
export function topCommands(stage: Stage): TopCommand[] {
  const out: TopCommand[] = [];
  let shellErrexit = false;
  for (const instruction of stage.instructions) {
    // The latest SHELL decides: `SHELL ["/bin/sh", "-ec"]` exits on errors, a later one may not.
    if (instruction.keyword === "SHELL") shellErrexit = /["\s]-[a-z]*e[a-z]*"/.test(instruction.args);
    const script = instruction.keyword === "RUN" ? instruction.shell() : undefined;
    if (!script || script.hasError) continue;
    const errexit = shellErrexit || setsErrexit(script.source);
    script.items.forEach((item, k) => {
      if (!item.command) return;
      let handled = item.op === "||";
      for (let j = k + 1; j < script.items.length && !handled; j++) {
        const op = script.items[j]!.op;
        if (op === "&&") continue;
        handled = op === "||" || !errexit;
        break;
      }
      out.push({ instruction, command: item.command, handled });
    });
  }
  return out;
}
