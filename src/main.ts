/** The command line: yargs (or the fast reader) -> options -> run() -> process.exitCode. */
import { initShell, initShellLazily } from "./engine/shell";
// The shell parser's WebAssembly compiles in the background while the rest of dfmod loads (the
// native parser is loaded when a script first needs it).
const shellReady = initShellLazily();
shellReady.catch(() => undefined); // reported where it is awaited

import type { Transform } from "./engine/types";
import type { Mode } from "./run";
import type { Spec } from "./fast-args";
import { OutputError, stderr, stdout, type Output } from "./output";

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks)));
    process.stdin.on("error", reject);
  });
}

const io = {
  stdout: (text: string | Uint8Array): void => stdout.write(text),
  stderr: (text: string | Uint8Array): void => stderr.write(text),
  stdoutBytes: (bytes: Uint8Array): void => stdout.write(bytes),
  readStdin,
};

const cpus = (): number => require("node:os").availableParallelism?.() ?? require("node:os").cpus().length;

/** Why `dir` cannot be a build context, or undefined when it can. */
function folderProblem(dir: string): string | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return fs.statSync(dir).isDirectory() ? undefined : "not a folder";
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT"
      ? "no such folder"
      : `cannot read: ${(err as NodeJS.ErrnoException).code}`;
  }
}

function list(value: string | string[] | undefined): string[] {
  return [value ?? []]
    .flat()
    .flatMap((v) => String(v).split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A command line dfmod cannot take: exit 2 (exit 1 means "--check found something"). */
class UsageError extends Error {}

/** Options that may be given more than once, each adding values; any other repeated option: the last wins. */
export const REPEATABLE = new Set(["ignore", "package", "changed", "transforms", "t", "skip", "transform"]);

function usage(message: string, command?: string): number {
  // A subcommand's mistake points to that subcommand's help.
  const help =
    command && command in COMMAND_FLAGS
      ? `\`dfmod ${command} --help\` for its options`
      : "`dfmod --help` for the commands and options";
  io.stderr(`dfmod: ${message}\nRun ${help}.\n`);
  return 2;
}

/** "did you mean --check?" for an unknown option close to a known one. */
export function suggestion(message: string, known: string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (!m) return "";
  const hints: string[] = [];
  for (const given of m[1]!.split(", ")) {
    const name = given.replace(/^-+/, "");
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
      const d = distance(name, k);
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    if (best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)))
      hints.push(`${given}: did you mean --${best}?`);
  }
  return hints.length ? `\n${hints.join("\n")}` : "";
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

type Yargs = import("yargs").Argv;
type YargsOptions = Record<string, import("yargs").Options>;

/** The main command's own options (the transforms' come from their schemas), in the order `--help` shows them. */
const RUN_OPTIONS: YargsOptions = {
  write: { alias: "w", type: "boolean", description: "write the changes into the files (atomically)" },
  check: { alias: "c", type: "boolean", description: "exit 1 when a file would change, listing it; write nothing" },
  stdout: { type: "boolean", description: "print the transformed file instead of a diff (one file)" },
  format: { choices: ["text", "json", "sarif"], default: "text", description: "output format" },
  color: {
    type: "boolean",
    description: "colour the diff and the notes' severities (default: on a terminal, unless NO_COLOR is set)",
  },
  quiet: { alias: "q", type: "boolean", description: "show only warnings, action-needed notes and errors" },
  verbose: {
    type: "boolean",
    description: "also show the info notes of files left unchanged (why a stage was not split, ...)",
  },
  transforms: { alias: "t", type: "string", description: "run only these transforms (comma-separated ids)" },
  skip: { type: "string", description: "leave these transforms out (comma-separated ids)" },
  ignore: { type: "string", description: "leave out files matching this .gitignore-style glob (repeatable)" },
  jobs: {
    alias: "j",
    type: "number",
    description: "threads for Dockerfiles, this one included, the others worker threads (default: the CPUs",
  },
  context: {
    type: "string",
    description:
      "build context folder for every file (default: the one compose / bake give it, else the Dockerfile's own folder)",
  },
  "fail-on": {
    choices: ["never", "warning", "action-needed"],
    description:
      "exit 1 when notes of this severity (or worse) remain, also in files that would not change [default: action-needed with --check, never otherwise]",
  },
  force: {
    type: "boolean",
    description:
      "--write: also replace read-only files, and write hard-linked files (or files dfmod cannot give their owner back) in place",
  },
  "commit-message": {
    type: "string",
    description:
      "write a commit message made from the run into this file (- for stdout): subject, files changed, transforms and notes per file; empty when nothing changed",
  },
  "pr-body": {
    type: "string",
    description:
      "write a pull-request body (Markdown) made from the run into this file (- for stdout): files, notes, action-needed checklist, build cache before and after; empty when nothing changed",
  },
};

/** The main command's options as flag names: a misspelt one gets a did-you-mean among them. */
const RUN_FLAGS = [...Object.keys(RUN_OPTIONS), "transform"];

/** The other commands' options. */
export const COMMAND_FLAGS: Record<string, string[]> = {
  completion: [],
  list: ["transform"],
  packages: ["python-image", "format", "package", "transform"],
  explain: ["changed", "changed-since", "migrate", "format", "context", "transform"],
  report: ["format", "transform"],
};

/** The command line as read: each command defines its own options, so any of them may be absent. */
interface Args {
  _: (string | number)[];
  "--"?: unknown[];
  paths?: string[];
  names?: string[];
  [option: string]: unknown;
  write?: boolean;
  check?: boolean;
  stdout?: boolean;
  format: "text" | "json" | "sarif";
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  transforms?: string | string[];
  skip?: string | string[];
  ignore?: string | string[];
  jobs?: number;
  context?: string;
  package?: string | string[];
  "fail-on"?: "never" | "warning" | "action-needed";
  force?: boolean;
  changed?: string | string[];
  "changed-since"?: string;
  migrate?: boolean;
  "python-image"?: boolean;
  "commit-message"?: string;
  "pr-body"?: string;
}

/** The command-line flags of the transforms' options, from their schemas. */
function transformFlags(registry: readonly Transform[]): Record<string, import("yargs").Options> {
  const { optionSchemas } = require("./options") as typeof import("./options");
  const flags: Record<string, import("yargs").Options> = {};
  for (const o of optionSchemas(registry)) {
    const shown =
      o.default === undefined || o.type === "map" || o.default === false ? "" : ` [default: ${String(o.default)}]`;
    const description = `${o.transform}: ${o.description}${shown}`;
    flags[o.flag] =
      o.type === "choice"
        ? { choices: o.choices as string[], description }
        : { type: o.type === "boolean" ? "boolean" : "string", description };
  }
  return flags;
}

/**
 * The options given on the command line, by key (they win over config files); a map option's
 * `name=value` entries checked by its transform. A problem: the message, for exit 2.
 */
function givenOptions(registry: readonly Transform[], argv: Args): Record<string, unknown> | string {
  const { optionSchemas, mapEntries } = require("./options") as typeof import("./options");
  const options: Record<string, unknown> = {};
  for (const o of optionSchemas(registry)) {
    const value = argv[o.flag];
    if (value === undefined) continue;
    if (o.type !== "map") {
      const problem = o.type === "string" && o.check ? o.check(String(value)) : undefined;
      if (problem) return `--${o.flag} ${String(value)}: ${problem}`;
      options[o.key] = value;
      continue;
    }
    for (const given of [value].flat().map(String)) {
      const eq = given.indexOf("=");
      const entries =
        eq > 0 && eq < given.length - 1 ? mapEntries(o, [[given.slice(0, eq), given.slice(eq + 1)]]) : undefined;
      if (!entries || "error" in entries) return `--${o.flag} ${given}: ${entries?.error ?? "takes name=value"}`;
      options[o.key] = { ...(options[o.key] as object | undefined), ...entries.value };
    }
  }
  return options;
}

/** The modules named by `--transform` (read before the command line is parsed: their options become flags). */
function transformModules(args: string[]): string[] {
  const path = require("node:path") as typeof import("node:path");
  const files: string[] = [];
  const end = args.indexOf("--");
  (end < 0 ? args : args.slice(0, end)).forEach((a, i) => {
    if (a === "--transform" && args[i + 1] !== undefined) files.push(args[i + 1]!);
    else if (a.startsWith("--transform=")) files.push(a.slice("--transform=".length));
  });
  return files.map((f) => path.resolve(f));
}

/** yargs drops a lone "-" (stdin); it travels through the parser under this name. */
const STDIN = "\u0000stdin";

const EXAMPLES: [string, string][] = [
  ["$0 Dockerfile", "show what dfmod would change in one Dockerfile (a diff; nothing is written)"],
  ["$0 --write .", "migrate every Dockerfile, compose file and .dockerignore under the current folder"],
  ["$0 --check --format sarif . > dfmod.sarif", "in CI: exit 1 when something would change, SARIF for code scanning"],
  ["$0 explain --migrate services/api/Dockerfile", "what a code change re-runs, before and after the migration"],
  ["$0 packages libpq-dev jpeg-dev", "what Alpine packages become on Debian trixie"],
];

/** The main command's own options, --jobs' description with this machine's default. */
function runOptions(): YargsOptions {
  const { defaultJobs } = require("./run") as typeof import("./run");
  return {
    ...RUN_OPTIONS,
    jobs: { ...RUN_OPTIONS.jobs, description: `${RUN_OPTIONS.jobs!.description}: ${defaultJobs()})` },
  };
}

/** The main command: its own options, then the transforms' in a group of their own. */
function runCommandOptions(y: Yargs, registry: readonly Transform[]): Yargs {
  const flags = transformFlags(registry);
  return y
    .positional("paths", { type: "string", array: true })
    .options(runOptions())
    .options(flags)
    .group(Object.keys(flags), 'Transform options (also a config file\'s "options"):')
    .conflicts("write", "check")
    .conflicts("write", "stdout")
    .conflicts("check", "stdout")
    .example(EXAMPLES);
}

function packagesCommandOptions(y: Yargs): Yargs {
  return y
    .positional("names", { type: "string", array: true })
    .option("python-image", {
      type: "boolean",
      description: "for a stage on a python:* image (--no-python-image: a plain Alpine / Debian base) [default: true]",
    })
    .option("format", { choices: ["text", "json"] as const, default: "text" as const, description: "output format" })
    .option("package", {
      type: "string",
      description: "an Alpine package's Debian name, as alpine=debian (repeatable; wins over the map and the config)",
    })
    .example([["$0 packages libpq-dev jpeg-dev py3-lxml", "build and runtime names, and why"]]);
}

function reportCommandOptions(y: Yargs): Yargs {
  return y
    .positional("paths", { type: "string", array: true })
    .option("format", {
      choices: ["markdown", "csv"] as const,
      default: "markdown" as const,
      description: "output format",
    })
    .example([["$0 report results/*.json", "where a campaign over many repositories stands"]]);
}

function explainCommandOptions(y: Yargs): Yargs {
  return y
    .positional("paths", { type: "string", array: true })
    .option("changed", { type: "string", description: "the changed file(s) (repeatable, comma-separated)" })
    .option("changed-since", { type: "string", description: "the files changed in git since this ref" })
    .option("migrate", { type: "boolean", description: "also explain the migrated Dockerfile, side by side" })
    .option("format", { choices: ["text", "json"] as const, default: "text" as const, description: "output format" })
    .option("context", {
      type: "string",
      description: "build context folder (default: the one compose / bake give, else the Dockerfile's own folder)",
    })
    .example([
      ["$0 explain Dockerfile", "which steps a typical code change re-runs"],
      ["$0 explain --changed-since main .", "what the changes since main re-run"],
    ]);
}

/** The parser: each command has its own options, and one a command does not take is an error there. */
function parserFor(args: string[], registry: readonly Transform[]): Yargs {
  // yargs' CommonJS export is the factory itself (its `.default` is the option-default method).
  const yargs = require("yargs") as typeof import("yargs");
  return (
    yargs(args)
      .scriptName("dfmod")
      .usage(
        "$0 [paths..]\n\nRewrites Dockerfiles and compose files. Prints a unified diff by default (a dry run); --write changes the files.\n" +
          "A folder is searched for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* and compose files; `-` reads standard input.",
      )
      .command("$0 [paths..]", "rewrite files (files, folders, or - for stdin; default: .)", (y) =>
        runCommandOptions(y, registry),
      )
      .command("list", "list the transforms, in pipeline order", (y) => y.example([["$0 list", "the transforms"]]))
      .command(
        "packages <names..>",
        "what Alpine package names become on Debian trixie (exit 1 if one has no name)",
        packagesCommandOptions,
      )
      .command(
        "explain [paths..]",
        "show each build step's cache inputs and what a code change re-runs",
        explainCommandOptions,
      )
      .command(
        "report <paths..>",
        "merge the --format json documents of many repositories' runs into one summary (Markdown or CSV)",
        reportCommandOptions,
      )
      // Every command sees the transforms of the `--transform` modules (read before parsing).
      .option("transform", {
        type: "string",
        global: true,
        description: "also run the transform in this module (a .js file; repeatable), after the built-in ones",
      })
      .completion(
        "completion",
        "print a shell completion script (bash, zsh): `dfmod completion >> ~/.bashrc`",
        (
          current: string,
          _argv: unknown,
          completionFilter: (onCompleted: (err: Error | null, completions: string[] | undefined) => void) => void,
          done: (completions: string[]) => void,
        ) => completionFilter((_err, defaults) => done(withMainOptions(current, args, defaults ?? [], registry))),
      )
      .parserConfiguration({ "populate--": true })
      .strict()
      .help()
      .version()
      .fail((message: string | undefined, err: Error | undefined) => {
        throw new UsageError(message ?? err?.message ?? "cannot read the command line");
      })
  );
}

/**
 * Completions with the main command's options added where it is the command (no other command's
 * name among the words, as yargs reads them to choose a command's options) and an option is being
 * typed: yargs completes only the options of named commands and the global ones. Not after `--`
 * (the rest are paths); not an option already given, unless it is repeatable; `--no-X` for a
 * boolean that is on by default. In zsh's format (`--flag:description`) where yargs uses it.
 */
function withMainOptions(
  current: string,
  args: string[],
  defaults: string[],
  registry: readonly Transform[],
): string[] {
  // yargs offers the default command by its placeholder name, which is nothing to type.
  defaults = defaults.filter((c) => c !== "$0" && !c.startsWith("$0:"));
  // The words before the one being completed (yargs' completion flag and the program's name left out).
  const at = args.indexOf("--get-yargs-completions");
  const words = at < 0 ? [] : args.slice(at + 2, -1);
  const named = words.some((word) => Object.hasOwn(COMMAND_FLAGS, word));
  if (named || words.includes("--") || !current.startsWith("-")) return defaults;
  const options = { ...runOptions(), ...transformFlags(registry) };
  const { optionSchemas } = require("./options") as typeof import("./options");
  const onByDefault = new Set(
    optionSchemas(registry)
      .filter((o) => o.type === "boolean" && o.default === true)
      .map((o) => o.flag),
  );
  const given = new Set(
    words.filter((w) => w.startsWith("--")).map((w) => w.slice(2).replace(/=.*$/, "").replace(/^no-/, "")),
  );
  const zsh = [process.env.SHELL, process.env.ZSH_NAME].some((v) => v?.includes("zsh"));
  const have = new Set(defaults.map((c) => c.replace(/(?<!\\):.*$/, "")));
  const added = Object.entries(options)
    .filter(([name]) => !given.has(name) || REPEATABLE.has(name))
    .flatMap(([name, o]) => {
      const description = String(o.description ?? "");
      const flags: [string, string][] = [[`--${name}`, description]];
      if (onByDefault.has(name)) flags.push([`--no-${name}`, description]);
      return flags;
    })
    .filter(([flag]) => flag.startsWith(current) && !have.has(flag))
    .map(([flag, description]) => (zsh ? `${flag}:${description.replace(/:/g, "\\:")}` : flag));
  return [...defaults, ...added];
}

/** The main command's options and the transforms', as the fast reader takes them. */
export function mainSpec(registry: readonly Transform[]): Spec {
  return { ...RUN_OPTIONS, ...transformFlags(registry), transform: { type: "string" } };
}

/** The command line read, or the exit code of a usage error (with a did-you-mean). */
export async function parseArgs(args: string[], registry: readonly Transform[]): Promise<Args | number> {
  const { fastArgs } = require("./fast-args") as typeof import("./fast-args");
  const commands = Object.keys(COMMAND_FLAGS);
  return (fastArgs(args, mainSpec(registry), REPEATABLE, commands) as Args | undefined) ?? yargsArgs(args, registry);
}

/** The command line as yargs reads it, or the exit code of a usage error (with a did-you-mean). */
export async function yargsArgs(args: string[], registry: readonly Transform[]): Promise<Args | number> {
  let argv: Args;
  try {
    argv = (await parserFor(args, registry).parse()) as unknown as Args;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // Did-you-mean among the options of the command given.
    const command = args.find((a) => !a.startsWith("-"));
    const known = COMMAND_FLAGS[command ?? ""] ?? [...RUN_FLAGS, ...Object.keys(transformFlags(registry))];
    return usage(`${err.message}${suggestion(err.message, [...known, "help", "version"])}`, command);
  }
  // A repeated option: the last one wins (as in prettier); only these take several values.
  const lists = new Set(["_", "--", "paths", "names"]);
  for (const [key, value] of Object.entries(argv)) {
    if (Array.isArray(value) && !REPEATABLE.has(key) && !lists.has(key))
      (argv as Record<string, unknown>)[key] = value[value.length - 1];
  }
  return argv;
}

/** The built-in transforms and those of the `--transform` modules; a module that is not one: exit 2. */
function loadRegistry(builtins: Transform[], modules: string[]): Transform[] | number {
  if (modules.length === 0) return builtins;
  const { withExternal } = require("./external") as typeof import("./external");
  try {
    return withExternal(builtins, modules, process.cwd());
  } catch (err) {
    io.stderr(`dfmod: --transform ${(err as Error).message}\n`);
    return 2;
  }
}

/** The paths given (those after `--` too); none means `.`. */
function pathsOf(argv: Args): string[] {
  // Paths after `--` are paths, whatever they look like.
  const afterDashes = ((argv["--"] as unknown[] | undefined) ?? []).map(String);
  const given = [...((argv.paths as string[] | undefined) ?? []).map(String), ...afterDashes];
  return given.length > 0 ? given.map((p) => (p === STDIN ? "-" : p)) : ["."];
}

function listCommand(registry: readonly Transform[]): number {
  const { optionSchemas } = require("./options") as typeof import("./options");
  const width = Math.max(...registry.map((t) => t.id.length));
  const flags = (t: Transform): string =>
    (t.meta.turnedOnBy ?? [])
      .map((key) => `; --${optionSchemas(registry).find((o) => o.key === key)?.flag ?? key} also runs it`)
      .join("");
  const optIn = (t: Transform): string =>
    t.meta.optIn ? ` (opt-in: runs only when named, e.g. -t ${t.id}${flags(t)})` : "";
  io.stdout(registry.map((t) => `${t.id.padEnd(width)}  ${t.summary}${optIn(t)}\n`).join(""));
  return 0;
}

function explainCommand(argv: Args, registry: Transform[]): Promise<number> {
  const { runExplain } = require("./explain/run") as typeof import("./explain/run");
  return runExplain(
    {
      transforms: registry,
      paths: pathsOf(argv),
      changed: list(argv.changed),
      changedSince: argv["changed-since"],
      migrate: Boolean(argv.migrate),
      format: argv.format === "json" ? "json" : "text",
      context: argv.context,
      transformOptions: {},
    },
    io,
  );
}

function reportCommand(argv: Args): number {
  const { runReport } = require("./report/fleet") as typeof import("./report/fleet");
  const files = ((argv.paths as string[] | undefined) ?? []).map((p) => (String(p) === STDIN ? "-" : String(p)));
  return runReport({ files, format: String(argv.format) === "csv" ? "csv" : "markdown", cwd: process.cwd() }, io);
}

/** --commit-message and --pr-body: their files (`-`: standard output, which then carries only that text). */
function campaignFiles(argv: Args): { commitMessage?: string; prBody?: string } | { exit: number } {
  const file = (value: string | undefined): string | undefined =>
    value === undefined ? undefined : value === STDIN ? "-" : value;
  const files = { commitMessage: file(argv["commit-message"]), prBody: file(argv["pr-body"]) };
  for (const [flag, value] of [
    ["--commit-message", files.commitMessage],
    ["--pr-body", files.prBody],
  ] as const) {
    if (value === "") return { exit: usage(`${flag} takes a file name (or - for standard output)`) };
    if (value === "-" && argv.format !== "text")
      return {
        exit: usage(
          `${flag} -: standard output carries the ${argv.format} document; give a file (the document has the text too)`,
        ),
      };
    if (value === "-" && argv.stdout) return { exit: usage(`${flag} -: standard output carries the --stdout file`) };
  }
  if (files.commitMessage === "-" && files.prBody === "-")
    return { exit: usage("--commit-message - and --pr-body -: only one of them can go to standard output") };
  return files;
}

function packagesCommand(argv: Args, registry: Transform[], options: Record<string, unknown>): number {
  const { runPackages } =
    require("../transforms/alpine-to-trixie/packages-command") as typeof import("../transforms/alpine-to-trixie/packages-command");
  return runPackages(
    {
      names: ((argv.names as string[] | undefined) ?? []).map(String),
      python: argv["python-image"] ?? true,
      format: argv.format === "json" ? "json" : "text",
      cwd: process.cwd(),
      packages: (options.packages ?? {}) as Record<string, { build: string[]; runtime: string[] }>,
      registry,
    },
    io,
  );
}

/** `--jobs`, checked, and no more than the CPUs (more threads only cost memory and time); a bad value: exit 2. */
function jobsOf(argv: Args): number | { exit: number } {
  const { defaultJobs } = require("./run") as typeof import("./run");
  if (argv.jobs !== undefined && (!Number.isInteger(argv.jobs) || argv.jobs < 1))
    return { exit: usage(`--jobs ${String(argv.jobs)}: takes a whole number of 1 or more`) };
  const jobs = argv.jobs ?? defaultJobs();
  if (jobs <= cpus()) return jobs;
  io.stderr(`dfmod: --jobs ${jobs} is more than the ${cpus()} CPUs: using ${cpus()}\n`);
  return cpus();
}

interface Selection {
  registry: Transform[];
  modules: string[];
  only: string[] | undefined;
  skip: string[];
  options: Record<string, unknown>;
}

function runCommand(argv: Args, selection: Selection): Promise<number> | number {
  const { run } = require("./run") as typeof import("./run");
  const jobs = jobsOf(argv);
  if (typeof jobs !== "number") return jobs.exit;
  const campaign = campaignFiles(argv);
  if ("exit" in campaign) return campaign.exit;
  const mode: Mode = argv.write ? "write" : argv.check ? "check" : argv.stdout ? "stdout" : "diff";
  const color = (out: Output): boolean => argv.color ?? (out.isTerminal() && !process.env.NO_COLOR);
  return run(
    {
      registry: selection.registry,
      modules: selection.modules,
      paths: pathsOf(argv),
      mode,
      format: argv.format,
      color: color(stdout),
      colorNotes: color(stderr),
      quiet: Boolean(argv.quiet),
      verbose: Boolean(argv.verbose),
      only: selection.only,
      skip: selection.skip,
      context: argv.context,
      transformOptions: selection.options,
      ignore: list(argv.ignore),
      jobs,
      force: Boolean(argv.force),
      progress: argv.format === "text" && stderr.isTerminal(),
      failOn: argv["fail-on"],
      ...campaign,
    },
    io,
  );
}

/** `-t` and `--skip`, each id checked against the registry; an unknown one: exit 2. */
function selectionOf(argv: Args, registry: Transform[], modules: string[]): Selection | number {
  const only = list(argv.transforms);
  const skip = list(argv.skip);
  const unknown = [...only, ...skip].find((id) => !registry.some((t) => t.id === id));
  if (unknown !== undefined) {
    io.stderr(`dfmod: unknown transform "${unknown}" (see \`dfmod list\`)\n`);
    return 2;
  }
  // Only the options given on the command line: they win over config files.
  const options = givenOptions(registry, argv);
  if (typeof options === "string") {
    io.stderr(`dfmod: ${options}\n`);
    return 2;
  }
  return { registry, modules, only: only.length ? only : undefined, skip, options };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).map((a) => (a === "-" ? STDIN : a));
  // `dfmod --version` alone, as yargs prints it, without loading yargs (~40 ms).
  if (args.length === 1 && args[0] === "--version") {
    io.stdout(`${(require("../package.json") as { version: string }).version}\n`);
    return 0;
  }
  const { transforms: builtins } = require("../transforms") as typeof import("../transforms");
  const modules = transformModules(args);
  const registry = loadRegistry(builtins, modules);
  if (typeof registry === "number") return registry;
  const argv = await parseArgs(args, registry);
  if (typeof argv === "number") return argv;
  // A build context that is not a folder: an error before anything is written.
  if (argv.context !== undefined) {
    const problem = folderProblem(argv.context);
    if (problem) return usage(`--context ${argv.context}: ${problem}`);
  }
  if (argv._[0] === "list") return listCommand(registry);
  if (argv._[0] === "report") return reportCommand(argv);
  // The shell parser's WebAssembly has compiled in the background while the line was read.
  await shellReady;
  if (argv._[0] === "explain") return explainCommand(argv, registry);
  const selection = selectionOf(argv, registry, modules);
  if (typeof selection === "number") return selection;
  if (argv._[0] === "packages") {
    await initShell();
    return packagesCommand(argv, registry, selection.options);
  }
  return runCommand(argv, selection);
}

/** Runs the command line of this process (src/cli.ts, through the bundle, calls it). */
export function cliMain(): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = 2;
      try {
        if (err instanceof OutputError) io.stderr(`dfmod: ${err.message}\n`);
        else io.stderr(`dfmod: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      } catch {
        // Standard error itself cannot be written: the exit code says it.
      }
    },
  );
}
