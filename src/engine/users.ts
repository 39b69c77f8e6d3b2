/**
 * The commands that create users and groups in an image: shadow's (Debian: useradd, groupadd) and
 * BusyBox's (Alpine: adduser, addgroup). A name they create can own files (COPY --chown, USER)
 * only after the RUN that creates it.
 */
import type { ShellCommand } from "./shell";

/** Commands that create a user or a group; the name created is their last word. */
export const USER_CREATION_COMMANDS: readonly string[] = ["useradd", "groupadd", "adduser", "addgroup"];

/** The user and group commands: those that create them, and usermod, which changes them. */
export const USER_COMMANDS: ReadonlySet<string> = new Set([...USER_CREATION_COMMANDS, "usermod"]);

/** BusyBox's user and group commands (Alpine); on Debian shadow's useradd, groupadd, usermod... do their work. */
export const BUSYBOX_USER_COMMANDS: ReadonlySet<string> = new Set(["adduser", "addgroup", "deluser", "delgroup"]);

/** Whether a command name creates a user or a group. */
export function createsUserOrGroup(name: string | undefined): boolean {
  return name !== undefined && USER_CREATION_COMMANDS.includes(name);
}

/** Whether a command name creates or changes users or groups (usermod included). */
export function isUserCommand(name: string | undefined): boolean {
  return name !== undefined && USER_COMMANDS.has(name);
}

/** The user and group names these commands create (the last word of useradd, groupadd, adduser, addgroup). */
export function createdNames(commands: ShellCommand[]): Set<string> {
  const created = new Set<string>();
  for (const c of commands) {
    const t = c.words.map((w) => w.text);
    if (createsUserOrGroup(t[0]) && t.length > 1) {
      const name = t[t.length - 1];
      if (name) created.add(name);
    }
  }
  return created;
}
