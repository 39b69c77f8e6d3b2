/**
 * Group names that Alpine images have and Debian images do not (`wheel`, `nobody`, `abuild`...):
 * a stage that names one without creating it would fail on Debian (COPY --chown, USER, chown,
 * useradd --gid, usermod -aG), so it is a blocker, named in the note.
 */
import type { Stage } from "../../src/engine/dockerfile";
import type { NoteInput } from "../../src/engine/types";
import { baseName, runsOf } from "./commands-run";
import { ADDGROUP_VALUES, ADDUSER_VALUES } from "./users";

/** The groups of debian:trixie-slim (base-passwd's group.master). */
const DEBIAN_GROUPS = new Set([
  "root",
  "daemon",
  "bin",
  "sys",
  "adm",
  "tty",
  "disk",
  "lp",
  "mail",
  "news",
  "uucp",
  "man",
  "proxy",
  "kmem",
  "dialout",
  "fax",
  "voice",
  "cdrom",
  "floppy",
  "tape",
  "sudo",
  "audio",
  "dip",
  "www-data",
  "backup",
  "operator",
  "list",
  "irc",
  "src",
  "shadow",
  "utmp",
  "video",
  "sasl",
  "plugdev",
  "staff",
  "games",
  "users",
  "nogroup",
]);

/** The group of a `user:group` spec, if it has a named one. */
const groupOf = (spec: string | undefined): string | undefined => {
  const group = spec?.split(":")[1];
  return group && !/^\d+$/.test(group) && !group.includes("$") ? group : undefined;
};

/** Options of the user and group commands whose value is the next word (`addgroup -g 999 docker`). */
const VALUE_OPTIONS: Record<string, string[]> = {
  // BusyBox's short options (users.ts converts them), and the long ones of Debian's adduser.
  addgroup: [...Object.keys(ADDGROUP_VALUES).map((o) => `-${o}`), "--gid"],
  adduser: [...Object.keys(ADDUSER_VALUES).map((o) => `-${o}`), "--home", "--gecos", "--shell", "--ingroup", "--uid"],
  groupadd: ["-g", "--gid", "-K", "--key", "-p", "--password"],
  useradd: [
    ...["-c", "-d", "-e", "-f", "-g", "-G", "-k", "-K", "-p", "-s", "-u"],
    ...["--comment", "--home-dir", "--expiredate", "--inactive", "--gid", "--groups", "--skel", "--key"],
    ...["--password", "--shell", "--uid"],
  ],
};

/** A command's arguments that are not options or their values. */
function positional(name: string, words: (string | undefined)[]): string[] {
  const values = VALUE_OPTIONS[name] ?? [];
  const out: string[] = [];
  for (let k = 1; k < words.length; k++) {
    const w = words[k];
    if (w !== undefined && values.includes(w)) k++;
    else if (w !== undefined && !w.startsWith("-")) out.push(w);
  }
  return out;
}

/** Groups the stage names, with the line that names each; groups (and users, with their own group) it creates. */
function groupsOf(stage: Stage): { used: { group: string; line: number }[]; created: Set<string> } {
  const used: { group: string; line: number }[] = [];
  const created = new Set<string>();
  for (const i of stage.instructions) {
    const chown = i.flag("chown")?.value;
    if ((i.keyword === "COPY" || i.keyword === "ADD") && groupOf(chown))
      used.push({ group: groupOf(chown)!, line: i.line });
    if (i.keyword === "USER" && groupOf(i.args.trim())) used.push({ group: groupOf(i.args.trim())!, line: i.line });
    for (const run of i.keyword === "RUN" ? runsOf(i) : []) {
      const name = baseName(run.name);
      const args = positional(name, run.words);
      const option = (...names: string[]): string | undefined => {
        const at = run.words.findIndex((w) => w !== undefined && names.includes(w));
        return at === -1 ? undefined : run.words[at + 1];
      };
      if (name === "groupadd" || (name === "addgroup" && args.length === 1)) created.add(args[args.length - 1] ?? "");
      else if (name === "useradd" || name === "adduser") {
        created.add(args[args.length - 1] ?? "");
        const group = option("-G", "--ingroup", "-g", "--gid");
        if (name === "adduser" ? option("-G", "--ingroup") : option("-g", "--gid"))
          used.push({ group: group!, line: i.line });
      } else if (name === "addgroup" && args.length === 2) used.push({ group: args[1]!, line: i.line });
      else if (name === "chown" && groupOf(args[0])) used.push({ group: groupOf(args[0])!, line: i.line });
      else if (name === "chgrp" && args[0]) used.push({ group: args[0], line: i.line });
    }
  }
  return { used, created };
}

/** Blockers for the groups the stage names that Debian does not have and the stage does not create. */
export function alpineOnlyGroups(stage: Stage): NoteInput[] {
  const { used, created } = groupsOf(stage);
  const out: NoteInput[] = [];
  for (const { group, line } of used) {
    if (/^\d+$/.test(group) || group.includes("$") || DEBIAN_GROUPS.has(group) || created.has(group)) continue;
    if (out.some((n) => n.line === line && n.message.startsWith(`group ${group}:`))) continue;
    out.push({
      id: "missing-group",
      severity: "action-needed",
      line,
      message: `group ${group}: Alpine images have it, Debian's do not${group === "nobody" ? " (Debian calls it nogroup)" : ""}; create it, or name a group Debian has`,
    });
  }
  return out;
}
