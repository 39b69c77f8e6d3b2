/**
 * .dockerignore matching as Docker does it (moby/patternmatcher): patterns are anchored at the
 * context's root (`*.pyc` is only the root's; `**\/*.pyc` is everywhere), `*` and `?` stay inside a
 * path segment, `**` spans segments, `!` re-includes, the last matching pattern wins, and a
 * pattern that matches a folder matches everything under it.
 */
import * as path from "node:path";

interface Rule {
  negate: boolean;
  regex: RegExp;
}

/**
 * A glob as a regular expression's source: `*` and `?` inside a segment, `[...]` a class (a `[`
 * with no `]` after it is a literal, as Docker reads it), a backslash escapes the next character, and with
 * `doubleStar`, `**` across segments.
 */
export function globSource(pattern: string, doubleStar: boolean): string {
  const literal = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (doubleStar && pattern[i + 1] === "*") {
        // `**` spans any number of segments (also none): `a/**/b` matches `a/b`.
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          out += "(?:.*/)?";
        } else out += ".*";
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      const body = end === -1 ? "" : pattern.slice(i + 1, end);
      // A class JavaScript can take (`[z-a]` it cannot): otherwise the `[` is a literal.
      const cls = "[" + body.replace(/^[!^]/, "^").replace(/\\/g, "\\\\").replace(/[[\]]/g, "\\$&") + "]";
      if (end !== -1 && isRegex(cls)) {
        out += cls;
        i = end;
      } else out += "\\[";
    } else if (c === "\\" && i + 1 < pattern.length) {
      out += literal(pattern[++i]!);
    } else out += literal(c);
  }
  return out;
}

/** A COPY source pattern (Go filepath.Match per segment) as a test for context paths. */
export function sourceMatcher(source: string): (file: string) => boolean {
  const clean = path.posix.normalize(source).replace(/^\/+/, "").replace(/\/+$/, "");
  if (clean === "." || clean === "") return () => true;
  const regex = new RegExp(`^${globSource(clean, false)}(?:/.*)?$`);
  return (file) => regex.test(file);
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function toRegex(pattern: string): RegExp {
  // A pattern that matches a folder also matches what is inside it.
  return new RegExp(`^${globSource(pattern, true)}(?:/.*)?$`);
}

export class DockerIgnore {
  private readonly rules: Rule[] = [];

  constructor(text: string | undefined) {
    for (const raw of (text ?? "").split(/\r?\n/)) {
      let line = raw.trim();
      if (!line || line.startsWith("#")) continue;
      const negate = line.startsWith("!");
      if (negate) line = line.slice(1).trim();
      line = path.posix.normalize(line).replace(/^\/+/, "").replace(/\/+$/, "");
      if (line === "." || line === "") continue;
      this.rules.push({ negate, regex: toRegex(line) });
    }
  }

  /** Whether a context-relative path (with `/`) is left out of the build context. */
  ignores(relative: string): boolean {
    let ignored = false;
    for (const rule of this.rules) if (rule.regex.test(relative)) ignored = !rule.negate;
    return ignored;
  }
}
