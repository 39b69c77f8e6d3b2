/** A project's declared `requires-python` (pyproject.toml), and whether it allows a Python version. */
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

/**
 * Whether every specifier of a PEP 440 set (`>=3.9,<3.14`, `~=3.12`, `==3.13.*`, `!=3.12.*`) allows
 * the version; a specifier dfmod cannot read allows nothing.
 */
export function allowsVersion(spec: string, version: number[]): boolean {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .every((s) => allows(s, version));
}

function allows(specifier: string, version: number[]): boolean {
  const m = /^(~=|===|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)(\.\*)?$/.exec(specifier);
  if (!m) return false;
  const [, op, text, star] = m;
  const wanted = text!.split(".").map(Number);
  const cmp = compare(version, wanted);
  if (star) {
    const prefix = compare(version.slice(0, wanted.length), wanted) === 0;
    if (op === "==") return prefix;
    if (op === "!=") return !prefix;
    return false;
  }
  switch (op) {
    case "==":
    case "===":
      return cmp === 0;
    case "!=":
      return cmp !== 0;
    case "<=":
      return cmp <= 0;
    case ">=":
      return cmp >= 0;
    case "<":
      return cmp < 0;
    case ">":
      return cmp > 0;
    default: {
      // ~=X.Y[.Z]: >= X.Y[.Z] and the same release up to the last component.
      if (wanted.length < 2) return false;
      const head = wanted.slice(0, -1);
      return cmp >= 0 && compare(version.slice(0, head.length), head) === 0;
    }
  }
}

/** Compares release numbers, missing components being 0. */
function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
