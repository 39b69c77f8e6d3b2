#!/usr/bin/env node
/** yargs -> options -> run() -> process.exitCode. */
import { initShell } from "./engine/shell";
// The shell parser's WebAssembly compiles in the background while the rest of dfmod loads.
const shellReady = initShell();
shellReady.catch(() => undefined); // reported where it is awaited

import type { TransformOptions } from "./engine/types";
import type { Mode } from "./run";

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
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

/** yargs drops a lone "-" (stdin); it travels through the parser under this name. */
const STDIN = "\u0000stdin";

async function main(): Promise<number> {
  // yargs' CommonJS export is the factory itself (its `.default` is the option-default method).
  const yargs = require("yargs") as typeof import("yargs");
  const { OPTION_SPECS, packageEntry } = require("./config") as typeof import("./config");
  const { defaultOptions } = require("./engine/types") as typeof import("./engine/types");
  const { defaultJobs, run } = require("./run") as typeof import("./run");
  const { transforms: registry, transformById } = require("../transforms") as typeof import("../transforms");
  await shellReady;
  const args = process.argv.slice(2).map((a) => (a === "-" ? STDIN : a));
  const parser = yargs(args)
    .scriptName("dfmod")
    .usage(
      "$0 [paths..]\n\nRewrites Dockerfiles and compose files. Prints a unified diff by default (a dry run); --write changes the files.\n" +
        "A folder is searched for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* and compose files; `-` reads standard input.",
    )
    .command("$0 [paths..]", "rewrite files (files, folders, or - for stdin; default: .)", (y) =>
      y.positional("paths", { type: "string", array: true }),
    )
    .command("list", "list the transforms, in pipeline order")
    .command(
      "packages <names..>",
      "what Alpine package names become on Debian trixie (exit 1 if one has no name)",
      (y) => y.positional("names", { type: "string", array: true }),
    )
    .option("python-image", {
      type: "boolean",
      description:
        "packages: for a stage on a python:* image (--no-python-image: a plain Alpine / Debian base) [default: true]",
    })
    .command("explain [paths..]", "show each build step's cache inputs and what a code change re-runs", (y) =>
      y.positional("paths", { type: "string", array: true }),
    )
    .option("changed", { type: "string", description: "explain: the changed file(s) (repeatable, comma-separated)" })
    .option("changed-since", { type: "string", description: "explain: the files changed in git since this ref" })
    .option("migrate", { type: "boolean", description: "explain: also explain the migrated Dockerfile, side by side" })
    .option("write", { alias: "w", type: "boolean", description: "write the changes into the files (atomically)" })
    .option("check", {
      alias: "c",
      type: "boolean",
      description: "exit 1 when a file would change, listing it; write nothing",
    })
    .option("stdout", { type: "boolean", description: "print the transformed file instead of a diff (one file)" })
    .option("format", {
      choices: ["text", "json", "sarif"] as const,
      default: "text" as const,
      description: "output format",
    })
    .option("color", { type: "boolean", description: "colour the diff (default: when stdout is a terminal)" })
    .option("transforms", {
      alias: "t",
      type: "string",
      description: "run only these transforms (comma-separated ids)",
    })
    .option("skip", { type: "string", description: "leave these transforms out (comma-separated ids)" })
    .option("ignore", {
      type: "string",
      description: "leave out files matching this .gitignore-style glob (repeatable)",
    })
    .option("jobs", {
      alias: "j",
      type: "number",
      description: `worker threads (default: one fewer than the CPUs, at least 1: ${defaultJobs()})`,
    })
    .option("context", { type: "string", description: "build context folder (default: each Dockerfile's own folder)" })
    .option("uv-check", {
      choices: ["frozen", "locked"] as const,
      description: `uv-sync: \`uv sync --frozen\` (install the lock as it is) or \`--locked\` (fail when it is out of date) [default: ${defaultOptions.uvCheck}]`,
    })
    .option("uv-version", {
      type: "string",
      description: `uv-sync: uv image tag for \`pip install uv\` replacements [default: ${defaultOptions.uvVersion}]`,
    })
    .option("cache-mounts", {
      type: "boolean",
      description: "give dependency installs a BuildKit cache mount (--no-cache-mounts turns it off) [default: true]",
    })
    .option("target-variant", {
      choices: ["slim-trixie", "trixie"] as const,
      description: "alpine-to-trixie: slim images or the full ones [default: slim-trixie]",
    })
    .option("all-stages", {
      type: "boolean",
      description: "alpine-to-trixie: also migrate Alpine stages that install no Python dependencies",
    })
    .option("strict", {
      type: "boolean",
      description:
        "alpine-to-trixie: fail a file (exit 2, file untouched) on an Alpine package with no known Debian name",
    })
    .option("builder-stage-name", {
      type: "string",
      description: `multi-stage: the name of the build stage [default: ${defaultOptions.builderStageName}]`,
    })
    .option("runtime-stage-name", {
      type: "string",
      description: "multi-stage: a name for the runtime stage (default: as it was)",
    })
    .option("image-name", {
      type: "string",
      description: "compose-shared-image: the shared image's name (default: <project folder>:latest)",
    })
    .option("package", {
      type: "string",
      description:
        "alpine-to-trixie: an Alpine package's Debian name, as alpine=debian (repeatable; wins over the built-in map and the config's packages)",
    })
    .option("fail-on", {
      choices: ["never", "warning", "action-needed"] as const,
      description:
        "exit 1 when notes of this severity (or worse) remain, also in files that would not change [default: action-needed with --check, never otherwise]",
    })
    .option("drop-dockerfile-healthcheck", {
      type: "boolean",
      description:
        "compose-shared-image: remove the shared Dockerfile's HEALTHCHECK when the services define their own",
    })
    .conflicts("write", "check")
    .conflicts("write", "stdout")
    .conflicts("check", "stdout")
    .strict()
    .help()
    .version()
    .fail((message: string | undefined, err: Error | undefined) => {
      throw new UsageError(message ?? err?.message ?? "cannot read the command line");
    });
  let argv: Awaited<ReturnType<typeof parser.parse>>;
  try {
    argv = await parser.parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`dfmod: ${err.message}\nRun \`dfmod --help\` for the commands and options.\n`);
    return 2;
  }

  if (argv._[0] === "list") {
    const width = Math.max(...registry.map((t) => t.id.length));
    process.stdout.write(registry.map((t) => `${t.id.padEnd(width)}  ${t.summary}\n`).join(""));
    return 0;
  }
  if (argv._[0] === "explain") {
    const { runExplain } = require("./explain/run") as typeof import("./explain/run");
    const given = ((argv.paths as string[] | undefined) ?? []).map(String);
    return runExplain(
      {
        paths: given.length ? given : ["."],
        changed: list(argv.changed),
        changedSince: argv["changed-since"],
        migrate: Boolean(argv.migrate),
        format: argv.format === "json" ? "json" : "text",
        context: argv.context,
        transformOptions: {},
      },
      { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), readStdin },
    );
  }
  const wanted = list(argv.transforms);
  const skipped = list(argv.skip);
  for (const id of [...wanted, ...skipped]) {
    if (!transformById(id)) {
      process.stderr.write(`dfmod: unknown transform "${id}" (see \`dfmod list\`)\n`);
      return 2;
    }
  }
  // Only the options given on the command line: they win over config files.
  const transformOptions: Partial<TransformOptions> = {};
  for (const [flag, spec] of Object.entries(OPTION_SPECS)) {
    const value = (argv as Record<string, unknown>)[flag];
    if (value !== undefined) (transformOptions as Record<string, unknown>)[spec.key] = value;
  }
  const packages: TransformOptions["packages"] = {};
  for (const given of [argv.package ?? []].flat().map(String)) {
    const [alpine, debian] = given.split("=");
    const entry = alpine && debian ? packageEntry(alpine, debian) : "takes alpine=debian";
    if (typeof entry === "string") {
      process.stderr.write(`dfmod: --package ${given}: ${entry}\n`);
      return 2;
    }
    packages[alpine!] = entry;
  }
  if (Object.keys(packages).length > 0) transformOptions.packages = packages;
  if (argv._[0] === "packages") {
    const { runPackages } = require("./packages") as typeof import("./packages");
    return runPackages(
      {
        names: ((argv.names as string[] | undefined) ?? []).map(String),
        python: argv["python-image"] ?? true,
        format: argv.format === "json" ? "json" : "text",
        cwd: process.cwd(),
        packages,
        transformIds: registry.map((t) => t.id),
      },
      { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
    );
  }
  if (argv.jobs !== undefined && (!Number.isInteger(argv.jobs) || argv.jobs < 1)) {
    process.stderr.write("dfmod: --jobs takes a whole number of 1 or more\n");
    return 2;
  }
  const mode: Mode = argv.write ? "write" : argv.check ? "check" : argv.stdout ? "stdout" : "diff";
  const given = (argv.paths as string[] | undefined) ?? [];
  const paths = given.length > 0 ? given.map((p) => (String(p) === STDIN ? "-" : String(p))) : ["."];
  return run(
    {
      paths,
      mode,
      format: argv.format,
      color: argv.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR),
      only: wanted.length ? wanted : undefined,
      skip: skipped,
      context: argv.context,
      transformOptions,
      ignore: list(argv.ignore),
      jobs: argv.jobs ?? defaultJobs(),
      progress: Boolean(process.stderr.isTTY) && argv.format === "text",
      failOn: argv["fail-on"],
    },
    {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      readStdin,
    },
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dfmod: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
