/**
 * The main command's command line read without yargs, for the common case (`dfmod --check
 * Dockerfile`, a pre-commit hook's `dfmod --write a b c`): loading and configuring yargs is a
 * third of a one-file run. Anything this reader is not sure of (a command, --help, --version, an
 * unknown or misspelt option, a value that looks like a flag, `--x=` on a boolean, clustered short
 * flags) returns undefined, and yargs reads the line as before, errors and did-you-means included.
 * A test checks that both readers give the same result on every line this one takes.
 */
import type { Options } from "yargs";

export type Spec = Record<string, Options>;

/** Flags that make yargs do more than read options. */
const NOT_HERE = new Set(["--help", "--version", "-h"]);

interface Parsed {
  [key: string]: unknown;
  _: (string | number)[];
}

/** The spec by every name a flag can be given as: `--name` and its one-letter alias `-n`. */
function flagIndex(spec: Spec): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, o] of Object.entries(spec)) {
    index.set(`--${name}`, name);
    for (const alias of [o.alias ?? []].flat()) if (alias.length === 1) index.set(`-${alias}`, name);
  }
  return index;
}

/** A value yargs would take as given, or undefined when this reader leaves the line to yargs. */
function valueOf(o: Options, raw: string): string | number | undefined {
  if (raw.startsWith("-")) return undefined;
  if (o.choices) return (o.choices as unknown[]).includes(raw) ? raw : undefined;
  if (o.type === "number") return /^(0|[1-9]\d{0,8})$/.test(raw) ? Number(raw) : undefined;
  return o.type === "string" ? raw : undefined;
}

/** Stores a value: a repeatable option given again collects an array, any other one keeps the last. */
function store(out: Parsed, name: string, value: unknown, repeatable: ReadonlySet<string>): void {
  const before = out[name];
  out[name] = before !== undefined && repeatable.has(name) ? [before, value].flat() : value;
}

/**
 * The main command's arguments read by `spec`, or undefined when yargs should read them.
 * `repeatable`: the options that collect every value given; `commands`: the other commands' names
 * (a line that names one anywhere is yargs').
 */
export function fastArgs(
  args: readonly string[],
  spec: Spec,
  repeatable: ReadonlySet<string>,
  commands: readonly string[],
): Parsed | undefined {
  const index = flagIndex(spec);
  const out: Parsed = { _: [] };
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      const rest = args.slice(i + 1);
      // yargs still takes a command's name after `--` for that command: its reading, not this one.
      if (rest.some((a) => commands.includes(a))) return undefined;
      if (rest.length > 0) out["--"] = rest;
      break;
    }
    if (NOT_HERE.has(arg) || commands.includes(arg)) return undefined;
    if (!arg.startsWith("-") || arg.startsWith("\u0000")) {
      paths.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = index.get(flag);
    if (name === undefined) {
      // `--no-x` turns a boolean off.
      const off = flag.startsWith("--no-") ? flag.slice(5) : "";
      if (eq > 0 || spec[off]?.type !== "boolean") return undefined;
      store(out, off, false, repeatable);
      continue;
    }
    const o = spec[name]!;
    if (o.type === "boolean") {
      // yargs takes a following `true` / `false` as the flag's value.
      if (eq > 0 || args[i + 1] === "true" || args[i + 1] === "false") return undefined;
      store(out, name, true, repeatable);
      continue;
    }
    const raw = eq > 0 ? arg.slice(eq + 1) : args[++i];
    const value = raw === undefined ? undefined : valueOf(o, raw);
    if (value === undefined) return undefined;
    store(out, name, value, repeatable);
  }
  for (const [name, o] of Object.entries(spec))
    if (o.default !== undefined && out[name] === undefined) out[name] = o.default;
  const given = (name: string): boolean => out[name] !== undefined && out[name] !== false;
  // The conflicts yargs checks: leave the message to it.
  if ([given("write"), given("check"), given("stdout")].filter(Boolean).length > 1) return undefined;
  if (paths.length > 0) out.paths = paths;
  return out;
}
