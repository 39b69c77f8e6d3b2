/**
 * dockerignore: a Dockerfile that copies the whole context (`COPY . .`) copies the host's .venv,
 * .git and caches too, unless .dockerignore keeps them out; a copied .venv even replaces the
 * image's own virtual environment. This adds the missing entries to the context's .dockerignore
 * (creating it when there is none), keeping what it already has.
 */
import * as path from "node:path";
import { isWholeContextCopy } from "../../src/engine/dockerfile";
import type { Context, Transform } from "../../src/engine/types";

const ENTRIES = [".venv", ".git", "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache"];

/** An entry as .dockerignore matching sees it: without `/` in front, `**` / in front, `/` behind. */
function normal(line: string): string {
  return line
    .trim()
    .replace(/^\/+/, "")
    .replace(/^\*\*\//, "")
    .replace(/\/+$/, "");
}

export const dockerignore: Transform = {
  id: "dockerignore",
  summary: "add .venv, .git, __pycache__ and friends to the .dockerignore of a context that COPY . . copies",
  apply(ctx: Context) {
    const context = ctx.context;
    if (!context) return undefined;
    const copy = ctx.dockerfile.instructions.find(isWholeContextCopy);
    if (!copy) return undefined;
    const existing = context.read(".dockerignore");
    // There, but not readable (no permission, a FIFO): the run reports it as an error of that file.
    const unreadable = existing === undefined && context.present(".dockerignore");
    const have = new Set((existing ?? "").split(/\r?\n/).map(normal));
    const wanted = [...ENTRIES, ...(context.exists("package.json") ? ["node_modules"] : [])];
    const missing = wanted.filter((e) => !have.has(normal(e)));
    if (missing.length === 0) return undefined;
    const venv = missing.includes(".venv")
      ? " A host .venv copied by COPY . . would replace the image's virtual environment."
      : "";
    return {
      edits: [],
      notes: [
        {
          severity: unreadable ? "warning" : "info",
          line: copy.line,
          message: unreadable
            ? `.dockerignore is there but dfmod cannot read it, so it cannot add ${missing.join(", ")}: it is left as it is`
            : `${existing === undefined ? "created .dockerignore with" : "added to .dockerignore:"} ${missing.join(", ")}.${venv}`,
        },
      ],
      companions: [{ path: path.join(context.dir, ".dockerignore"), lines: missing, note: "" }],
    };
  },
};
