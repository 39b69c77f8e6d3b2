/**
 * Alpine-isms left in a stage that already runs on Debian (or Ubuntu): apk, ash, su-exec,
 * /sbin/tini, BusyBox adduser / addgroup options, and, on trixie, apt-get package names trixie does
 * not have. Each fails the build or the container; each is an action-needed note, so that
 * `dfmod --check` fails in CI until a human has fixed it, also when dfmod itself changes nothing.
 */
import type { Dockerfile, Stage } from "../../src/engine/dockerfile";
import { baseStage } from "../../src/engine/stage";
import { APT_VALUE_OPTIONS } from "../../src/engine/commands";
import type { NoteInput } from "../../src/engine/types";
import { parseImage } from "./images";
import { baseName, runsOf } from "./commands-run";
import { trixiePackages } from "./packages";

export type Family = "trixie" | "apt" | "other";

const DEBIAN_IMAGES = new Set(["python", "node", "ruby", "golang", "buildpack-deps", "uv", "debian", "ubuntu"]);

/** The package family of a stage's base: Debian trixie, another apt-based release, or something else. */
export function baseFamily(file: Dockerfile, stage: Stage): Family {
  const image = file.baseImage(baseStage(file, stage));
  if (image.includes("$")) return "other";
  const ref = parseImage(image);
  const tag = ref.tag ?? "latest";
  if (!DEBIAN_IMAGES.has(ref.name) || /alpine|windows|nanoserver|servercore/.test(tag)) return "other";
  if (ref.name === "uv" && !/trixie|bookworm|debian/.test(tag)) return "other";
  if (/trixie/.test(tag) || (ref.name === "debian" && /^13(?:\.|-|$)/.test(tag))) return "trixie";
  return "apt";
}

const BUSYBOX_USER_OPTION = /^-[A-Za-z]*[SDHGhgsuk]$/;

/** The package names an `apt-get install` names (versions and options left out). */
function aptPackages(words: (string | undefined)[]): string[] {
  const out: string[] = [];
  for (let i = words.indexOf("install") + 1; i < words.length; i++) {
    const w = words[i];
    if (w === undefined) continue;
    if (APT_VALUE_OPTIONS.has(w)) i++;
    else if (!w.startsWith("-")) out.push(w.replace(/[=:].*$/, ""));
  }
  return out;
}

/** Whether the stage puts `name` in place itself (a COPY / ADD of it, or a RUN that downloads or builds it). */
function provided(stage: Stage, name: string): boolean {
  return stage.instructions.some(
    (i) =>
      ((i.keyword === "COPY" || i.keyword === "ADD") && i.args.includes(name)) ||
      runsOf(i).some((r) => baseName(r.name) !== baseName(name) && r.words.slice(1).some((w) => w?.includes(name))),
  );
}

/** Action-needed notes for what the stage still has of Alpine. */
export function leftovers(file: Dockerfile, stage: Stage): NoteInput[] {
  const family = baseFamily(file, stage);
  if (family === "other") return [];
  // The words worth a closer look (apt-get too on trixie, for package names trixie does not have).
  const mentions =
    family === "trixie"
      ? /\b(?:apk|ash|su-exec|tini|adduser|addgroup|apt-get|apt)\b/
      : /\b(?:apk|ash|su-exec|tini|adduser|addgroup)\b/;
  const text = file.text.slice(stage.from.start, stage.instructions[stage.instructions.length - 1]!.end);
  if (!mentions.test(text)) return [];
  const notes: NoteInput[] = [];
  const note = (line: number, message: string): void => {
    if (!notes.some((n) => n.line === line && n.message === message))
      notes.push({ id: "alpine-leftover", severity: "action-needed", line, message });
  };
  for (const instruction of stage.instructions) {
    if (!mentions.test(instruction.logical)) continue;
    if (instruction.keyword === "SHELL" && /(?:^|[\s"/])ash"/.test(instruction.args)) {
      note(instruction.line, "SHELL runs ash, which this Debian image does not have: use /bin/bash");
    }
    for (const run of runsOf(instruction)) {
      const name = baseName(run.name);
      if (name === "apk") note(instruction.line, "apk on a Debian image: install with apt-get");
      else if (name === "ash") note(instruction.line, "ash on a Debian image: use bash (or sh)");
      else if (name === "su-exec" && !provided(stage, "su-exec"))
        note(instruction.line, "su-exec on a Debian image: use gosu");
      else if (run.name === "/sbin/tini" && !provided(stage, "/sbin/tini"))
        note(instruction.line, "/sbin/tini on a Debian image: tini is /usr/bin/tini");
      else if ((name === "adduser" || name === "addgroup") && run.words.some((w) => w && BUSYBOX_USER_OPTION.test(w)))
        note(instruction.line, `BusyBox \`${name}\` options on a Debian image: use useradd / groupadd`);
      if (family === "trixie" && (name === "apt-get" || name === "apt") && run.words.includes("install")) {
        const unknown = aptPackages(run.words).filter(
          (w) => /^[a-z0-9][a-z0-9+.-]+$/.test(w) && !trixiePackages().has(w),
        );
        if (unknown.length > 0)
          note(instruction.line, `Debian trixie has no package named ${unknown.join(", ")}: apt-get install fails`);
      }
    }
  }
  return notes;
}
