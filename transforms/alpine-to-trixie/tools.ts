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
  dos2unix: "dos2unix",
  unix2dos: "dos2unix",
  hexdump: "bsdextrautils",
  xxd: "xxd",
  patch: "patch",
  netstat: "net-tools",
  ifconfig: "net-tools",
  route: "net-tools",
  bc: "bc",
  dc: "dc",
  vi: "vim-tiny",
  telnet: "inetutils-telnet",
  traceroute: "traceroute",
  cpio: "cpio",
  fuser: "psmisc",
  pstree: "psmisc",
};

/**
 * tar is in Debian's images, but its -J (xz) and -j (bzip2) run a compressor they lack; so does
 * extracting a .tar.xz or .tar.bz2 (GNU tar picks the compressor by the name).
 */
function tarCompressor(words: (string | undefined)[]): string | undefined {
  const args = words.slice(1).filter((w): w is string => w !== undefined);
  const short = args.filter((a) => /^-?[A-Za-z]+$/.test(a) && !a.startsWith("--")).map((a) => a.replace(/^-/, ""));
  const bundle = (args[0] !== undefined && !args[0].startsWith("-") ? [args[0], ...short] : short).join("");
  if (/J/.test(bundle) || args.includes("--xz") || args.some((a) => /\.(?:tar\.xz|txz)$/.test(a))) return "xz-utils";
  if (/j/.test(bundle) || args.includes("--bzip2") || args.some((a) => /\.(?:tar\.bz2|tbz2?)$/.test(a))) return "bzip2";
  return undefined;
}

export interface ToolUse {
  tool: string;
  pkg: string;
  /** The first instruction that runs it. */
  first: Instruction;
  atRuntime: boolean;
}

/** The BusyBox tools a stage runs, by Debian package, with the first instruction that needs each. */
const MENTIONED = new RegExp(`\\b(?:${Object.keys(BUSYBOX_TOOLS).join("|")}|tar)\\b`);

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
      const pkg =
        name === "tar"
          ? tarCompressor(written === run.name ? run.words : unwrap(run.words))
          : name !== undefined
            ? BUSYBOX_TOOLS[name]
            : undefined;
      if (!pkg || out.has(pkg)) continue;
      out.set(pkg, { tool: name!, pkg, first: run.instruction, atRuntime: run.atRuntime });
    }
  }
  return [...out.values()];
}
