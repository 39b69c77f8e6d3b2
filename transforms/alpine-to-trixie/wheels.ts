/**
 * Wheels built for musl (`*-musllinux_1_2_x86_64.whl`): pip installs them on Alpine and refuses
 * them on Debian's glibc ("is not a supported wheel on this platform"; with `--no-index`, "No
 * matching distribution"). A stage that names one, or pip-installs from a folder that a COPY of the
 * build context filled with one (`COPY wheels /wheels` then `pip install /wheels/*.whl` or
 * `--find-links=/wheels`), stays on Alpine.
 */
import * as path from "node:path";
import type { BuildContext } from "../../src/engine/context";
import type { Instruction, Stage } from "../../src/engine/dockerfile";
import type { ShellCommand } from "../../src/engine/shell";
import type { NoteInput } from "../../src/engine/types";
import { stageStates } from "../../src/engine/stage";
import { contextCopies, contextPathAt, type Copy } from "./scripts";

const MUSL_WHEEL = /musllinux[\w.]*\.whl$/;

export function muslWheels(stage: Stage, context: BuildContext | undefined): NoteInput[] {
  let copies: Copy[] | undefined;
  let states: ReturnType<typeof stageStates> | undefined;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "FROM") continue;
    const named = instruction.logical.includes("musllinux")
      ? /[\w.+-]*musllinux[\w.]*/.exec(instruction.logical)?.[0]
      : undefined;
    if (named) return [blocker(instruction, named)];
    for (const command of context ? (instruction.shell()?.commands ?? []) : []) {
      for (const folder of installFolders(command)) {
        copies ??= contextCopies(stage);
        states ??= stageStates(stage);
        // The copies made before the install, as the context's folder they put there.
        const before = copies.filter((c) => c.instruction.index < instruction.index);
        const target = path.posix.resolve(states.get(instruction)!.workdir, folder);
        const rel = contextPathAt(before, target, context!, "folder");
        const wheel = rel === undefined ? undefined : context!.files(rel).find((f) => MUSL_WHEEL.test(f));
        if (wheel) return [blocker(instruction, rel === "." ? wheel : `${rel}/${wheel}`)];
      }
    }
  }
  return [];
}

function blocker(instruction: Instruction, wheel: string): NoteInput {
  return {
    id: "musl-wheel",
    severity: "action-needed",
    line: instruction.line,
    message: `${instruction.keyword === "RUN" ? "this RUN installs" : `this ${instruction.keyword} names`} a wheel built for musl (${wheel}), which pip on Debian's glibc refuses: build it for manylinux, or let pip get the package from an index`,
  };
}

/**
 * The local folders a pip install takes wheels from: its `--find-links` / `-f` (not a URL, not a
 * variable), and the folder of a wheel it names by a pattern (`/wheels/*.whl`).
 */
function installFolders(command: ShellCommand): string[] {
  const words = command.words.map((w) => w.text);
  if (!words.includes("install") || !words.some((w) => w !== undefined && /(?:^|\/)pip[\d.]*$/.test(w))) return [];
  const out: string[] = [];
  for (let k = 1; k < words.length; k++) {
    const w = words[k];
    const value = w?.startsWith("--find-links=")
      ? w.slice(13)
      : w === "--find-links" || w === "-f"
        ? words[k + 1]
        : undefined;
    if (value !== undefined && !value.includes("://") && !value.includes("$")) out.push(value);
    // The shell leaves a pattern that matched nothing as it is; one that matched is a list of wheels.
    const raw = command.words[k]?.raw ?? "";
    if (w !== undefined && /\.whl$/.test(w) && /[*?[]/.test(raw) && !raw.includes("$")) out.push(path.posix.dirname(w));
  }
  return out;
}
