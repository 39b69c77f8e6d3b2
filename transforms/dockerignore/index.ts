/**
 * dockerignore: a Dockerfile that copies the whole context (`COPY . .`) copies the host's .venv,
 * .git and caches too, unless .dockerignore keeps them out; a copied .venv even replaces the
 * image's own virtual environment. This adds the missing entries to the context's .dockerignore
 * (creating it when there is none), keeping what it already has.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { containerCommand, Dockerfile, isWholeContextCopy, type Instruction } from "../../src/engine/dockerfile";
import { isDockerfileName } from "../../src/discover";
import type { BuildContext } from "../../src/engine/context";
import { ignoreFileOf } from "../../src/engine/ignore-file";
import type { Context, Transform } from "../options";
import { meta } from "./meta";
import { commandAt, scriptsRun } from "../alpine-to-trixie/scripts";

// `**/` reaches every folder of the context (and its root), as Docker matches: caches and
// environments sit in every package of a project, and in every service of a monorepo context.
const ENTRIES = ["**/.venv", ".git", "**/__pycache__", "**/*.pyc", "**/.pytest_cache", "**/.mypy_cache"];

/** An entry as .dockerignore matching sees it: without `/` in front, `**` / in front, `/` behind. */
function normal(line: string): string {
  return line
    .trim()
    .replace(/^\/+/, "")
    .replace(/^\*\*\//, "")
    .replace(/\/+$/, "");
}

/** Build back ends and tools that take the project's version from git, as their configuration names them. */
const VCS_VERSIONING: [RegExp, string][] = [
  [/setuptools[-_]scm|use_scm_version/, "setuptools-scm"],
  [/hatch[-_]vcs/, "hatch-vcs"],
  [/poetry[-_]dynamic[-_]versioning/, "poetry-dynamic-versioning"],
  [/uv[-_]dynamic[-_]versioning/, "uv-dynamic-versioning"],
  [/versioneer/, "versioneer"],
  [/\bpbr\b/, "pbr"],
  [/dunamai/, "dunamai"],
  [/versioningit/, "versioningit"],
  [/setuptools[-_]git[-_]versioning/, "setuptools-git-versioning"],
  [/flit[-_]scm/, "flit-scm"],
  [/pdm[-_]backend[\s\S]*source\s*=\s*["']scm["']/, "pdm-backend (scm)"],
];

/** git run from Python: `["git", "describe"]`, `("git", ...)`, `"git rev-parse HEAD"`, `os.popen("git describe")`. */
const SETUP_RUNS_GIT = /[[(,]\s*["']git["']|["']git\s+(?:describe|rev-parse|rev-list|log|tag|show)\b/;

const vcsOf = new WeakMap<BuildContext, string | null>();

/**
 * Why the build needs .git in its context, or undefined: a tool that reads the project's version from
 * git (setuptools-scm...), or a RUN that runs git (`git rev-parse HEAD > VERSION`).
 */
function gitNeeded(context: BuildContext, file: Dockerfile): string | undefined {
  const tool = vcsVersioning(context);
  if (tool) return `${tool} reads the version from it`;
  const run = gitRun(file);
  return run ? `the RUN at line ${run.line} runs git` : gitAtStart(context, file);
}

/** git where a command starts in shell code (`GIT_SHA=$(git rev-parse HEAD)`, not `echo "without git"`). */
const GIT_COMMAND = commandAt("git");

/** The instruction runs git: as an exec form's program or shell code, or in its shell form. */
function runsGit(instruction: Instruction): boolean {
  const command = containerCommand(instruction);
  if (!command) return false;
  if (!command.json) return GIT_COMMAND.test(command.text);
  return command.json.some((w) => /^(?:\S*\/)?git$/.test(w) || GIT_COMMAND.test(w));
}

/**
 * Why the container needs .git at run time, or undefined: its CMD, ENTRYPOINT or HEALTHCHECK runs
 * git, or a script of the context it (or a RUN) runs does (`GIT_SHA=$(git rev-parse HEAD)`).
 */
function gitAtStart(context: BuildContext, file: Dockerfile): string | undefined {
  const command = file.instructions.find((i) => ["CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(i.keyword) && runsGit(i));
  if (command) return `the ${command.keyword} at line ${command.line} runs git`;
  for (const stage of file.stages)
    for (const script of scriptsRun(stage, context))
      if (GIT_COMMAND.test(script.text.replace(/(^|\s)#.*$/gm, "")))
        return `${script.file}, which the ${script.instruction.keyword} at line ${script.instruction.line} runs, runs git`;
  return undefined;
}

/** The first RUN that runs git. */
function gitRun(file: Dockerfile): Instruction | undefined {
  return file.instructions.find(
    (i) =>
      i.keyword === "RUN" && (i.shell()?.commands ?? []).some((c) => /^(?:\S*\/)?git$/.test(c.words[0]?.text ?? "")),
  );
}

/** Folders of ENTRIES that a COPY or ADD names as a source (`COPY .venv /app/.venv`): left in the context. */
function copiedByName(file: Dockerfile): Set<string> {
  const out = new Set<string>();
  for (const i of file.instructions)
    if ((i.keyword === "COPY" || i.keyword === "ADD") && !i.flag("from"))
      for (const source of i.copySources())
        for (const name of [".venv", "node_modules", ".git"]) if (source.split("/").includes(name)) out.add(name);
  return out;
}

/** What a Dockerfile needs of its context by name: the folders of ENTRIES it copies, why it needs .git. */
interface Needs {
  copied: Set<string>;
  git: string | undefined;
}

/** Per context: the Dockerfiles in its folder, each read (once) when another one asks. */
const siblingsOf = new WeakMap<BuildContext, Map<string, Needs | null | undefined>>();

/**
 * A Dockerfile's needs (null: none, or it cannot be read); only texts that name an entry are parsed.
 * `name`: how notes call it.
 */
function needsOf(where: string, name: string): Needs | null {
  let text: string;
  try {
    text = fs.readFileSync(where, "utf8");
  } catch {
    return null;
  }
  if (!/(?:COPY|ADD)\b[^\n]*(?:\.venv|node_modules|\.git\b)|(?:\bRUN\s+|[;&|(]\s*)(?:\S*\/)?git\s/i.test(text))
    return null;
  let file: Dockerfile;
  try {
    file = new Dockerfile(text);
  } catch {
    return null;
  }
  const copied = copiedByName(file);
  const run = gitRun(file);
  const git = run && `the RUN at line ${run.line} of ${name} runs git`;
  return copied.size > 0 || git ? { copied, git } : null;
}

/** Per context: the needs of Dockerfiles elsewhere that compose or bake build from it, by absolute path (read once). */
const peersOf = new WeakMap<BuildContext, Map<string, Needs | null>>();

/**
 * What the Dockerfiles beside `self` in the context's folder (`Dockerfile.docs`, `version.Dockerfile`),
 * and those compose services or bake targets build from the same context (`peers`), need of it:
 * one built from the same context reads the same .dockerignore, so an entry it copies
 * (`COPY .git .git`) or needs (a RUN that runs git) is not added for another. Entries by the first
 * Dockerfile that copies each.
 */
function othersNeed(
  context: BuildContext,
  self: string | undefined,
  peers: string[] = [],
): { copied: Map<string, string>; git?: string } {
  let siblings = siblingsOf.get(context);
  if (!siblings) {
    siblings = new Map();
    siblingsOf.set(context, siblings);
    try {
      // Regular files only: a FIFO would block the read.
      for (const e of fs.readdirSync(context.dir, { withFileTypes: true }))
        if (e.isFile() && isDockerfileName(e.name)) siblings.set(e.name, undefined);
    } catch {
      // A folder that cannot be listed has no Dockerfiles to ask.
    }
  }
  const mine = self && path.dirname(self) === context.dir ? path.basename(self) : undefined;
  const copied = new Map<string, string>();
  let git: string | undefined;
  for (const [name, known] of siblings) {
    if (name === mine) continue;
    const needs = known === undefined ? needsOf(path.join(context.dir, name), name) : known;
    if (known === undefined) siblings.set(name, needs);
    if (!needs) continue;
    for (const entry of needs.copied) if (!copied.has(entry)) copied.set(entry, name);
    git ??= needs.git;
  }
  let known = peersOf.get(context);
  if (!known && peers.length > 0) peersOf.set(context, (known = new Map()));
  for (const peer of peers) {
    if (peer === self || path.dirname(peer) === context.dir) continue;
    const name = path.relative(context.dir, peer).split(path.sep).join("/");
    let needs = known!.get(peer);
    if (needs === undefined) {
      needs = needsOf(peer, name);
      known!.set(peer, needs);
    }
    if (!needs) continue;
    for (const entry of needs.copied) if (!copied.has(entry)) copied.set(entry, name);
    git ??= needs.git;
  }
  return git ? { copied, git } : { copied };
}

/** The tool that reads a project's version from git, if the project files in `dir` (of the context) name one. */
function vcsIn(context: BuildContext, dir: string): string | undefined {
  for (const file of ["pyproject.toml", "setup.py", "setup.cfg"]) {
    const text = context.read(dir === "" ? file : `${dir}/${file}`);
    const found = text === undefined ? undefined : VCS_VERSIONING.find(([pattern]) => pattern.test(text));
    if (found) return found[1];
    // A setup.py that asks git itself: `subprocess.check_output(["git", "describe", "--tags"])`.
    if (file === "setup.py" && text !== undefined && SETUP_RUNS_GIT.test(text)) return "setup.py, which runs git,";
  }
  return undefined;
}

/** Folders of the context a glob of folders names (`packages/*`; `**` is not followed). */
function foldersMatching(context: BuildContext, glob: string): string[] {
  let found = [""];
  for (const part of glob
    .replace(/^\.\//, "")
    .split("/")
    .filter((p) => p !== "" && p !== ".")) {
    if (part === ".." || part === "**") return [];
    if (!/[*?[]/.test(part)) {
      found = found.map((dir) => (dir === "" ? part : `${dir}/${part}`));
      continue;
    }
    const pattern = new RegExp(
      `^${part
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]")}$`,
    );
    found = found.flatMap((dir) =>
      context
        .folders(dir === "" ? "." : dir)
        .filter((name) => pattern.test(name))
        .map((name) => (dir === "" ? name : `${dir}/${name}`)),
    );
  }
  return found.filter((dir) => dir !== "");
}

/**
 * The folders of the context's other projects that the build installs with the root one: uv
 * workspace members (`[tool.uv.workspace] members`), and path dependencies of uv
 * (`[tool.uv.sources]`) and Poetry (`{ path = "libs/core" }`) inside the context.
 */
function memberFolders(context: BuildContext): string[] {
  const text = context.read("pyproject.toml");
  if (text === undefined || !/\bmembers\b|\bpath\s*=/.test(text)) return [];
  let doc: Record<string, unknown>;
  try {
    doc = (require("smol-toml") as typeof import("smol-toml")).parse(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const table = (value: unknown): Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const tool = table(doc.tool);
  const uv = table(tool.uv);
  const members = table(uv.workspace).members;
  const globs = Array.isArray(members) ? members.filter((m): m is string => typeof m === "string") : [];
  const paths = [
    ...Object.values(table(uv.sources)),
    ...Object.values(table(table(tool.poetry).dependencies)),
    ...Object.values(table(table(table(table(tool.poetry).group).main).dependencies)),
  ].flatMap((source) => {
    const where = table(source).path;
    return typeof where === "string" ? [where] : [];
  });
  const folders = [
    ...globs.flatMap((g) => foldersMatching(context, g)),
    ...paths.flatMap((p) => foldersMatching(context, p)),
  ];
  return [...new Set(folders)].slice(0, 100);
}

/**
 * The tool that reads a project's version from git, if the context's project files name one: the
 * root project's, or a workspace member's or path dependency's the build installs with it (once
 * per context).
 */
function vcsVersioning(context: BuildContext): string | undefined {
  let tool = vcsOf.get(context);
  if (tool === undefined) {
    tool = vcsIn(context, "") ?? null;
    for (const dir of tool ? [] : memberFolders(context)) {
      const found = vcsIn(context, dir);
      if (found) {
        tool = `${found} (in ${dir})`;
        break;
      }
    }
    vcsOf.set(context, tool);
  }
  return tool ?? undefined;
}

export const dockerignore: Transform = {
  id: "dockerignore",
  summary: "add .venv, .git, __pycache__ and friends to the .dockerignore of a context that COPY . . copies",
  meta,
  apply(ctx: Context) {
    const context = ctx.context;
    if (!context) return undefined;
    const copy = ctx.dockerfile.instructions.find(isWholeContextCopy);
    if (!copy) return undefined;
    // Docker reads `<Dockerfile>.dockerignore` beside the Dockerfile first, the context's own after.
    const { name, where, file } = ignoreFileOf(context, ctx.file);
    const existing = where.read(name);
    // There, but not readable (no permission, a FIFO): the run reports it as an error of that file.
    const unreadable = existing === undefined && where.present(name);
    const have = new Set((existing ?? "").split(/\r?\n/).map(normal));
    // Every entry there already (a run after the first): nothing to add, whatever the rest needs.
    if (ENTRIES.every((e) => have.has(normal(e))) && (have.has("node_modules") || !context.exists("package.json")))
      return undefined;
    // A version read from git (setuptools-scm, hatch-vcs...) needs .git in the context, and so
    // does a RUN that runs git; a COPY that names .venv or node_modules needs them.
    // So does another Dockerfile built from the same context (its folder's), which shares the file.
    const others = othersNeed(context, ctx.file, ctx.peers);
    const vcs = have.has(".git") ? undefined : (gitNeeded(context, ctx.dockerfile) ?? others.git);
    const own = copiedByName(ctx.dockerfile);
    const copied = (entry: string): boolean => own.has(entry) || others.copied.has(entry);
    const wanted = [
      ...ENTRIES.filter((e) => !(vcs && e === ".git") && !copied(normal(e))),
      ...(context.exists("package.json") && !copied("node_modules") ? ["node_modules"] : []),
    ];
    const missing = wanted.filter((e) => !have.has(normal(e)));
    const keptFor = [...others.copied]
      .filter(([entry]) => !own.has(entry) && !have.has(entry) && !(entry === ".git" && vcs))
      .map(([entry, by]) => ` ${entry} is left in: ${by} copies it.`)
      .join("");
    if (missing.length === 0) return undefined;
    const venv = missing.some((e) => normal(e) === ".venv")
      ? " A host .venv copied by COPY . . would be dead weight in the image, or replace its virtual environment where it has one."
      : "";
    return {
      edits: [],
      notes: [
        {
          id: unreadable
            ? "dockerignore-unreadable"
            : existing === undefined
              ? "dockerignore-created"
              : "dockerignore-extended",
          severity: unreadable ? "warning" : "info",
          line: copy.line,
          companion: true,
          message: unreadable
            ? `${name} is there but dfmod cannot read it, so it cannot add ${missing.join(", ")}: it is left as it is`
            : `${existing === undefined ? `created ${name} with` : `added to ${name}:`} ${missing.join(", ")}.${venv}${
                vcs ? ` .git is left in: ${vcs}.` : ""
              }${keptFor}`,
        },
      ],
      companions: [{ path: file, lines: missing, note: "" }],
    };
  },
};
