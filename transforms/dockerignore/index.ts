/**
 * dockerignore: a Dockerfile that copies the whole context (`COPY . .`) copies the host's .venv,
 * .git and caches too, unless .dockerignore keeps them out; a copied .venv even replaces the
 * image's own virtual environment. This adds the missing entries to the context's .dockerignore
 * (creating it when there is none), keeping what it already has.
 */
import { isWholeContextCopy, type Dockerfile } from "../../src/engine/dockerfile";
import type { BuildContext } from "../../src/engine/context";
import { ignoreFileOf } from "../../src/engine/ignore-file";
import type { Context, Transform } from "../options";
import { meta } from "./meta";

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
  [/pdm[-_]backend[\s\S]*source\s*=\s*["']scm["']/, "pdm-backend (scm)"],
];

const vcsOf = new WeakMap<BuildContext, string | null>();

/**
 * Why the build needs .git in its context, or undefined: a tool that reads the project's version from
 * git (setuptools-scm...), or a RUN that runs git (`git rev-parse HEAD > VERSION`).
 */
function gitNeeded(context: BuildContext, file: Dockerfile): string | undefined {
  const tool = vcsVersioning(context);
  if (tool) return `${tool} reads the version from it`;
  const run = file.instructions.find(
    (i) =>
      i.keyword === "RUN" && (i.shell()?.commands ?? []).some((c) => /^(?:\S*\/)?git$/.test(c.words[0]?.text ?? "")),
  );
  return run && `the RUN at line ${run.line} runs git`;
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

/** The tool that reads the project's version from git, if the context's project files name one (once per context). */
function vcsVersioning(context: BuildContext): string | undefined {
  let tool = vcsOf.get(context);
  if (tool === undefined) {
    tool = null;
    for (const file of ["pyproject.toml", "setup.py", "setup.cfg"]) {
      const text = context.read(file);
      const found = text === undefined ? undefined : VCS_VERSIONING.find(([pattern]) => pattern.test(text));
      if (found) {
        tool = found[1];
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
    // A version read from git (setuptools-scm, hatch-vcs...) needs .git in the context, and so
    // does a RUN that runs git; a COPY that names .venv or node_modules needs them.
    const vcs = have.has(".git") ? undefined : gitNeeded(context, ctx.dockerfile);
    const copied = copiedByName(ctx.dockerfile);
    const wanted = [
      ...ENTRIES.filter((e) => !(vcs && e === ".git") && !copied.has(normal(e))),
      ...(context.exists("package.json") && !copied.has("node_modules") ? ["node_modules"] : []),
    ];
    const missing = wanted.filter((e) => !have.has(normal(e)));
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
              }`,
        },
      ],
      companions: [{ path: file, lines: missing, note: "" }],
    };
  },
};
