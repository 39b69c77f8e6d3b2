/**
 * Users and groups that differ between Alpine and Debian images. A stage that names a group or a
 * user only Alpine has (`wheel`, `nobody`, `abuild`; `guest`) without creating it would fail on
 * Debian (COPY --chown, USER, chown, useradd --gid, usermod -aG), and one that creates a user or
 * group Debian already has (`proxy`, `staff`, uid 33) would fail in groupadd or useradd: each is a
 * blocker, named in the note.
 */
import type { Stage } from "../../src/engine/dockerfile";
import type { NoteInput } from "../../src/engine/types";
import { baseName, runsOf } from "./commands-run";
import { ADDGROUP_VALUES, ADDUSER_VALUES } from "./users";
import { topCommands } from "../failures";

/** The groups of debian:trixie-slim and their ids (base-passwd's group.master). */
export const DEBIAN_GROUP_IDS = new Map<string, number>([
  ["root", 0],
  ["daemon", 1],
  ["bin", 2],
  ["sys", 3],
  ["adm", 4],
  ["tty", 5],
  ["disk", 6],
  ["lp", 7],
  ["mail", 8],
  ["news", 9],
  ["uucp", 10],
  ["man", 12],
  ["proxy", 13],
  ["kmem", 15],
  ["dialout", 20],
  ["fax", 21],
  ["voice", 22],
  ["cdrom", 24],
  ["floppy", 25],
  ["tape", 26],
  ["sudo", 27],
  ["audio", 29],
  ["dip", 30],
  ["www-data", 33],
  ["backup", 34],
  ["operator", 37],
  ["list", 38],
  ["irc", 39],
  ["src", 40],
  ["shadow", 42],
  ["utmp", 43],
  ["video", 44],
  ["sasl", 45],
  ["plugdev", 46],
  ["staff", 50],
  ["games", 60],
  ["users", 100],
  ["nogroup", 65534],
]);
const DEBIAN_GROUPS = new Set(DEBIAN_GROUP_IDS.keys());

/** The users of debian:trixie-slim and their ids (base-passwd's passwd.master). */
export const DEBIAN_USER_IDS = new Map<string, number>([
  ["root", 0],
  ["daemon", 1],
  ["bin", 2],
  ["sys", 3],
  ["sync", 4],
  ["games", 5],
  ["man", 6],
  ["lp", 7],
  ["mail", 8],
  ["news", 9],
  ["uucp", 10],
  ["proxy", 13],
  ["www-data", 33],
  ["backup", 34],
  ["list", 38],
  ["irc", 39],
  ["_apt", 42],
  ["nobody", 65534],
]);

/** The primary group of each of Debian's users, where it has the user's own name (base-passwd). */
const DEBIAN_OWN_GROUP = new Set([...DEBIAN_USER_IDS.keys()].filter((u) => DEBIAN_GROUP_IDS.has(u)));

/** Groups Alpine images have (alpine-baselayout's group, current and older) that Debian's do not. */
const ALPINE_ONLY_GROUPS = new Set([
  ...["wheel", "mem", "cron", "console", "ftp", "sshd", "input", "at", "netdev", "readproc", "squid", "xfs"],
  ...["kvm", "cdrw", "usb", "vpopmail", "ntp", "nofiles", "smmsp", "locate", "abuild", "ping", "nobody"],
]);

/** The name of the id among Debian's (`www-data` for 33), if one has it. */
const holderOf = (ids: Map<string, number>, id: string | undefined): string | undefined =>
  id !== undefined && /^\d+$/.test(id) ? [...ids].find(([, n]) => n === Number(id))?.[0] : undefined;

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
  groupmod: ["-g", "--gid", "-n", "--new-name", "-p", "--password", "-R", "--root", "-P", "--prefix"],
  usermod: [
    ...["-c", "-d", "-e", "-f", "-g", "-G", "-l", "-p", "-R", "-P", "-s", "-u"],
    ...["--comment", "--home", "--expiredate", "--inactive", "--gid", "--groups", "--login", "--password"],
    ...["--root", "--prefix", "--shell", "--uid"],
  ],
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
      else if (name === "groupmod" && args[0]) used.push({ group: args[args.length - 1]!, line: i.line });
      else if (name === "usermod") {
        // `usermod -aG docker app`: -G may close a cluster of short options.
        const at = run.words.findIndex((w) => w === "--groups" || (w !== undefined && /^-[a-zA-Z]*G$/.test(w)));
        const joined = run.words.find((w) => w?.startsWith("--groups="))?.slice(9);
        const list = joined ?? (at === -1 ? undefined : run.words[at + 1]);
        const groups = [option("-g", "--gid"), ...(list?.split(",") ?? [])];
        for (const group of groups) if (group) used.push({ group, line: i.line });
      } else if (name === "chown" && groupOf(args[0])) used.push({ group: groupOf(args[0])!, line: i.line });
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

/** Commands that delete a user (and its own group) or a group, and those that create one. */
const DELETES = ["deluser", "userdel", "delgroup", "groupdel"];
const CREATES = ["addgroup", "groupadd", "adduser", "useradd"];

/** A user or group command of the top-level list of a RUN, and whether the RUN handles its failure. */
interface UserCommand {
  words: (string | undefined)[];
  line: number;
  /** `getent group x || addgroup x`, `addgroup x || true`: it may not run, or may fail. */
  handled: boolean;
}

/** The user and group commands (that create or delete) of the stage's RUNs' top-level lists, in order. */
function userCommands(stage: Stage): UserCommand[] {
  return topCommands(stage).flatMap(({ instruction, command, handled }) => {
    const words = command.words.map((w) => w.text);
    if (words[0] === undefined || ![...DELETES, ...CREATES].includes(baseName(words[0]))) return [];
    return [{ words, line: instruction.line, handled }];
  });
}

/**
 * Blockers for the users and groups a stage creates that Debian images already have, by name or by
 * id (`addgroup -S proxy`, `adduser -u 33 web`): Alpine has no such names or ids, Debian's base-passwd
 * does, and groupadd and useradd fail on a name or id that is taken. And for those it deletes that
 * Debian lacks (`deluser xfs`), or keeps as a user's primary group (`delgroup www-data`), where
 * userdel and groupdel fail. A command whose failure the RUN handles (`addgroup -S proxy || true`,
 * `getent group proxy || addgroup -S proxy`) is not a blocker, nor one inside `if`, a loop or a
 * subshell, whose outcome dfmod does not follow.
 */
export function debianTakenNames(stage: Stage): NoteInput[] {
  const names = new StageNames();
  for (const command of userCommands(stage)) {
    if (DELETES.includes(baseName(command.words[0]!))) names.deleted(command);
    else names.created(command);
  }
  return names.out;
}

/** The users and groups a stage's commands leave, as they run, and the blockers found on the way. */
class StageNames {
  readonly out: NoteInput[] = [];
  // Names the stage deletes first (`deluser www-data && addgroup -g 33 www-data`) are free again.
  private readonly deletedUsers = new Set<string>();
  private readonly deletedGroups = new Set<string>();
  private readonly made = new Set<string>();

  private debianGroup(group: string | undefined): boolean {
    return group !== undefined && DEBIAN_GROUPS.has(group) && !this.deletedGroups.has(group);
  }

  private debianUser(user: string | undefined): boolean {
    return user !== undefined && DEBIAN_USER_IDS.has(user) && !this.deletedUsers.has(user);
  }

  private taken(line: number, what: string, tool: string, fix: string): void {
    this.out.push({
      id: "debian-has-name",
      severity: "action-needed",
      line,
      message: `${what}: Debian images already have it, so ${tool} would fail there; ${fix}`,
    });
  }

  private missing(line: number, kind: "user" | "group", what: string, rest: string): void {
    this.out.push({
      id: `missing-${kind}`,
      severity: "action-needed",
      line,
      message: `${kind} ${what}: Alpine images have it, Debian's do not, ${rest}`,
    });
  }

  /** deluser, userdel, delgroup, groupdel: fails on a name Debian lacks, or on a remaining user's primary group. */
  deleted({ words, line, handled }: UserCommand): void {
    const name = baseName(words[0]!);
    const args = positional(name, words);
    if (args.length !== 1) return;
    const target = args[0]!;
    const user = name === "deluser" || name === "userdel";
    const tool = user ? "userdel" : "groupdel";
    const primary = !user && DEBIAN_OWN_GROUP.has(target) && this.debianUser(target);
    if (!handled && !this.made.has(target)) {
      if (user && ALPINE_ONLY_USERS.has(target) && !DEBIAN_USER_IDS.has(target))
        this.missing(line, "user", target, `so ${tool} would fail there; drop the ${name}`);
      else if (primary)
        this.taken(
          line,
          `group ${target} (the primary group of Debian's user ${target})`,
          tool,
          `delete the user instead (deluser ${target} takes its group too), or keep Debian's group`,
        );
      else if (!user && ALPINE_ONLY_GROUPS.has(target) && !DEBIAN_GROUPS.has(target))
        this.missing(line, "group", target, `so ${tool} would fail there; drop the ${name}`);
    }
    // A user goes with its own group; a group that is a remaining user's primary group stays.
    if (user) this.deletedUsers.add(target);
    if (!primary) this.deletedGroups.add(target);
  }

  /** addgroup, groupadd, adduser, useradd: fails on a name or id Debian has. */
  created({ words, line, handled }: UserCommand): void {
    const name = baseName(words[0]!);
    const args = positional(name, words);
    const created = args[args.length - 1];
    this.made.add(created ?? "");
    if (handled) return;
    const option = (...names: string[]): string | undefined => {
      const at = words.findIndex((w) => w !== undefined && names.includes(w));
      return at === -1 ? undefined : words[at + 1];
    };
    /** A group or user created by `name`, and the id it is given: each taken by Debian is a blocker. */
    const check = (kind: "group" | "user", id: string | undefined, tool: string): void => {
      const [ids, idName] = kind === "group" ? [DEBIAN_GROUP_IDS, "gid"] : [DEBIAN_USER_IDS, "uid"];
      const debian = (n: string | undefined): boolean => (kind === "group" ? this.debianGroup(n) : this.debianUser(n));
      if (debian(created))
        this.taken(
          line,
          `${kind} ${created} (${idName} ${ids.get(created!)})`,
          tool,
          `name another ${kind}, or use Debian's and drop the ${name}`,
        );
      const holder = holderOf(ids, id);
      if (debian(holder) && holder !== created)
        this.taken(line, `${idName} ${id} (Debian's ${kind} ${holder})`, tool, `pick another ${idName}`);
    };
    if (name === "groupadd" || (name === "addgroup" && args.length === 1))
      check("group", option("-g", "--gid"), "groupadd");
    else if (name === "useradd" || (name === "adduser" && args.length === 1)) {
      check("user", option("-u", "--uid"), "useradd");
      // A user without a primary group gets a group of its own name (BusyBox adduser and useradd;
      // dfmod gives a BusyBox system user nogroup, as BusyBox does).
      const ownGroup =
        name === "useradd"
          ? !option("-g", "--gid") && !words.some((w) => w === "-N" || w === "--no-user-group")
          : !option("-G", "--ingroup") && !words.some((w) => w !== undefined && /^-[A-Za-z]*S|^--system$/.test(w));
      if (ownGroup && !this.debianUser(created) && this.debianGroup(created))
        this.taken(
          line,
          `group ${created} (gid ${DEBIAN_GROUP_IDS.get(created!)}), which useradd makes for the user`,
          "useradd",
          "name another user, or give it a primary group",
        );
    }
  }
}

/** Users Alpine images have (alpine-baselayout's passwd, current and older) that Debian's do not. */
const ALPINE_ONLY_USERS = new Set([
  "shutdown",
  "halt",
  "cron",
  "ftp",
  "sshd",
  "ntp",
  "guest",
  "adm",
  "operator",
  "postmaster",
  "squid",
  "xfs",
  "at",
  "cyrus",
  "vpopmail",
  "smmsp",
]);

/** Ids of Alpine's users (alpine-baselayout's passwd, current and older) that no user of Debian's has. */
const ALPINE_ONLY_UIDS = new Map<string, string>([
  ...([
    ["11", "operator"],
    ["14", "postmaster"],
    ["16", "cron"],
    ["21", "ftp"],
    ["22", "sshd"],
  ] as const),
  ...([
    ["25", "at"],
    ["31", "squid"],
    ["35", "games"],
    ["85", "cyrus"],
    ["89", "vpopmail"],
  ] as const),
  ...([
    ["123", "ntp"],
    ["209", "smmsp"],
    ["405", "guest"],
  ] as const),
]);

/** The user of a `user[:group]` spec, if it is a name (not an id or a variable). */
const userOf = (spec: string | undefined): string | undefined => {
  const user = spec?.split(":")[0];
  return user && !/^\d+$/.test(user) && !user.includes("$") ? user : undefined;
};

/**
 * Blockers for the users the stage names (USER, COPY --chown, chown) that Alpine images have and
 * Debian's do not (`USER guest`), when the stage does not create them: on Debian the build or the
 * container would fail.
 */
export function alpineOnlyUsers(stage: Stage): NoteInput[] {
  const used: { user: string; line: number }[] = [];
  const created = new Set<string>();
  const byId: { uid: string; line: number }[] = [];
  const createdIds = new Set<string>();
  for (const i of stage.instructions) {
    if (i.keyword === "USER") used.push({ user: userOf(i.args.trim()) ?? "", line: i.line });
    if (i.keyword === "COPY" || i.keyword === "ADD")
      used.push({ user: userOf(i.flag("chown")?.value) ?? "", line: i.line });
    for (const run of i.keyword === "RUN" ? runsOf(i) : []) {
      const name = baseName(run.name);
      const args = positional(name, run.words);
      if (name === "useradd" || (name === "adduser" && args.length === 1)) {
        created.add(args[args.length - 1] ?? "");
        const at = run.words.findIndex((w) => w === "-u" || w === "--uid");
        if (at !== -1) createdIds.add(run.words[at + 1] ?? "");
      } else if (name === "chown") {
        used.push({ user: userOf(args[0]?.replace(/\..*/, "")) ?? "", line: i.line });
        // `chown 405: /app`: GNU chown takes the group from the user's passwd entry.
        const uid = /^(\d+)[:.]$/.exec(args[0] ?? "")?.[1];
        if (uid !== undefined && ALPINE_ONLY_UIDS.has(uid)) byId.push({ uid, line: i.line });
      }
    }
  }
  const out: NoteInput[] = [];
  for (const { uid, line } of byId) {
    if (createdIds.has(uid)) continue;
    out.push({
      id: "missing-user",
      severity: "action-needed",
      line,
      message: `uid ${uid}: Alpine images have it (user ${ALPINE_ONLY_UIDS.get(uid)}), Debian's do not, and GNU chown fails on \`${uid}:\`, which asks for the login group of the uid's user; name the group too (${uid}:${uid}), or create the user`,
    });
  }
  for (const { user, line } of used) {
    if (!ALPINE_ONLY_USERS.has(user) || created.has(user)) continue;
    if (out.some((n) => n.line === line && n.message.startsWith(`user ${user}:`))) continue;
    out.push({
      id: "missing-user",
      severity: "action-needed",
      line,
      message: `user ${user}: Alpine images have it, Debian's do not; create it, or name a user Debian has`,
    });
  }
  return out;
}
