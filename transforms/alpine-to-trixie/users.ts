/**
 * BusyBox adduser / addgroup / deluser / delgroup -> shadow's useradd / groupadd / usermod /
 * userdel / groupdel, option by option. The traps: BusyBox `adduser -g` is the GECOS comment and
 * `-G` the primary group (useradd: `-c` and `-g`); BusyBox creates the home folder by default,
 * useradd does not; a BusyBox system user without -s gets no login shell.
 */
import type { ShellCommand } from "../../src/engine/shell";

export const ADDUSER_VALUES: Record<string, string> = {
  h: "home",
  g: "gecos",
  s: "shell",
  G: "ingroup",
  u: "uid",
  k: "skel",
};
const ADDUSER_FLAGS: Record<string, string> = { S: "system", D: "disabled-password", H: "no-create-home" };
/** BusyBox addgroup's option with a value. */
export const ADDGROUP_VALUES: Record<string, string> = { g: "gid" };
/** Long options BusyBox takes as another name of a short one. */
const ALIASES: Record<string, string> = { "empty-password": "disabled-password" };

interface Parsed {
  options: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

/**
 * Options of a BusyBox command, short (combined like `-SDg x`) or long. Values keep their quotes
 * as written. Undefined when a word is an option BusyBox does not have.
 */
function parse(
  command: ShellCommand,
  values: Record<string, string>,
  flags: Record<string, string>,
): Parsed | undefined {
  const out: Parsed = { options: new Map(), flags: new Set(), positional: [] };
  const words = command.words.slice(1);
  const longValues = new Set(Object.values(values));
  const longFlags = new Set(Object.values(flags));
  for (let i = 0; i < words.length; i++) {
    const raw = words[i]!.raw;
    if (raw.startsWith("--")) {
      const [written, value] = raw.slice(2).split(/=(.*)/s) as [string, string | undefined];
      const name = ALIASES[written] ?? written;
      if (longFlags.has(name)) out.flags.add(name);
      else if (longValues.has(name)) {
        const v = value ?? words[++i]?.raw;
        if (v === undefined) return undefined;
        out.options.set(name, v);
      } else return undefined;
    } else if (raw.startsWith("-") && raw.length > 1) {
      for (let j = 1; j < raw.length; j++) {
        const c = raw[j]!;
        if (flags[c]) out.flags.add(flags[c]!);
        else if (values[c]) {
          const v = j + 1 < raw.length ? raw.slice(j + 1) : words[++i]?.raw;
          if (v === undefined) return undefined;
          out.options.set(values[c]!, v);
          break;
        } else return undefined;
      }
    } else {
      out.positional.push(raw);
    }
  }
  return out;
}

/** The shadow command for a BusyBox user/group command, or undefined when it is not one (or not convertible). */
export function convertUserCommand(command: ShellCommand): { text: string; why: string } | undefined {
  const name = command.words[0]?.text;
  if (name === "addgroup") {
    const p = parse(command, ADDGROUP_VALUES, { S: "system" });
    if (!p) return undefined;
    if (p.positional.length === 2 && p.options.size === 0 && p.flags.size === 0) {
      const [user, group] = p.positional as [string, string];
      return { text: `usermod -aG ${group} ${user}`, why: "BusyBox `addgroup USER GROUP` adds a user to a group" };
    }
    if (p.positional.length !== 1) return undefined;
    const parts = ["groupadd"];
    if (p.flags.has("system")) parts.push("--system");
    if (p.options.has("gid")) parts.push("--gid", p.options.get("gid")!);
    parts.push(p.positional[0]!);
    return { text: parts.join(" "), why: "BusyBox addgroup -> groupadd" };
  }
  if (name === "adduser") {
    const p = parse(command, ADDUSER_VALUES, ADDUSER_FLAGS);
    if (!p) return undefined;
    if (p.positional.length === 2 && p.options.size === 0 && p.flags.size === 0) {
      const [user, group] = p.positional as [string, string];
      return { text: `usermod -aG ${group} ${user}`, why: "BusyBox `adduser USER GROUP` adds a user to a group" };
    }
    if (p.positional.length !== 1) return undefined;
    const system = p.flags.has("system");
    const parts = ["useradd"];
    if (system) parts.push("--system");
    if (p.options.has("uid")) parts.push("--uid", p.options.get("uid")!);
    // BusyBox -G is the primary group; a system user without one goes to nogroup.
    if (p.options.has("ingroup")) parts.push("--gid", p.options.get("ingroup")!);
    else if (system) parts.push("--gid", "nogroup");
    if (p.options.has("gecos")) parts.push("--comment", p.options.get("gecos")!);
    if (p.options.has("home")) parts.push("--home-dir", p.options.get("home")!);
    // BusyBox creates the home folder unless -H; useradd only with --create-home.
    if (p.flags.has("no-create-home")) parts.push("--no-create-home");
    else parts.push("--create-home");
    if (p.options.has("skel") && !p.flags.has("no-create-home")) parts.push("--skel", p.options.get("skel")!);
    // Debian has no ash: a login shell of ash becomes bash (`su app -c ...` runs it).
    if (p.options.has("shell"))
      parts.push("--shell", p.options.get("shell")!.replace(/^(?:\/bin\/)?ash$/, "/bin/bash"));
    else if (system) parts.push("--shell", "/usr/sbin/nologin");
    parts.push("--no-log-init", p.positional[0]!);
    const home = p.flags.has("no-create-home")
      ? "-H: no home folder, --no-create-home"
      : "BusyBox made the home folder, so --create-home";
    return {
      text: parts.join(" "),
      why: `BusyBox adduser -> useradd (-G is useradd's --gid, -g its --comment; ${home})`,
    };
  }
  if (name === "deluser" || name === "delgroup") {
    const positional = command.words.slice(1).map((w) => w.raw);
    if (positional.some((w) => w.startsWith("-"))) return undefined;
    if (name === "deluser" && positional.length === 2) {
      return {
        text: `gpasswd -d ${positional[0]} ${positional[1]}`,
        why: "BusyBox `deluser USER GROUP` takes a user out of a group",
      };
    }
    if (positional.length !== 1) return undefined;
    return {
      text: `${name === "deluser" ? "userdel" : "groupdel"} ${positional[0]}`,
      why: `BusyBox ${name} -> ${name === "deluser" ? "userdel" : "groupdel"}`,
    };
  }
  return undefined;
}
