/** PEP 440 version specifiers (`>=3.9,<3.14`, `~=3.12`, `==3.13.*`, `!=3.12.*`), release numbers only. */

/**
 * Whether every clause of a specifier set allows the version. A clause dfmod cannot read (a
 * pre-release, `~=3`, `<3.12.*`) allows nothing by default, or allows it with `unreadable` "allows"
 * (where a refusal must rest on a clause dfmod understood).
 */
export function allowsVersion(spec: string, version: number[], unreadable: "allows" | "refuses" = "refuses"): boolean {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .every((s) => clauseAllows(s, version) ?? unreadable === "allows");
}

/** Whether one clause allows the version; undefined when dfmod cannot read it. */
function clauseAllows(specifier: string, version: number[]): boolean | undefined {
  const m = /^(~=|===|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)(\.\*)?$/.exec(specifier);
  if (!m) return undefined;
  const [, op, text, star] = m;
  const wanted = text!.split(".").map(Number);
  const cmp = compare(version, wanted);
  if (star) {
    const prefix = compare(version.slice(0, wanted.length), wanted) === 0;
    if (op === "==") return prefix;
    if (op === "!=") return !prefix;
    return undefined;
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
      if (wanted.length < 2) return undefined;
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
