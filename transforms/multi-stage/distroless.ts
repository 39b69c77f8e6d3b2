/**
 * `--runtime distroless`: the runtime stage becomes Google's distroless Python on Debian 13 (Python
 * 3.13 at /usr/bin/python3; no shell, no package manager; user nonroot, uid 65532). What the runtime
 * stage would do with a shell or apt is done otherwise or refused:
 * - the builder is Debian trixie with Debian's python3, so the copied environment's interpreter
 *   (/usr/bin/python3) exists in the runtime stage, at the same minor;
 * - runtime libraries are copied from the builder with everything they link to (ldd);
 * - a shell-form CMD / ENTRYPOINT that is a plain command becomes exec form;
 * - a user the original created becomes distroless' nonroot;
 * - a HEALTHCHECK that needs a shell or curl goes only when the compose file has its own.
 * Anything else that would need a shell at run time keeps the slim runtime (a `not-distroless` note).
 */
import { isWholeContextCopy, type Instruction } from "../../src/engine/dockerfile";
import type { ShellCommand } from "../../src/engine/shell";
import type { Edit } from "../../src/engine/edits";
import type { NoteInput } from "../../src/engine/types";
import { parseShell } from "../../src/engine/shell";
import { aptInstalls, isAptOrApk, isPurge, isUserCommand, words } from "./commands";
import { isCacheCleanup, resolvePath, venvCreation } from "../../src/engine/commands";
import { requiresPython } from "./requires-python";
import { allowsVersion } from "../pep440";
import type { Scene } from "./plan";
import type { Placement } from "./place";
import { replaceRange } from "../../src/engine/fixer";

export const DISTROLESS_IMAGE = "gcr.io/distroless/python3-debian13:nonroot";
export const DISTROLESS_BUILDER = "debian:trixie-slim";
/** Debian 13's Python, which the distroless image has at /usr/bin/python3. */
const DEBIAN_PYTHON = [3, 13, 5];
const SHELLS = /^(?:sh|bash|dash|ash|zsh)$|\.sh$/;
const NETWORK_TOOLS = /^(?:curl|wget|nc)$/;

/** Why the runtime stays slim: becomes the `not-distroless` note. */
export class NotDistroless extends Error {}

/** What the distroless runtime changes in the split. */
export interface Distroless {
  /** Debian packages the builder installs for its Python. */
  pythonPackages: string[];
  /** Library packages whose files (and what they link to) the runtime copies from the builder. */
  libraries: string[];
  /** Edits to instructions the runtime stage keeps; "drop" removes one. */
  runtime: Map<Instruction, Edit[] | "drop">;
  /** The original sets no ENTRYPOINT: the runtime resets distroless' (the interpreter). */
  resetEntrypoint: boolean;
  /** The owner of the copied environment, in distroless' users. */
  chown: string | undefined;
  /** Instructions after the build that (also) go into the builder: the code copy, ENV and the RUNs moved there. */
  toBuilder: Instruction[];
  notes: NoteInput[];
}

export function planDistroless(
  scene: Scene,
  placement: Placement,
  packages: string[],
  venv: { path: string; chown: string | undefined },
): Distroless {
  const chown = venv.chown;
  const notes: NoteInput[] = [];
  checkMinor(scene, notes);
  const users = new Users(scene);
  const d: Distroless = {
    pythonPackages: pythonPackages(placement),
    libraries: [],
    runtime: new Map(),
    resetEntrypoint: !scene.list.some((i) => i.keyword === "ENTRYPOINT"),
    chown: chown === undefined ? undefined : users.map(chown, "the virtual environment's owner"),
    toBuilder: [],
    notes,
  };
  // The runtime stage's own apt-get installs become copies from the builder too.
  const rt: Runtime = { users, notes, packages: [...packages], moved: [], venv: venv.path };
  for (const p of placement.placed) {
    if (p.role !== "runtime" && p.role !== "both") continue;
    const edits = runtimeInstruction(scene, p.instruction, rt);
    if (edits) d.runtime.set(p.instruction, edits);
  }
  if (rt.moved.length > 0) moveToBuilder(scene, placement, d, rt, venv.path);
  // compilemessages needs gettext's msgfmt where it runs: in the builder, which has it, now.
  const compiles = rt.moved.some((r) => r.shell()?.commands.some((c) => buildsFromCode(c) === "compilemessages"));
  const builderOnly = compiles && placement.installed.includes("gettext") ? ["gettext"] : [];
  const wanted = rt.packages.filter((p) => !builderOnly.includes(p));
  d.libraries = libraries([...new Set(wanted)].filter((p) => !DISTROLESS_HAS.has(p)));
  users.report(notes);
  venvWithPython3(placement);
  return d;
}

/**
 * A venv's interpreter links name the Python that made it: the builder's venvs are made by
 * `python3` (/usr/bin/python3, which distroless has), not `python` or `python3.13`.
 */
function venvWithPython3({ placed }: Placement): void {
  const renamed: { p: Placement["placed"][number]; edits: Edit[] }[] = [];
  for (const p of placed) {
    if (p.role !== "builder" && p.role !== "both") continue;
    for (const command of p.instruction.shell()?.commands ?? []) {
      const word = command.words[0];
      if (venvCreation(command) === undefined || !word || word.text === "python3") continue;
      if (!/^(?:\/usr\/(?:local\/)?bin\/)?python(?:3(?:\.\d+)?)?$/.test(word.text ?? ""))
        throw new NotDistroless(`the virtual environment is made by ${word.raw}, not by the python3 distroless has`);
      renamed.push({ p, edits: replaceRange(p.instruction, word.start, word.end, "python3") });
    }
  }
  for (const { p, edits } of renamed) p.builderEdits = [...(p.builderEdits ?? []), ...edits];
}

/** Packages of Debian's that the distroless image has. */
const DISTROLESS_HAS = new Set(["tzdata", "ca-certificates", "netbase", "base-files"]);

/** The builder's Python: Debian's, with venv, and headers when something is compiled. */
function pythonPackages({ installed }: Placement): string[] {
  const compiles = installed.some((p) => /^(?:gcc|g\+\+|clang|build-essential)$/.test(p) || /-dev$/.test(p));
  return ["python3", "python3-venv", ...(compiles ? ["python3-dev"] : [])];
}

/** The image's Python minor must be 3.13, or the project must declare that it runs on 3.13. */
function checkMinor(scene: Scene, notes: NoteInput[]): void {
  const image = scene.file.baseImage(scene.stage);
  const minor = /python:?(\d+)\.(\d+)/.exec(image);
  if (minor && Number(minor[1]) === 3 && Number(minor[2]) === 13) return;
  const declared = requiresPython(scene.ctx.context);
  const shown = minor ? `Python ${minor[1]}.${minor[2]}` : `an image whose Python minor dfmod cannot tell (${image})`;
  if (declared === undefined || !allowsVersion(declared, DEBIAN_PYTHON))
    throw new NotDistroless(
      `the image has ${shown} and distroless has Python 3.13` +
        (declared === undefined
          ? " (no requires-python in pyproject.toml says the project runs on it)"
          : ` (requires-python ${declared} excludes it)`),
    );
  notes.push({
    id: "distroless-python-minor",
    severity: "warning",
    line: scene.stage.from.line,
    message: `the image had ${shown}; the distroless runtime has Debian's Python 3.13, which requires-python ${declared} allows: test the application on 3.13`,
  });
}

/** Library packages are copied with what they link to; anything else cannot come without apt. */
function libraries(packages: string[]): string[] {
  // Libraries that also need data files the copy would miss.
  const other = packages.filter((p) => !/^lib.*\d/.test(p) || /^libmagic/.test(p));
  if (other.length > 0)
    throw new NotDistroless(
      `the runtime stage needs ${other.join(", ")}, which distroless cannot install (no apt) and which are not shared libraries dfmod can copy from the builder`,
    );
  return packages;
}

interface Runtime {
  users: Users;
  notes: NoteInput[];
  /** Packages the runtime stage needs, to which its own apt-get installs are added. */
  packages: string[];
  /** RUNs after the code copy that build from the code, which the builder runs instead. */
  moved: Instruction[];
  venv: string;
}

function runtimeInstruction(scene: Scene, instruction: Instruction, rt: Runtime): Edit[] | "drop" | undefined {
  const { users, notes } = rt;
  switch (instruction.keyword) {
    case "RUN": {
      const items = instruction.shell()?.items ?? [];
      const commands = items.map((it) => it.command);
      if (items.length === 0 || commands.some((c) => !c)) break;
      if (commands.every((c) => isUserCommand(c!))) return "drop";
      if (commands.every((c) => buildsFromCode(c!) !== undefined)) {
        rt.moved.push(instruction);
        return "drop";
      }
      if (commands.every((c) => (isAptOrApk(c!) && !isPurge(c!)) || isCacheCleanup(c!))) {
        rt.packages.push(...commands.flatMap((c) => aptInstalls(c!)));
        return "drop";
      }
      break;
    }
    case "SHELL":
      throw new NotDistroless(`the SHELL at line ${instruction.line}: distroless has no shell`);
    case "USER":
      return userEdits(instruction, users);
    case "COPY":
    case "ADD":
      return chownEdits(instruction, users);
    case "CMD":
    case "ENTRYPOINT":
      return commandEdits(instruction, rt, scene.states.get(instruction)?.workdir ?? "/");
    case "HEALTHCHECK":
      return healthcheck(scene, instruction, notes);
    default:
      return undefined;
  }
  throw new NotDistroless(
    `the RUN at line ${instruction.line} would run in the runtime stage, which has no shell; move it into the install, or keep the slim runtime`,
  );
}

/** Users and groups the original creates, which distroless' nonroot replaces. */
class Users {
  private readonly created = new Set<string>();
  private readonly renamed = new Set<string>();
  /** The stage has a USER instruction. */
  sawUser = false;

  constructor(private readonly scene: Scene) {
    for (const i of scene.list)
      for (const c of i.shell()?.commands ?? []) {
        const name = words(c).at(-1);
        if (isUserCommand(c) && name && !name.startsWith("-")) this.created.add(name);
      }
  }

  /** `user[:group]` in distroless' terms; refuses a name neither the original nor distroless creates. */
  map(spec: string, what: string): string {
    return spec
      .split(":")
      .map((part) => {
        if (/^\d+$/.test(part) || ["root", "nonroot", "nobody"].includes(part)) return part;
        if (this.created.has(part)) {
          this.renamed.add(part);
          return "nonroot";
        }
        throw new NotDistroless(`${what} is ${part}, a user distroless does not have`);
      })
      .join(":");
  }

  report(notes: NoteInput[]): void {
    const line = this.scene.stage.from.line;
    if (this.renamed.size > 0)
      notes.push({
        id: "distroless-user",
        severity: "info",
        line,
        message: `the user ${[...this.renamed].join(", ")} the original created is distroless' nonroot (uid 65532): distroless cannot create users`,
      });
    if (!this.sawUser)
      notes.push({
        id: "distroless-user",
        severity: "warning",
        line,
        message:
          "the original ran as root; the distroless image runs as nonroot (uid 65532): files the application writes must be writable by it",
      });
  }
}

function userEdits(instruction: Instruction, users: Users): Edit[] | undefined {
  users.sawUser = true;
  const [word] = instruction.words();
  if (!word || instruction.words().length !== 1 || word.text.includes("$"))
    throw new NotDistroless(`the USER at line ${instruction.line} is not a plain user`);
  const mapped = users.map(word.text, `the USER at line ${instruction.line}`);
  return mapped === word.text ? undefined : replaceRange(instruction, word.start, word.end, mapped);
}

function chownEdits(instruction: Instruction, users: Users): Edit[] | undefined {
  const flag = instruction.flag("chown");
  if (!flag?.value) return undefined;
  const mapped = users.map(flag.value, `the owner of the copy at line ${instruction.line}`);
  if (mapped === flag.value) return undefined;
  return replaceRange(instruction, flag.start, flag.end, `--chown=${mapped}`);
}

/** A shell-form command becomes exec form when it is a plain command; one that needs a shell is refused. */
function commandEdits(instruction: Instruction, rt: Runtime, workdir: string): Edit[] | undefined {
  const where = `the ${instruction.keyword} at line ${instruction.line}`;
  const json = instruction.jsonArgs();
  if (json) {
    if (json[0] !== undefined) checkProgram(where, json[0], rt.venv, workdir);
    return undefined;
  }
  if (instruction.args.startsWith("[")) throw new NotDistroless(`${where} is not a JSON array of strings`);
  const ws = instruction.words();
  if (ws.length === 0) return undefined;
  const args = plainCommand(instruction.args);
  if (!args || SHELLS.test(args[0]!.slice(args[0]!.lastIndexOf("/") + 1)))
    throw new NotDistroless(
      `${where} is in shell form and needs a shell (\`${instruction.args}\`); distroless has none: write it in exec form`,
    );
  checkProgram(where, args[0]!, rt.venv, workdir);
  const exec = `[${args.map((a) => JSON.stringify(a)).join(", ")}]`;
  rt.notes.push({
    id: "distroless-exec-form",
    severity: "info",
    line: instruction.line,
    message: `${where} is now in exec form (${exec}): distroless has no /bin/sh to run the shell form`,
  });
  return replaceRange(instruction, ws[0]!.start, ws[ws.length - 1]!.end, exec);
}

/**
 * What a command runs must start without a shell: a name found on PATH (the environment's console
 * scripts, Python), the environment's own programs, or Python. A script named by its path may be a
 * shell script, or start with `#!/usr/bin/env`, which distroless does not have either.
 */
function checkProgram(where: string, program: string, venv: string, workdir: string): void {
  const name = program.slice(program.lastIndexOf("/") + 1);
  if (SHELLS.test(name)) throw new NotDistroless(`${where} runs ${program}, and distroless has no shell`);
  const path = resolvePath(workdir, program);
  if (!program.includes("/") || path.startsWith(`${venv}/bin/`) || /^\/usr\/bin\/python3(?:\.\d+)?$/.test(path)) return;
  throw new NotDistroless(
    `${where} runs ${program}, a script that may need a shell or /usr/bin/env, which distroless does not have; run it with python, or keep the slim runtime`,
  );
}

/** The words of a single plain command: no operators, redirections, expansions, globs or assignments. */
function plainCommand(source: string): string[] | undefined {
  const script = parseShell(source);
  const command = script.items[0]?.command;
  if (script.hasError || script.items.length !== 1 || !command || !command.topLevel || command.redirected)
    return undefined;
  if (source.slice(0, command.words[0]?.start ?? 0).trim() !== "") return undefined;
  if (source.slice(command.words.at(-1)?.end ?? 0).trim() !== "") return undefined;
  const texts = command.words.map((w) => (/[*?[\]{}~]/.test(w.raw) ? undefined : w.text));
  return texts.every((t): t is string => t !== undefined) && texts.length > 0 ? texts : undefined;
}

/**
 * A HEALTHCHECK in exec form that calls neither a shell nor a network tool runs in distroless; any
 * other goes when every compose service that builds the image defines its own, else refuses.
 */
function healthcheck(scene: Scene, instruction: Instruction, notes: NoteInput[]): "drop" | undefined {
  const m = /^CMD\s+(.*)$/is.exec(instruction.args);
  if (!m) return undefined; // NONE
  const body = m[1]!.trim();
  let first: string | undefined;
  try {
    const json: unknown = body.startsWith("[") ? JSON.parse(body) : undefined;
    if (Array.isArray(json) && typeof json[0] === "string") first = json[0];
  } catch {
    first = undefined;
  }
  const name = first?.slice(first.lastIndexOf("/") + 1) ?? /(?:^|[\s;&|])(curl|wget|nc)(?:\s|$)/.exec(body)?.[1];
  if (first !== undefined && name !== undefined && !SHELLS.test(name) && !NETWORK_TOOLS.test(name)) return undefined;
  const need = first === undefined ? `a shell${name ? ` and ${name}` : ""}` : name!;
  const shared = scene.ctx.compose ?? [];
  const covered =
    shared.length > 0 && shared.every((s) => s.services.length > 0 && s.healthchecks.length === s.services.length);
  if (!covered)
    throw new NotDistroless(
      `the HEALTHCHECK at line ${instruction.line} needs ${need}, which distroless does not have, and no compose file defines the healthcheck instead; define it there, or write it in exec form with python`,
    );
  notes.push({
    id: "distroless-healthcheck-dropped",
    severity: "info",
    line: instruction.line,
    message: `removed HEALTHCHECK: it needs ${need}, which distroless does not have, and ${shared.flatMap((s) => s.healthchecks).join(", ")} define their own healthcheck in the compose file`,
  });
  return "drop";
}

/**
 * The builder's RUN that stages the library packages' shared objects and every library they link
 * to (glibc's own excepted: distroless has it) under /runtime-libs, at their real folders.
 */
export function stageLibrariesRun(libraries: string[], escape: string): string {
  const lines = [
    `RUN dpkg -L ${libraries.join(" ")} >/tmp/runtime-files \\`,
    ` && for lib in $(grep -E '\\.so\\.[0-9]+$' /tmp/runtime-files); do echo "$lib"; ldd "$lib" | awk '$3 ~ /^\\// {print $3}'; done | sort -u \\`,
    `  | grep -vE '/(ld-linux[^/]*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl)\\.so' \\`,
    `  | while read -r lib; do dir="/runtime-libs$(dirname "$(readlink -f "$lib")")"; mkdir -p "$dir" && cp -L "$lib" "$dir/"; done \\`,
    ` && test -d /runtime-libs`,
  ];
  return lines.map((l) => l.replace(/ \\$/, ` ${escape}`)).join("\n");
}

/** What a command builds from the code alone: Django's static files and translations, bytecode. */
function buildsFromCode(command: ShellCommand): string | undefined {
  const t = words(command);
  const name = t[0]?.slice(t[0].lastIndexOf("/") + 1) ?? "";
  const python = /^python(?:3(?:\.\d+)?)?$/.test(name);
  if (python && t[1] === "manage.py" && /^(?:collectstatic|compilemessages)$/.test(t[2] ?? "")) return t[2];
  if (name === "django-admin" && t[1] === "compilemessages") return t[1];
  if (python && t[1] === "-m" && t[2] === "compileall") return "compileall";
  return undefined;
}

/**
 * RUNs after the code copy that only build from the code run in the builder, after a copy of the
 * code there (and the ENV, ARG and WORKDIR before them); the runtime stage copies the code folder,
 * with what they made in it, from the builder instead of the context.
 */
function moveToBuilder(scene: Scene, placement: Placement, d: Distroless, rt: Runtime, venv: string): void {
  const { list, states } = scene;
  const first = list.indexOf(rt.moved[0]!);
  const copies = list.slice(0, first).filter(isWholeContextCopy);
  const code = copies[copies.length - 1];
  const where = `the RUN at line ${rt.moved[0]!.line}`;
  if (!code || copies.length > 1)
    throw new NotDistroless(`${where} would run in the runtime stage, which has no shell`);
  const root = resolvePath(states.get(code)!.workdir, code.copyDestination());
  if (!/^\/[\w./-]*$/.test(root) || root === "/" || venv === root || venv.startsWith(`${root}/`))
    throw new NotDistroless(
      `${where} would have to run in the builder, and the runtime stage copy ${root} from there, which holds the virtual environment too`,
    );
  const codeIndex = list.indexOf(code);
  const last = list.indexOf(rt.moved[rt.moved.length - 1]!);
  const role = (i: Instruction) => placement.placed.find((p) => p.instruction === i)?.role;
  d.toBuilder = list.filter(
    (i, n) =>
      rt.moved.includes(i) ||
      (i === code && role(code) === "runtime") ||
      (n > codeIndex && n < last && ["ENV", "ARG", "WORKDIR"].includes(i.keyword) && role(i) === "runtime"),
  );
  d.runtime.set(code, fromBuilder(scene, code, root, rt.users));
  for (const run of rt.moved) {
    const steps = (run.shell()?.commands ?? []).map((c) => buildsFromCode(c)!);
    const statics = steps.includes("collectstatic");
    rt.notes.push({
      id: "distroless-run-moved",
      severity: statics ? "warning" : "info",
      line: run.line,
      message:
        `${steps.join(", ")} runs in the ${scene.ctx.options.builderStageName} stage, after a copy of the code, and the runtime stage copies ${root} from there: distroless has no shell to run it` +
        (statics ? `; collectstatic's STATIC_ROOT must be inside ${root}` : ""),
    });
  }
}

/** The runtime's code copy, from the builder's code folder (owned as the original had it). */
function fromBuilder(scene: Scene, code: Instruction, root: string, users: Users): Edit[] {
  const chown = code.flag("chown")?.value;
  const flags = code.flags.filter((f) => f.name !== "chown").map((f) => code.logical.slice(f.start, f.end));
  const text = [
    `--from=${scene.ctx.options.builderStageName}`,
    ...(chown ? [`--chown=${users.map(chown, `the owner of the copy at line ${code.line}`)}`] : []),
    ...flags,
    root,
    root,
  ].join(" ");
  const start = code.flags[0]?.start ?? code.words()[0]!.start;
  return replaceRange(code, start, code.logical.trimEnd().length, text);
}
