/** A project's declared `requires-python` (pyproject.toml); transforms/pep440.ts says whether it allows a version. */
import type { BuildContext } from "../../src/engine/context";

/** The `[project]` table's requires-python, or undefined when the context has none. */
export function requiresPython(context: BuildContext | undefined): string | undefined {
  const text = context?.read("pyproject.toml");
  if (text === undefined) return undefined;
  let table = "";
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*(?:#.*)?$/.exec(line);
    if (header) table = header[1]!.trim();
    const value = /^\s*requires-python\s*=\s*(["'])(.*?)\1/.exec(line);
    if (value && table === "project") return value[2]!.trim();
  }
  return undefined;
}
