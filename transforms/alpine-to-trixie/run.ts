/**
 * One RUN of a migrated stage: apk -> apt-get (one update per RUN, the lists removed after the
 * last apt-get), BusyBox user commands -> shadow, Alpine paths -> Debian's. What cannot be
 * converted is a blocker: the whole stage then stays on Alpine (a half migration would not build).
 */
import type { Edit } from "../../src/engine/edits";
import { DockerfileError, Instruction } from "../../src/engine/dockerfile";
import type { ShellCommand, ShellScript, ShellWord } from "../../src/engine/shell";
import { rewriteInPlace } from "./layout";
import type { ConfigKey } from "../../src/engine/image";
import type { NoteInput } from "../../src/engine/types";
import type { Context } from "../options";
import { mapPackages, parseApk, UV_IMAGE, type ApkCommand, type Mapped } from "./apk";
import { bashism } from "./scripts";
import { baseName } from "./commands-run";
import { BUSYBOX_USER_COMMANDS } from "../../src/engine/users";
import { convertUserCommand } from "./users";
import { editChain, insertAfter, replaceRange } from "../../src/engine/fixer";

const LISTS = "rm -rf /var/lib/apt/lists/*";

/** Text that names apk or a BusyBox user command: what a RUN dfmod cannot read must not have. */
export function mentionsApkOrBusyboxUsers(text: string): boolean {
  return /\b(?:apk|adduser|addgroup)\b/.test(text);
}

/** What converting a stage produces: edits and notes, and the blockers that make it stay on Alpine. */
export interface Sink {
  edits: Edit[];
  notes: NoteInput[];
  declares: ConfigKey[];
  blockers: NoteInput[];
}

export const sink = (): Sink => ({ edits: [], notes: [], declares: [], blockers: [] });

/** Per stage: the packages of `apk add --virtual NAME`, and Debian packages to add to the first install. */
export interface StageState {
  python: boolean;
  /** The user's Alpine -> Debian names. */
  packages: Record<string, { build: string[]; runtime: string[] }>;
  virtuals: Map<string, string[]>;
  /** An `apk add uv`: the stage copies uv from its image instead. */
  uvImage?: boolean;
  /** Packages the stage needs that Alpine had (BusyBox tools), for the first install before `before`. */
  pending: { packages: string[]; before: number };
  /** Alpine packages `apk add` installs in the stage or the stages it is built on. */
  apkAdded: Set<string>;
  /** The stage is built on alpine:*, which becomes debian:* (no CA certificates). */
  bareDebian: boolean;
  /** The stage installs ca-certificates already (or dfmod added it). */
  certificates?: boolean;
  /** A SHELL instruction came before: RUNs no longer run by sh. */
  shell?: boolean;
  /** pip gets wheels (a Python image whose installs do not forbid them: --no-binary, PIP_NO_BINARY). */
  wheels: boolean;
  /**
   * The stage refreshes the dynamic linker's cache itself (it runs ldconfig), or installs what it
   * builds into /usr, where glibc looks without the cache: a `make install` needs no ldconfig added.
   */
  ldconfig: () => boolean;
  /** RUNs that get a `RUN ldconfig` after them. */
  ldconfigAfter?: Set<Instruction>;
  /** Debian packages an `apk add` without --virtual installed so far: deleting a virtual group keeps them, as apk does. */
  explicit?: Set<string>;
}

/** Paths and commands that differ between Alpine and Debian images. */
export const RENAMES: Record<string, string> = {
  "/sbin/tini": "/usr/bin/tini",
  "su-exec": "gosu",
  "/sbin/su-exec": "/usr/sbin/gosu",
  "/bin/ash": "/bin/bash",
  ash: "bash",
  // Alpine's chromium has the name Debian's package dropped.
  "/usr/bin/chromium-browser": "/usr/bin/chromium",
  "chromium-browser": "chromium",
};

/** The Alpine package a rename stands for: the Debian name exists only where apt installs its counterpart. */
const RENAMED_PACKAGE: Record<string, string> = {
  "/sbin/tini": "tini",
  "su-exec": "su-exec",
  "/sbin/su-exec": "su-exec",
  "/usr/bin/chromium-browser": "chromium",
  "chromium-browser": "chromium",
};

/**
 * What a command or path becomes on Debian, or undefined. tini and su-exec are renamed only when the
 * stage installs them with apk: a binary the image downloads or copies (`ADD .../tini-static
 * /sbin/tini`) stays where it was put.
 */
export function renameFor(name: string, state: Pick<StageState, "apkAdded">): string | undefined {
  const to = Object.hasOwn(RENAMES, name) ? RENAMES[name] : undefined;
  const pkg = RENAMED_PACKAGE[name];
  return to !== undefined && (pkg === undefined || state.apkAdded.has(pkg)) ? to : undefined;
}

type Plan =
  | {
      kind: "apt";
      command: ShellCommand;
      verb: "install" | "update" | "upgrade" | "purge";
      packages: string[];
      range: { start: number; end: number };
      /** install: the Debian names of each package word, for a rewrite in the command's own layout. */
      words?: Map<ShellWord, string[]>;
      /** install: packages the stage needs besides those of its words (BusyBox tools). */
      extra?: string[];
      /** install: a command that runs after it (`&& pip install poetry`). */
      after?: string;
    }
  | { kind: "drop"; command: ShellCommand }
  | { kind: "replace"; command: ShellCommand; text: string };

/** The /var/cache/apk cache mount of a RUN: it means nothing on Debian. */
function apkCacheMountEdits(instruction: Instruction, out: Sink): Edit[] {
  const edits: Edit[] = [];
  for (const flag of instruction.flags) {
    if (flag.name !== "mount" || !/(?:target|dst|destination)=\/var\/cache\/apk/.test(flag.value ?? "")) continue;
    let end = flag.end;
    while (/[ \t]/.test(instruction.logical[end] ?? "")) end++;
    edits.push(...replaceRange(instruction, flag.start, end, ""));
    out.notes.push({
      id: "apk-cache-mount-removed",
      severity: "info",
      line: instruction.line,
      message: "removed the /var/cache/apk cache mount: apt-get's lists are removed in the same RUN instead",
    });
  }
  return edits;
}

/** A command that writes Alpine's package configuration: `sed -i ... /etc/apk/repositories`, `echo ... >> /etc/apk/repositories`. */
function editsApkConfig(command: ShellCommand): boolean {
  const inApk = (text: string | undefined): boolean =>
    text !== undefined && /(?:^|[\s=>])\/etc\/apk\//.test(` ${text}`);
  return command.words.slice(1).some((w) => inApk(w.text)) || (command.redirected?.redirects ?? []).some(inApk);
}

/** Plans for the apk commands of a script; BusyBox user commands and renamed paths are edited at once. */
function planCommands(
  ctx: Context,
  instruction: Instruction,
  script: ShellScript,
  state: StageState,
  out: Sink,
): Plan[] {
  const plans: Plan[] = [];
  for (const command of script.commands) {
    if (editsApkConfig(command)) {
      const plan = planApkConfig(instruction, script, command, out);
      if (plan) plans.push(plan);
      continue;
    }
    const apk = parseApk(command);
    if (apk) {
      const plan = planApk(ctx, instruction, apk, state, out);
      if (plan) plans.push(plan);
      continue;
    }
    editCommand(instruction, command, state, out);
  }
  return plans;
}

/** A command editing /etc/apk goes (in the RUN's top-level list), or keeps the stage on Alpine. */
function planApkConfig(
  instruction: Instruction,
  script: ShellScript,
  command: ShellCommand,
  out: Sink,
): Plan | undefined {
  const range = command.redirected ?? command;
  const written = script.source.slice(range.start - script.base, range.end - script.base);
  if (!command.topLevel) {
    out.blockers.push({
      id: "apk-config-not-converted",
      severity: "action-needed",
      line: instruction.line,
      message: `\`${written}\` edits Alpine's package sources (/etc/apk), which Debian does not have, inside a compound command dfmod does not take apart`,
    });
    return undefined;
  }
  out.notes.push({
    id: "apk-config-dropped",
    severity: "warning",
    line: instruction.line,
    message: `removed \`${written}\`: it edits Alpine's package sources (/etc/apk), which Debian does not have; if it set a mirror, give apt one in /etc/apt/sources.list.d/debian.sources`,
  });
  return { kind: "drop", command };
}

/** `make install`, `ninja install`, `cmake --install build`, `meson install`: a build installing its files. */
function installsBuild(command: ShellCommand): boolean {
  const texts = command.words.map((w) => w.text);
  const name = texts[0] === undefined ? undefined : baseName(texts[0]);
  if (name === "make" || name === "gmake" || name === "ninja" || name === "meson")
    return texts.slice(1).some((t) => t === "install" || t === "install-strip");
  return name === "cmake" && texts.includes("--install");
}

/**
 * After a build's install in a RUN's top-level list: ldconfig. glibc finds a library installed into
 * /usr/local/lib (configure's default prefix) only through its cache; musl looked there itself.
 */
function addLdconfig(instruction: Instruction, command: ShellCommand, state: StageState, out: Sink): void {
  if (!installsBuild(command) || state.ldconfig()) return;
  if (command.topLevel) {
    const end = command.redirected?.end ?? command.end;
    out.edits.push(...replaceRange(instruction, end, end, " && ldconfig"));
  } else {
    // Inside a compound command (or a list that a redirection ends): a RUN of its own after this one.
    if (state.ldconfigAfter?.has(instruction)) return;
    (state.ldconfigAfter ??= new Set()).add(instruction);
    out.edits.push(insertAfter(instruction, ["RUN ldconfig"]));
  }
  out.notes.push({
    id: "ldconfig-added",
    severity: "info",
    line: instruction.line,
    message: `added ldconfig after \`${command.words.map((w) => w.raw).join(" ")}\`: on Debian (glibc) a library installed into /usr/local/lib is found only through the linker's cache, which ldconfig refreshes; Alpine's musl looked there itself`,
  });
}

/** A command other than apk, edited in place: BusyBox user commands, cp onto /etc/localtime, source, renamed paths, ldconfig after a build's install. */
function editCommand(instruction: Instruction, command: ShellCommand, state: StageState, out: Sink): void {
  const line = instruction.line;
  const name = command.words[0];
  addLdconfig(instruction, command, state, out);
  if (name?.text && BUSYBOX_USER_COMMANDS.has(name.text)) {
    const user = convertUserCommand(command);
    if (!user) {
      const written = command.words.map((w) => w.raw).join(" ");
      out.blockers.push({
        id: "busybox-options-unknown",
        severity: "action-needed",
        line,
        message: `\`${written}\`: BusyBox options dfmod cannot convert to useradd / groupadd`,
      });
      return;
    }
    out.edits.push(...replaceRange(instruction, command.start, command.end, user.text));
    out.notes.push({ id: "busybox-user-converted", severity: "info", line, message: user.why });
    return;
  }
  if (name?.text === "cp" && command.words[command.words.length - 1]?.text === "/etc/localtime") {
    // On Debian /etc/localtime is a link to /usr/share/zoneinfo/Etc/UTC: cp would write through it.
    if (command.words.some((w) => /^--remove-destination$|^-[a-zA-Z]*[fP]/.test(w.text ?? ""))) return;
    out.edits.push(...replaceRange(instruction, name.end, name.end, " --remove-destination"));
    out.notes.push({
      id: "localtime-copy",
      severity: "info",
      line,
      message:
        "cp ... /etc/localtime -> cp --remove-destination: on Debian /etc/localtime is a link to /usr/share/zoneinfo/Etc/UTC, and cp would overwrite UTC's zone file through it",
    });
    return;
  }
  if (name?.text === "ln" && command.words[command.words.length - 1]?.text === "/etc/localtime") {
    // Debian images have /etc/localtime (a link to Etc/UTC): ln without -f fails on it.
    if (command.words.some((w) => /^--force$|^-[a-zA-Z]*f/.test(w.text ?? ""))) return;
    out.edits.push(...replaceRange(instruction, name.end, name.end, " -f"));
    out.notes.push({
      id: "localtime-copy",
      severity: "info",
      line,
      message:
        "ln ... /etc/localtime -> ln -f: Debian images already have /etc/localtime (a link to Etc/UTC), and ln would fail on it",
    });
    return;
  }
  const to = name?.text === "source" ? "." : name?.text !== undefined ? renameFor(name.text, state) : undefined;
  if (!name || to === undefined) return;
  out.edits.push(...replaceRange(instruction, name.start, name.end, to));
  out.notes.push(
    to === "."
      ? {
          id: "source-to-dot",
          severity: "info",
          line,
          message: "source -> .: RUN's shell on Debian is dash, which has no `source`",
        }
      : { id: "command-renamed", severity: "info", line, message: `${name.text} -> ${to}: where Debian has it` },
  );
}

/** Converts one shell-form RUN of a migrated stage. */
export function convertRun(ctx: Context, instruction: Instruction, state: StageState, out: Sink): void {
  const line = instruction.line;
  const flagEdits = apkCacheMountEdits(instruction, out);
  const script = instruction.shell();
  if (!script) return;
  const bash = state.shell ? undefined : bashism(instruction.logical.slice(instruction.argsStart), false);
  if (bash) {
    out.blockers.push({
      id: "run-bashism",
      severity: "action-needed",
      line,
      message: `this RUN uses ${bash}, which Alpine's sh (ash) runs and Debian's sh (dash) does not: write it in POSIX sh, or add SHELL ["/bin/bash", "-c"] before it`,
    });
  }
  if (script.hasError) {
    out.edits.push(...flagEdits);
    if (mentionsApkOrBusyboxUsers(instruction.logical)) {
      out.blockers.push({
        id: "unparsable-run",
        severity: "action-needed",
        line,
        message: "this RUN does not parse as shell, and it has apk or BusyBox user commands that dfmod cannot convert",
      });
    }
    return;
  }
  const plans = planCommands(ctx, instruction, script, state, out);
  const shared = (p: Plan): boolean => p.command.topLevel;
  // An `apk update` with nothing to install after it in this RUN: on Debian the lists it fetches are
  // removed at once, and every apt-get install runs its own update. It goes.
  // (Only in the RUN's top-level list: inside if / case / a subshell, each apt-get stands alone.)
  if (
    plans.some((p) => p.kind === "apt" && p.verb === "update" && shared(p)) &&
    !plans.some((p) => p.kind === "apt" && (p.verb === "install" || p.verb === "upgrade") && shared(p))
  ) {
    for (const [i, p] of plans.entries()) {
      if (p.kind !== "apt" || p.verb !== "update" || !shared(p)) continue;
      plans[i] = { kind: "drop", command: p.command };
      out.notes.push({
        id: "apk-update-removed",
        severity: "info",
        line,
        message: "removed `apk update`: every apt-get install here runs its own apt-get update",
      });
    }
  }
  addPending(instruction, plans, state, out);
  // The stage's first install of ca-certificates or an https client has it from then on.
  for (const plan of plans) {
    if (plan.kind !== "apt" || plan.verb !== "install" || state.certificates) continue;
    if (addCertificates(plan.packages, state.bareDebian)) {
      plan.extra = [...(plan.extra ?? []), "ca-certificates"];
      noteCertificates(out, line);
    }
    state.certificates = plan.packages.includes("ca-certificates");
  }
  const removeItems = writePlans(instruction, script, plans, out);
  // What is left only sets shell options (`set -ex; apk add bash`): the RUN goes with the rest.
  const options = (i: number): boolean => ["set", "true"].includes(script.items[i]?.command?.words[0]?.text ?? "");
  if (removeItems.size > 0 && script.items.every((_, i) => removeItems.has(i) || options(i)))
    script.items.forEach((_, i) => removeItems.add(i));
  const wholeRunGoes = removeItems.size > 0 && removeItems.size === script.items.length;
  if (!wholeRunGoes) out.edits.push(...flagEdits);
  if (removeItems.size > 0) {
    const chain = editChain(instruction, script, removeItems);
    if (chain) out.edits.push(...chain);
    else
      for (const i of removeItems)
        out.edits.push(...replaceRange(instruction, script.items[i]!.start, script.items[i]!.end, "true"));
  }
}

/** The stage's missing BusyBox tools go into the first top-level install that runs before they are needed. */
function addPending(instruction: Instruction, plans: Plan[], state: StageState, out: Sink): void {
  const { pending } = state;
  if (pending.packages.length === 0 || instruction.index >= pending.before) return;
  const install = plans.find((p) => p.kind === "apt" && p.verb === "install" && p.command.topLevel);
  if (!install || install.kind !== "apt") return;
  for (const pkg of pending.packages) {
    if (install.packages.includes(pkg)) continue;
    install.packages.push(pkg);
    install.extra = [...(install.extra ?? []), pkg];
  }
  out.notes.push({
    id: "busybox-tools-added",
    severity: "info",
    line: instruction.line,
    message: `added ${pending.packages.join(", ")}: the image needs ${pending.packages.length > 1 ? "them" : "it"}, and Alpine had ${pending.packages.length > 1 ? "them" : "it"} built in; Debian slim does not`,
  });
  pending.packages = [];
}

/** Edits for the plans; returns the items of the RUN's list that go entirely. */
function writePlans(instruction: Instruction, script: ShellScript, plans: Plan[], out: Sink): Set<number> {
  const shared = (p: Plan): boolean => p.command.topLevel;
  // One apt-get update per RUN, before the first apt-get that needs the lists; the lists go after the
  // last one. An apt-get inside if / case / a subshell may run alone: it gets its own update and removal.
  const listUsers = plans.filter(
    (p): p is Extract<Plan, { kind: "apt" }> => p.kind === "apt" && p.verb !== "purge" && shared(p),
  );
  const firstUser = listUsers[0];
  const lastUser = listUsers[listUsers.length - 1];
  const removeItems = new Set<number>();
  for (const plan of plans) {
    if (plan.kind === "replace") {
      out.edits.push(...replaceRange(instruction, plan.command.start, plan.command.end, plan.text));
      continue;
    }
    if (plan.kind === "drop") {
      const item = script.items.findIndex((i) => i.command === plan.command);
      if (item !== -1) removeItems.add(item);
      else out.edits.push(...replaceRange(instruction, plan.command.start, plan.command.end, "true"));
      continue;
    }
    const alone = plan.verb !== "purge" && !shared(plan);
    const prefix = (plan === firstUser || alone) && plan.verb !== "update" ? "apt-get update && " : "";
    const suffix = (plan === lastUser || alone ? ` && ${LISTS}` : "") + (plan.after ?? "");
    const inPlace =
      plan.words &&
      rewriteInPlace(instruction, {
        command: plan.command,
        head: `${prefix}apt-get install -y --no-install-recommends`,
        packages: plan.words,
        extra: plan.extra ?? [],
        suffix,
      });
    if (inPlace) out.edits.push(inPlace);
    else
      out.edits.push(
        ...replaceRange(
          instruction,
          plan.range.start,
          plan.range.end,
          prefix + aptText(plan.verb, plan.packages) + suffix,
        ),
      );
  }
  return removeItems;
}

function aptText(verb: "install" | "update" | "upgrade" | "purge", packages: string[]): string {
  switch (verb) {
    case "install":
      return `apt-get install -y --no-install-recommends ${packages.join(" ")}`;
    case "update":
      return "apt-get update";
    case "upgrade":
      return "apt-get upgrade -y";
    case "purge":
      // Marked as installed automatically, then removed when nothing kept needs them: as apk del does.
      // A purge would also remove the packages that depend on them (libpq-dev on libssl-dev).
      return `apt-mark auto ${packages.join(" ")} && apt-get autoremove -y --purge`;
  }
}

/** A RUN that installs `packages` on Debian, for a stage that had them from BusyBox. */
export function aptInstallRun(packages: string[]): string {
  return `RUN apt-get update && ${aptText("install", packages)} && ${LISTS}`;
}

/** Words of a plain shell text, quotes removed (package names after a redirect). */
function shellWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** One apk command being planned: where it is, the stage's state, and where notes and blockers go. */
interface ApkStep {
  ctx: Context;
  instruction: Instruction;
  apk: ApkCommand;
  state: StageState;
  out: Sink;
}

/** The package specs of an apk command, the version pins that were shell redirects, and the text its conversion replaces. */
interface ApkSpecs {
  specs: string[];
  versionRedirects: string[];
  range: { start: number; end: number };
}

/** Package specs of an apk command; `apk add sqlite>3.38 curl` is a shell redirect, its version a pin that never worked. */
function specsOf(command: ShellCommand, apk: ApkCommand): ApkSpecs {
  const specs = apk.packages.map((p) => p.text!).filter((t) => t !== undefined);
  const versionRedirects: string[] = [];
  for (const redirect of command.redirected?.redirects ?? []) {
    const m = /^([<>]=?)\s*(\d\S*)(.*)$/s.exec(redirect);
    if (!m) continue;
    versionRedirects.push(`${m[1]}${m[2]}`);
    specs.push(...shellWords(m[3]!));
  }
  const range = versionRedirects.length > 0 && command.redirected ? command.redirected : command;
  return { specs, versionRedirects, range };
}

/** A blocker for an apk command dfmod cannot convert: the stage stays on Alpine. */
function blockApk({ instruction, apk, out }: ApkStep, message: string, packages?: string[]): undefined {
  const written = apk.command.words.map((w) => w.raw).join(" ");
  out.blockers.push({
    id: "apk-not-converted",
    severity: "action-needed",
    line: instruction.line,
    message: `\`${written}\`: ${message}`,
    ...(packages?.length ? { packages } : {}),
  });
  return undefined;
}

/** The plan for one apk command, by its verb; undefined (with a blocker) when it cannot be converted. */
function planApk(
  ctx: Context,
  instruction: Instruction,
  apk: ApkCommand,
  state: StageState,
  out: Sink,
): Plan | undefined {
  const step: ApkStep = { ctx, instruction, apk, state, out };
  const command = apk.command;
  if (apk.dynamic) return blockApk(step, "it uses shell variables; name the Debian packages by hand");
  if (apk.repository)
    return blockApk(
      step,
      "packages from another repository (-X/--repository) have no Debian counterpart; look in trixie-backports or install the upstream release",
    );
  const specs = specsOf(command, apk);
  switch (apk.verb) {
    case "update":
      return { kind: "apt", command, verb: "update", packages: [], range: specs.range };
    case "upgrade":
      return { kind: "apt", command, verb: "upgrade", packages: [], range: specs.range };
    case "add":
      return planAdd(step, specs);
    case "del":
      return planDel(step, specs);
    case "cache":
      return { kind: "drop", command };
    default:
      return blockApk(step, `\`apk ${apk.verb ?? ""}\` has no apt-get conversion in dfmod`);
  }
}

/** `apk del`: the Debian packages marked automatic and autoremoved, a virtual package's among them; nothing left to purge drops it. */
function planDel(step: ApkStep, { specs, range }: ApkSpecs): Plan | undefined {
  const { instruction, apk, state, out } = step;
  const line = instruction.line;
  const command = apk.command;
  const packages: string[] = [];
  for (const spec of specs) {
    const group = state.virtuals.get(spec);
    // apk keeps what the world file names outside the group (`apk add libxml2` before it).
    if (group) packages.push(...group.filter((p) => !state.explicit?.has(p)));
    else if (spec.startsWith("."))
      return blockApk(step, `the virtual package ${spec} is not created by an apk add earlier in this stage`);
    else packages.push(...mapPackages([spec], state.python, "build", state.packages, state.wheels).packages);
  }
  const unique = [...new Set(packages)];
  if (unique.length === 0) {
    out.notes.push({
      id: "apk-del-removed",
      severity: "info",
      line,
      message:
        "removed `apk del`: nothing it names is a package the stage installs on Debian (each is already in the base image, which must keep it, or not needed there)",
    });
    return { kind: "drop", command };
  }
  out.notes.push({
    id: "apk-del-to-purge",
    severity: "info",
    line,
    message: "apk del -> apt-mark auto + apt-get autoremove --purge: only what nothing kept needs goes",
  });
  return { kind: "apt", command, verb: "purge", packages: unique, range };
}

/**
 * `apk add`: apt-get install of the Debian packages, with pip for the Python tools that go into the
 * image's Python; a command with nothing left to install is dropped (or becomes that pip). Names
 * with no Debian counterpart block the stage.
 */
function planAdd(step: ApkStep, { specs, versionRedirects, range }: ApkSpecs): Plan | undefined {
  const { ctx, instruction, apk, state } = step;
  const command = apk.command;
  const mapped = mapPackages(specs, state.python, "build", state.packages, state.wheels);
  if (mapped.tagged.length > 0)
    return blockApk(
      step,
      `${mapped.tagged.join(", ")} come from a tagged repository (@edge, @testing); look in trixie-backports`,
    );
  if (mapped.unknown.length > 0) {
    const message = unknownPackagesMessage(mapped);
    if (ctx.options.strict) throw new DockerfileError(instruction.line, message);
    return blockApk(step, message, [...mapped.unknown].sort());
  }
  if (apk.virtual) state.virtuals.set(apk.virtual, mapped.packages);
  else for (const p of mapped.packages) (state.explicit ??= new Set()).add(p);
  if (mapped.dropped.some((d) => d.why === UV_IMAGE)) state.uvImage = true;
  const pip = mapped.pip.length > 0 ? `pip install --no-cache-dir ${mapped.pip.join(" ")}` : undefined;
  noteConversion(step, mapped, pip);
  noteCaveats(step, mapped, versionRedirects);
  if (mapped.packages.length === 0) return pip ? { kind: "replace", command, text: pip } : { kind: "drop", command };
  return {
    kind: "apt",
    command,
    verb: "install",
    packages: [...mapped.packages],
    range,
    // A pin that is a shell redirect (`sqlite>3.38`) has no word of its own: then the command is written anew.
    words: versionRedirects.length === 0 ? namesPerWord(step) : undefined,
    after: pip && ` && ${pip}`,
  };
}

/** Tools that fetch over https and take their CA certificates from the ca-certificates package. */
const HTTPS_CLIENTS = new Set(["curl", "wget", "git", "aria2", "httpie"]);

/**
 * Every Alpine image has its CA bundle; debian:trixie-slim has none, and apt installs it with curl,
 * wget or git only as a recommendation, which --no-install-recommends leaves out. On a stage built on
 * alpine:* (now debian:*), an install of one of them without ca-certificates gets it too (pushed
 * onto `packages`); true when it was added.
 */
export function addCertificates(packages: string[], bareDebian: boolean): boolean {
  if (!bareDebian || packages.includes("ca-certificates") || !packages.some((p) => HTTPS_CLIENTS.has(p))) return false;
  packages.push("ca-certificates");
  return true;
}

export function noteCertificates(out: Sink, line: number): void {
  out.notes.push({
    id: "ca-certificates-added",
    severity: "info",
    line,
    message:
      "added ca-certificates: Alpine images have the CA bundle, debian:trixie-slim does not, and curl, wget and git need it for https",
  });
}

/** Why names have no Debian package: those dfmod knows trixie lacks (with what to do), and those it cannot place. */
function unknownPackagesMessage(mapped: Mapped): string {
  const known = mapped.unresolved.filter((u) => u.hint).map((u) => `${u.name}: ${u.hint}`);
  const unplaced = mapped.unresolved.filter((u) => !u.hint);
  const each = unplaced.map(({ name, candidates }) =>
    candidates.length > 0
      ? `${name} (did you mean ${candidates.slice(0, 4).join(", ")}${candidates.length > 4 ? "..." : ""}?)`
      : name,
  );
  return [
    ...known,
    ...(each.length > 0
      ? [
          `no Debian trixie package dfmod can name for ${each.join(", ")}: find its Debian name (https://packages.debian.org) and add it to the config's "packages" (or --package ${unplaced[0]!.name}=<debian name>)`,
        ]
      : []),
  ].join("; ");
}

/** Notes on what `apk add` becomes: pip for Python tools, apt-get install (renamed, not needed), Rust dropped. */
function noteConversion({ instruction, apk, out }: ApkStep, mapped: Mapped, pip: string | undefined): void {
  const line = instruction.line;
  if (pip) {
    out.notes.push({
      id: "py-package-to-pip",
      severity: "info",
      line,
      message: `${mapped.pip.join(", ")}: \`${pip}\` installs ${mapped.pip.length > 1 ? "them" : "it"} into the image's Python (Debian's would run on Debian's own Python)`,
    });
  }
  const parts: string[] = [];
  if (mapped.renamed.length) parts.push(`renamed ${mapped.renamed.join(", ")}`);
  const wheels = mapped.dropped.filter((d) => d.why === "wheels").map((d) => d.name);
  const others = mapped.dropped.filter((d) => d.why !== "wheels");
  if (others.length) parts.push(`not needed: ${others.map((d) => `${d.name} (${d.why})`).join(", ")}`);
  const installs = mapped.packages.length > 0;
  if (installs || (parts.length > 0 && !pip)) {
    out.notes.push({
      id: "apk-add-to-apt",
      severity: "info",
      line,
      message: installs
        ? `apk add -> apt-get install${parts.length ? `: ${parts.join("; ")}` : ""}`
        : `removed \`${apk.command.words.map((w) => w.raw).join(" ")}\`: nothing of it is installed on Debian (${parts.join("; ")})`,
    });
  }
  if (wheels.length) {
    out.notes.push({
      id: "rust-toolchain-dropped",
      severity: "info",
      line,
      message: `dropped ${wheels.join(", ")}: on Debian, pip and uv install prebuilt wheels of cryptography, pydantic-core, orjson and other Rust extensions. Still built from source, needing gcc and headers: psycopg2 (libpq-dev), mysqlclient, python-ldap, GDAL, pygraphviz`,
    });
  }
}

/** Notes on what the user should check: the map's advice, substituted packages, dropped pins, virtual packages. */
function noteCaveats({ instruction, apk, out }: ApkStep, mapped: Mapped, versionRedirects: string[]): void {
  const line = instruction.line;
  // What the map says a package needs besides its Debian name reaches the user with it.
  const advice = mapped.advice.filter((a) => /\bneeds?\b/.test(a.note) && !/^PYIMG\b/.test(a.note));
  if (advice.length > 0) {
    out.notes.push({
      id: "package-advice",
      severity: "info",
      line,
      message: advice.map((a) => `${a.name}: ${a.note}`).join("; "),
    });
  }
  // A package that becomes another version or library on Debian: what could differ is the user's to check.
  for (const { name, note } of mapped.substituted) {
    out.notes.push({
      id: "package-substituted",
      severity: "warning",
      line,
      message: `${name} has no exact counterpart: ${note}`,
    });
  }
  if (mapped.pinned.length || versionRedirects.length) {
    out.notes.push({
      id: "version-pins-dropped",
      severity: "warning",
      line,
      message: `version pins dropped (${[...mapped.pinned, ...versionRedirects].join(", ")}): Alpine versions mean nothing on Debian; pin trixie versions if you need to`,
    });
  }
  if (apk.virtual && mapped.packages.length > 0) {
    out.notes.push({
      id: "virtual-package-purged",
      severity: "info",
      line,
      message: `apt has no virtual packages: \`apk del ${apk.virtual}\` becomes apt-mark auto of these packages and apt-get autoremove`,
    });
  }
}

/** Each package word's own Debian names, for a rewrite in the command's layout (a name an earlier word brought is not repeated). */
function namesPerWord({ apk, state }: ApkStep): Map<ShellWord, string[]> {
  const words = new Map<ShellWord, string[]>();
  const seen = new Set<string>();
  for (const w of apk.packages) {
    const names = mapPackages([w.text!], state.python, "build", state.packages, state.wheels).packages.filter(
      (n) => !seen.has(n),
    );
    names.forEach((n) => seen.add(n));
    words.set(w, names);
  }
  return words;
}
