/**
 * Wheels built for musl (`*-musllinux_1_2_x86_64.whl`): pip installs them on Alpine and refuses
 * them on Debian's glibc ("is not a supported wheel on this platform"; with `--no-index`, "No
 * matching distribution"). A stage that names one, or installs from a folder of the build context
 * that holds one (`pip install --no-index --find-links=wheels`), stays on Alpine.
 */
import type { BuildContext } from "../../src/engine/context";
import type { Instruction, Stage } from "../../src/engine/dockerfile";
import type { ShellCommand } from "../../src/engine/shell";
import type { NoteInput } from "../../src/engine/types";

const MUSL_WHEEL = /musllinux[\w.]*\.whl$/;

export function muslWheels(stage: Stage, context: BuildContext | undefined): NoteInput[] {
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "FROM") continue;
    const named = /[\w.+-]*musllinux[\w.]*/.exec(instruction.logical)?.[0];
    if (named) return [blocker(instruction, named)];
    for (const command of instruction.shell()?.commands ?? []) {
      const folder = context && findLinks(command);
      if (folder === undefined) continue;
      // The folder as the COPY took it from the context (`COPY wheels/ /wheels/`), by path or by name.
      for (const dir of new Set([folder, folder.slice(folder.lastIndexOf("/") + 1)])) {
        const wheel = context!.files(dir).find((f) => MUSL_WHEEL.test(f));
        if (wheel) return [blocker(instruction, `${dir}/${wheel}`)];
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

/** The local folder of a pip install's `--find-links` / `-f` (not a URL, not a variable), without `./`, `/` ends. */
function findLinks(command: ShellCommand): string | undefined {
  const words = command.words.map((w) => w.text);
  if (!words.includes("install") || !words.some((w) => w !== undefined && /(?:^|\/)pip[\d.]*$/.test(w)))
    return undefined;
  for (let k = 1; k < words.length; k++) {
    const w = words[k];
    const value = w?.startsWith("--find-links=")
      ? w.slice(13)
      : w === "--find-links" || w === "-f"
        ? words[k + 1]
        : undefined;
    if (value === undefined || value.includes("://") || value.includes("$")) continue;
    const folder = value.replace(/^\.?\/+/, "").replace(/\/+$/, "");
    if (folder !== "" && folder !== ".") return folder;
  }
  return undefined;
}
