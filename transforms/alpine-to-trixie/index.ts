/**
 * alpine-to-trixie: Alpine base images -> Debian trixie (slim by default), apk -> apt-get with
 * Debian package names, BusyBox user commands -> shadow, and the paths that differ (tini,
 * su-exec, ash). Stages whose base cannot be seen, or that are not Python stages, stay as they are,
 * with a note.
 */
import type { Edit } from "../../src/engine/edits";
import { DockerfileError, Instruction, Stage } from "../../src/engine/dockerfile";
import type { ShellCommand } from "../../src/engine/shell";
import type { Context, NoteInput, Transform } from "../../src/engine/types";
import type { ConfigKey } from "../../src/engine/image";
import { parsePipInstall, parsePoetryInstall, parseUvSync } from "../../src/engine/commands";
import { mapPackages, parseApk } from "./apk";
import { migrateImage, parseImage } from "./images";
import { convertUserCommand } from "./users";

const LISTS = "rm -rf /var/lib/apt/lists/*";

interface Decision {
  migrated: boolean;
  /** The stage runs on a python:* image (its own Python, wheels from PyPI). */
  python: boolean;
}

export const alpineToTrixie: Transform = {
  id: "alpine-to-trixie",
  summary: "Alpine images and apk -> Debian slim-trixie and apt-get, BusyBox users -> useradd",
  apply(ctx: Context) {
    const edits: Edit[] = [];
    const notes: NoteInput[] = [];
    const declares: ConfigKey[] = [];
    const file = ctx.dockerfile;
    const decisions = new Map<Stage, Decision>();
    const editedArgs = new Set<Instruction>();
    for (const stage of file.stages) {
      const decision = decideStage(ctx, stage, decisions, editedArgs, edits, notes);
      decisions.set(stage, decision);
      if (decision.migrated) convertStage(ctx, stage, decision.python, edits, notes, declares);
    }
    return { edits, notes, declares };
  },
};

function decideStage(
  ctx: Context,
  stage: Stage,
  decisions: Map<Stage, Decision>,
  editedArgs: Set<Instruction>,
  edits: Edit[],
  notes: NoteInput[],
): Decision {
  const none: Decision = { migrated: false, python: false };
  const { options } = ctx;
  const parent = ctx.dockerfile.stages
    .slice(0, stage.index)
    .find((s) => s.name?.toLowerCase() === stage.image.toLowerCase());
  if (parent) return decisions.get(parent) ?? none;
  if (stage.image.toLowerCase() === "scratch") return none;

  // The image as written, or the default of the global ARG it names.
  const fromArg = ctx.dockerfile.baseImageArg(stage);
  if (/^\$\{?\w+\}?$/.test(stage.image) && !fromArg) {
    if (/alpine/i.test(ctx.dockerfile.text)) {
      notes.push({
        severity: "info",
        line: stage.from.line,
        message: `the base image ${stage.image} has no default that dfmod can see: stage left as it is`,
      });
    }
    return none;
  }
  const image = fromArg?.value ?? stage.image;
  const arg = fromArg?.arg;
  const argValue = fromArg && { start: fromArg.start, end: fromArg.end };
  const migration = migrateImage(image, options.targetVariant);
  if (migration.kind === "not-alpine") return none;
  if (migration.kind === "leave") {
    notes.push({ severity: migration.severity, line: stage.from.line, message: migration.message });
    return none;
  }
  const name = parseImage(image).name;
  const python = name === "python" || (name === "uv" && /python/.test(image));
  if (!python && !installsPython(ctx, stage) && !options.allStages) {
    notes.push({
      severity: "info",
      line: stage.from.line,
      message: `${image}: an Alpine stage that installs no Python dependencies is left as it is (--all-stages migrates it too)`,
    });
    return none;
  }
  if (arg && argValue) {
    if (!editedArgs.has(arg)) {
      editedArgs.add(arg);
      edits.push(...arg.replace(argValue.start, argValue.end, migration.image));
    }
  } else {
    const word = stage.from.words()[0]!;
    edits.push(...stage.from.replace(word.start, word.end, migration.image));
  }
  const line = arg ? arg.line : stage.from.line;
  notes.push({
    severity: "info",
    line,
    message: python
      ? `${image} -> ${migration.image}: glibc, so pip and uv install manylinux wheels instead of compiling`
      : `${image} -> ${migration.image}`,
  });
  for (const n of migration.notes) notes.push({ ...n, line });
  return { migrated: true, python };
}

/** A stage (or a stage built on it) that installs Python packages or Python itself. */
function installsPython(ctx: Context, stage: Stage): boolean {
  const stages = [
    stage,
    ...ctx.dockerfile.stages.filter(
      (s) => s.index > stage.index && s.image.toLowerCase() === stage.name?.toLowerCase(),
    ),
  ];
  for (const s of stages) {
    for (const instruction of s.instructions) {
      for (const command of instruction.shell()?.commands ?? []) {
        if (parsePipInstall(command) || parseUvSync(command) || parsePoetryInstall(command)) return true;
        const apk = parseApk(command);
        if (apk?.verb === "add" && apk.packages.some((p) => /^(?:python3|py3-)/.test(p.text ?? ""))) return true;
      }
    }
  }
  return false;
}

/** Paths and commands that differ between Alpine and Debian images. */
const RENAMES: Record<string, string> = {
  "/sbin/tini": "/usr/bin/tini",
  "su-exec": "gosu",
  "/sbin/su-exec": "/usr/sbin/gosu",
  "/bin/ash": "/bin/sh",
  ash: "sh",
};

function convertStage(
  ctx: Context,
  stage: Stage,
  python: boolean,
  edits: Edit[],
  notes: NoteInput[],
  declares: ConfigKey[],
): void {
  const virtuals = new Map<string, string[]>();
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "RUN" && !python) pep668(instruction, notes);
    if (instruction.keyword === "RUN") convertRun(ctx, instruction, python, virtuals, edits, notes);
    else if (["ENTRYPOINT", "CMD", "SHELL"].includes(instruction.keyword)) {
      const count = edits.length;
      renameExec(instruction, edits, notes);
      if (edits.length > count) declares.push(instruction.keyword.toLowerCase() as ConfigKey);
    }
  }
}

/** Debian's own python3 refuses `pip install` into the system (PEP 668); Alpine's older ones did not. */
function pep668(instruction: Instruction, notes: NoteInput[]): void {
  for (const command of instruction.shell()?.commands ?? []) {
    const install = parsePipInstall(command);
    if (!install || install.tool !== "pip") continue;
    const name = command.words[0]?.text ?? "";
    const inVenv = /\/bin\/(?:pip3?|python3?)$/.test(name) && !name.startsWith("/usr/");
    if (inVenv || command.words.some((w) => w.text === "--break-system-packages")) continue;
    notes.push({
      severity: "action-needed",
      line: instruction.line,
      message:
        "Debian's python3 refuses `pip install` into the system (PEP 668, externally-managed-environment): install into a virtual environment (python3 -m venv), or build on a python:*-slim-trixie image",
    });
    return;
  }
}

/** /sbin/tini, su-exec, /bin/ash in ENTRYPOINT / CMD / SHELL, exec form or shell form. */
function renameExec(instruction: Instruction, edits: Edit[], notes: NoteInput[]): void {
  const json = instruction.jsonArgs();
  if (json) {
    const text = instruction.logical;
    const re = /"((?:[^"\\]|\\.)*)"/g;
    re.lastIndex = instruction.argsStart;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const to = RENAMES[m[1]!];
      if (to === undefined) continue;
      edits.push(...instruction.replace(m.index + 1, m.index + 1 + m[1]!.length, to));
      notes.push({ severity: "info", line: instruction.line, message: `${m[1]} -> ${to}: where Debian has it` });
    }
    return;
  }
  const first = instruction.words()[0];
  const to = first && RENAMES[first.text];
  if (first && to) {
    edits.push(...instruction.replace(first.start, first.end, to));
    notes.push({ severity: "info", line: instruction.line, message: `${first.text} -> ${to}: where Debian has it` });
  }
}

type Plan =
  | {
      kind: "apt";
      command: ShellCommand;
      verb: "install" | "update" | "upgrade" | "purge";
      packages: string[];
      range: { start: number; end: number };
    }
  | { kind: "drop"; command: ShellCommand };

function convertRun(
  ctx: Context,
  instruction: Instruction,
  python: boolean,
  virtuals: Map<string, string[]>,
  edits: Edit[],
  notes: NoteInput[],
): void {
  const line = instruction.line;
  // apk's cache folder means nothing on Debian. (Kept apart: a RUN that goes entirely takes its flags along.)
  const flagEdits: Edit[] = [];
  for (const flag of instruction.flags) {
    if (flag.name === "mount" && /(?:target|dst|destination)=\/var\/cache\/apk/.test(flag.value ?? "")) {
      let end = flag.end;
      while (/[ \t]/.test(instruction.logical[end] ?? "")) end++;
      flagEdits.push(...instruction.replace(flag.start, end, ""));
      notes.push({
        severity: "info",
        line,
        message: "removed the /var/cache/apk cache mount: apt-get's lists are removed in the same RUN instead",
      });
    }
  }
  if (instruction.heredoc || !instruction.shell() || instruction.shell()!.hasError) edits.push(...flagEdits);
  if (instruction.heredoc) {
    const body = ctx.dockerfile.text.slice(instruction.start, instruction.end);
    if (/\b(?:apk|adduser|addgroup)\b/.test(body)) {
      notes.push({
        severity: "action-needed",
        line,
        message:
          "a heredoc RUN with apk or BusyBox user commands: convert it by hand (dfmod does not rewrite heredoc bodies yet)",
      });
    }
    return;
  }
  const script = instruction.shell();
  if (!script) return;
  if (script.hasError) {
    if (/\bapk\b/.test(instruction.logical)) {
      notes.push({
        severity: "action-needed",
        line,
        message: "this RUN does not parse as shell: its apk commands are left for you to convert",
      });
    }
    return;
  }

  const plans: Plan[] = [];
  for (const command of script.commands) {
    const apk = parseApk(command);
    if (apk) {
      const plan = planApk(ctx, instruction, apk, python, virtuals, notes);
      if (plan) plans.push(plan);
      continue;
    }
    const user = convertUserCommand(command);
    if (user) {
      edits.push(...instruction.replace(command.start, command.end, user.text));
      notes.push({ severity: "info", line, message: user.why });
      continue;
    }
    const name = command.words[0];
    const to = name?.text !== undefined ? RENAMES[name.text] : undefined;
    if (name && to) {
      edits.push(...instruction.replace(name.start, name.end, to));
      notes.push({ severity: "info", line, message: `${name.text} -> ${to}: where Debian has it` });
    }
  }

  // An `apk update` with nothing to install after it in this RUN: on Debian the lists it fetches are
  // removed at once, and every apt-get install runs its own update. It goes.
  // (Only in the RUN's top-level list: inside if / case / a subshell, each apt-get stands alone.)
  const shared = (p: Plan): boolean => p.command.topLevel;
  if (
    plans.some((p) => p.kind === "apt" && p.verb === "update" && shared(p)) &&
    !plans.some((p) => p.kind === "apt" && (p.verb === "install" || p.verb === "upgrade") && shared(p))
  ) {
    for (const [i, p] of plans.entries()) {
      if (p.kind !== "apt" || p.verb !== "update" || !shared(p)) continue;
      plans[i] = { kind: "drop", command: p.command };
      notes.push({
        severity: "info",
        line,
        message: "removed `apk update`: every apt-get install here runs its own apt-get update",
      });
    }
  }
  // One apt-get update per RUN, before the first apt-get that needs the lists; the lists go after the
  // last one. An apt-get inside if / case / a subshell may run alone: it gets its own update and removal.
  const listUsers = plans.filter(
    (p): p is Extract<Plan, { kind: "apt" }> => p.kind === "apt" && p.verb !== "purge" && shared(p),
  );
  const firstUser = listUsers[0];
  const lastUser = listUsers[listUsers.length - 1];
  const removeItems = new Set<number>();
  // Items whose text is replaced: a neighbour's removal would touch the same bytes.
  const replaced = new Set(
    plans.filter((p) => p.kind === "apt").map((p) => script.items.findIndex((i) => i.command === p.command)),
  );
  for (const plan of plans) {
    if (plan.kind === "drop") {
      const item = script.items.findIndex((i) => i.command === plan.command);
      if (item !== -1 && !replaced.has(item - 1) && !replaced.has(item + 1)) removeItems.add(item);
      else edits.push(...instruction.replace(plan.command.start, plan.command.end, "true"));
      continue;
    }
    let text: string;
    switch (plan.verb) {
      case "install":
        text = `apt-get install -y --no-install-recommends ${plan.packages.join(" ")}`;
        break;
      case "update":
        text = "apt-get update";
        break;
      case "upgrade":
        text = "apt-get upgrade -y";
        break;
      case "purge":
        text = `apt-get purge -y --auto-remove ${plan.packages.join(" ")}`;
        break;
    }
    const alone = plan.verb !== "purge" && !shared(plan);
    if ((plan === firstUser || alone) && plan.verb !== "update") text = `apt-get update && ${text}`;
    if (plan === lastUser || alone) text = `${text} && ${LISTS}`;
    edits.push(...instruction.replace(plan.range.start, plan.range.end, text));
  }
  const wholeRunGoes = removeItems.size > 0 && removeItems.size === script.items.length;
  if (!wholeRunGoes) edits.push(...flagEdits);
  if (removeItems.size > 0) {
    const chain = instruction.editChain(script, removeItems);
    if (chain) edits.push(...chain);
    else
      for (const i of removeItems)
        edits.push(...instruction.replace(script.items[i]!.start, script.items[i]!.end, "true"));
  }
}

/** Words of a plain shell text, quotes removed (package names after a redirect). */
function shellWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function planApk(
  ctx: Context,
  instruction: Instruction,
  apk: ReturnType<typeof parseApk> & object,
  python: boolean,
  virtuals: Map<string, string[]>,
  notes: NoteInput[],
): Plan | undefined {
  const line = instruction.line;
  const command = apk.command;
  const written = command.words.map((w) => w.raw).join(" ");
  const leave = (message: string): undefined => {
    notes.push({ severity: "action-needed", line, message: `\`${written}\` left as it is: ${message}` });
    return undefined;
  };
  if (apk.dynamic) return leave("it uses shell variables; name the Debian packages by hand");
  if (apk.repository)
    return leave(
      "packages from another repository (-X/--repository) have no Debian counterpart; look in trixie-backports or install the upstream release",
    );
  // `apk add sqlite>3.38 curl` is a redirect in the shell (to a file named 3.38, and the words
  // after it are still packages): a version constraint that never worked.
  const specs = apk.packages.map((p) => p.text!).filter((t) => t !== undefined);
  const versionRedirects: string[] = [];
  for (const redirect of command.redirected?.redirects ?? []) {
    const m = /^([<>]=?)\s*(\d\S*)(.*)$/s.exec(redirect);
    if (!m) continue;
    versionRedirects.push(`${m[1]}${m[2]}`);
    specs.push(...shellWords(m[3]!));
  }
  const range = versionRedirects.length > 0 && command.redirected ? command.redirected : command;
  switch (apk.verb) {
    case "update":
      return { kind: "apt", command, verb: "update", packages: [], range };
    case "upgrade":
      return { kind: "apt", command, verb: "upgrade", packages: [], range };
    case "add": {
      const mapped = mapPackages(specs, python);
      if (mapped.tagged.length > 0)
        return leave(
          `${mapped.tagged.join(", ")} come from a tagged repository (@edge, @testing); look in trixie-backports`,
        );
      if (mapped.unknown.length > 0) {
        const message = `no Debian trixie package named ${mapped.unknown.join(", ")}: find its Debian name (https://packages.debian.org) and add it to the package map`;
        if (ctx.options.strict) throw new DockerfileError(line, message);
        notes.push({ severity: "action-needed", line, message });
      }
      if (apk.virtual) virtuals.set(apk.virtual, mapped.packages);
      const parts: string[] = [];
      if (mapped.renamed.length) parts.push(`renamed ${mapped.renamed.join(", ")}`);
      const wheels = mapped.dropped.filter((d) => d.why === "wheels").map((d) => d.name);
      const others = mapped.dropped.filter((d) => d.why !== "wheels");
      if (others.length) parts.push(`not needed: ${others.map((d) => `${d.name} (${d.why})`).join(", ")}`);
      notes.push({
        severity: "info",
        line,
        message: `apk add -> apt-get install${parts.length ? `: ${parts.join("; ")}` : ""}`,
      });
      if (wheels.length) {
        notes.push({
          severity: "info",
          line,
          message: `dropped ${wheels.join(", ")}: on Debian, pip and uv install prebuilt wheels of cryptography, pydantic-core, orjson and other Rust extensions. Still built from source, needing gcc and headers: psycopg2 (libpq-dev), mysqlclient, python-ldap, GDAL, pygraphviz`,
        });
      }
      if (mapped.pinned.length || versionRedirects.length) {
        notes.push({
          severity: "warning",
          line,
          message: `version pins dropped (${[...mapped.pinned, ...versionRedirects].join(", ")}): Alpine versions mean nothing on Debian; pin trixie versions if you need to`,
        });
      }
      if (apk.virtual) {
        notes.push({
          severity: "info",
          line,
          message: `apt has no virtual packages: \`apk del ${apk.virtual}\` becomes apt-get purge of these packages`,
        });
      }
      if (mapped.packages.length === 0) return { kind: "drop", command };
      return { kind: "apt", command, verb: "install", packages: mapped.packages, range };
    }
    case "del": {
      const packages: string[] = [];
      for (const spec of specs) {
        const group = virtuals.get(spec);
        if (group) packages.push(...group);
        else if (spec.startsWith("."))
          return leave(`the virtual package ${spec} is not created by an apk add earlier in this stage`);
        else packages.push(...mapPackages([spec], python).packages);
      }
      const unique = [...new Set(packages)];
      if (unique.length === 0) {
        notes.push({ severity: "info", line, message: "removed `apk del`: it names no package that Debian has" });
        return { kind: "drop", command };
      }
      notes.push({ severity: "info", line, message: "apk del -> apt-get purge --auto-remove" });
      return { kind: "apt", command, verb: "purge", packages: unique, range };
    }
    case "cache":
      return { kind: "drop", command };
    default:
      return leave(`\`apk ${apk.verb ?? ""}\` has no apt-get conversion in dfmod`);
  }
}
