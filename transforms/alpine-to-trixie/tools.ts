/**
 * Commands that every Alpine image has as BusyBox applets and Debian slim images lack: a stage that
 * runs one of them (in a RUN, or at run time in ENTRYPOINT, CMD or HEALTHCHECK) needs its Debian
 * package once it is on Debian.
 */
import type { Instruction, Stage } from "../../src/engine/dockerfile";
import { baseName, stageRuns, unwrap } from "./commands-run";

export const BUSYBOX_TOOLS: Record<string, string> = {
  wget: "wget",
  nc: "netcat-openbsd",
  unzip: "unzip",
  xz: "xz-utils",
  unxz: "xz-utils",
  xzcat: "xz-utils",
  bzip2: "bzip2",
  bunzip2: "bzip2",
  bzcat: "bzip2",
  ps: "procps",
  pgrep: "procps",
  pkill: "procps",
  top: "procps",
  free: "procps",
  watch: "procps",
  ping: "iputils-ping",
  ip: "iproute2",
  killall: "psmisc",
  less: "less",
  nslookup: "bind9-dnsutils",
};

export interface ToolUse {
  tool: string;
  pkg: string;
  /** The first instruction that runs it. */
  first: Instruction;
  atRuntime: boolean;
}

/** The BusyBox tools a stage runs, by Debian package, with the first instruction that needs each. */
const MENTIONED = new RegExp(`\\b(?:${Object.keys(BUSYBOX_TOOLS).join("|")})\\b`);

export function busyboxTools(stage: Stage): ToolUse[] {
  const out = new Map<string, ToolUse>();
  const file = stage.from.file;
  const text = file.text.slice(stage.from.start, stage.instructions[stage.instructions.length - 1]!.end);
  if (!MENTIONED.test(text)) return [];
  for (const run of stageRuns(stage)) {
    // The command itself, and the one a wrapper runs (`su-exec app wget ...`, `tini -- nc ...`).
    for (const written of new Set([run.name, unwrap(run.words)[0]])) {
      if (written === undefined) continue;
      const name = written.includes("/") && !/^\/(?:usr\/)?s?bin\//.test(written) ? undefined : baseName(written);
      const pkg = name !== undefined ? BUSYBOX_TOOLS[name] : undefined;
      if (!pkg || out.has(pkg)) continue;
      out.set(pkg, { tool: name!, pkg, first: run.instruction, atRuntime: run.atRuntime });
    }
  }
  return [...out.values()];
}
