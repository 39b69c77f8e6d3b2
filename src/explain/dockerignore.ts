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

function toRegex(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        // `**` spans any number of segments (also none): `a/**/b` matches `a/b`.
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          out += "(?:.*/)?";
        } else out += ".*";
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) out += "\\[";
      else {
        out +=
          "[" +
          pattern
            .slice(i + 1, end)
            .replace(/^!/, "^")
            .replace(/\\/g, "\\\\") +
          "]";
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  // A pattern that matches a folder also matches what is inside it.
  return new RegExp(`^${out}(?:/.*)?$`);
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
