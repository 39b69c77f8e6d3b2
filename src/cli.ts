#!/usr/bin/env node
/** yargs -> options -> run() -> process.exitCode. */
import yargs from "yargs";
import { defaultOptions } from "./engine/types";
import { run, Mode } from "./run";
import { transforms as registry, transformById } from "../transforms";

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

/** yargs drops a lone "-" (stdin); it travels through the parser under this name. */
const STDIN = "\u0000stdin";

async function main(): Promise<number> {
  const args = process.argv.slice(2).map((a) => (a === "-" ? STDIN : a));
  const argv = await yargs(args)
    .scriptName("dfmod")
    .usage(
      "$0 [paths..]\n\nRewrites Dockerfiles. Prints a unified diff by default (a dry run); --write changes the files.\n" +
        "A folder is searched for Dockerfile, Containerfile, *.Dockerfile and Dockerfile.*; `-` reads standard input.",
    )
    .command("$0 [paths..]", "rewrite Dockerfiles (files, folders, or - for stdin; default: .)", (y) =>
      y.positional("paths", { type: "string", array: true }),
    )
    .command("list", "list the transforms, in pipeline order")
    .option("write", { alias: "w", type: "boolean", description: "write the changes into the files (atomically)" })
    .option("check", {
      alias: "c",
      type: "boolean",
      description: "exit 1 when a file would change, listing it; write nothing",
    })
    .option("stdout", { type: "boolean", description: "print the transformed file instead of a diff (one file)" })
    .option("format", { choices: ["text", "json"] as const, default: "text" as const, description: "output format" })
    .option("color", { type: "boolean", description: "colour the diff (default: when stdout is a terminal)" })
    .option("transforms", {
      alias: "t",
      type: "string",
      description: "run only these transforms (comma-separated ids)",
    })
    .option("skip", { type: "string", description: "leave these transforms out (comma-separated ids)" })
    .option("context", { type: "string", description: "build context folder (default: each Dockerfile's own folder)" })
    .option("uv-check", {
      choices: ["frozen", "locked"] as const,
      default: defaultOptions.uvCheck,
      description:
        "uv-sync: `uv sync --frozen` (install the lock as it is) or `--locked` (fail when it is out of date)",
    })
    .option("uv-version", {
      type: "string",
      default: defaultOptions.uvVersion,
      description: "uv-sync: uv image tag for `pip install uv` replacements",
    })
    .option("cache-mounts", {
      type: "boolean",
      default: defaultOptions.cacheMounts,
      description: "give dependency installs a BuildKit cache mount (--no-cache-mounts turns it off)",
    })
    .option("target-variant", {
      choices: ["slim-trixie", "trixie"] as const,
      default: defaultOptions.targetVariant,
      description: "alpine-to-trixie: slim images (default) or the full ones",
    })
    .option("all-stages", {
      type: "boolean",
      default: defaultOptions.allStages,
      description: "alpine-to-trixie: also migrate Alpine stages that install no Python dependencies",
    })
    .option("strict", {
      type: "boolean",
      default: defaultOptions.strict,
      description:
        "alpine-to-trixie: fail a file (exit 2, file untouched) on an Alpine package with no known Debian name",
    })
    .option("builder-stage-name", {
      type: "string",
      default: defaultOptions.builderStageName,
      description: "multi-stage: the name of the build stage",
    })
    .option("runtime-stage-name", {
      type: "string",
      description: "multi-stage: a name for the runtime stage (default: as it was)",
    })
    .conflicts("write", "check")
    .conflicts("write", "stdout")
    .conflicts("check", "stdout")
    .strict()
    .help()
    .version()
    .parse();

  if (argv._[0] === "list") {
    const width = Math.max(...registry.map((t) => t.id.length));
    process.stdout.write(registry.map((t) => `${t.id.padEnd(width)}  ${t.summary}\n`).join(""));
    return 0;
  }
  const wanted = list(argv.transforms);
  const skipped = list(argv.skip);
  for (const id of [...wanted, ...skipped]) {
    if (!transformById(id)) {
      process.stderr.write(`dfmod: unknown transform "${id}" (see \`dfmod list\`)\n`);
      return 2;
    }
  }
  const selected = registry.filter((t) => (wanted.length === 0 || wanted.includes(t.id)) && !skipped.includes(t.id));
  const mode: Mode = argv.write ? "write" : argv.check ? "check" : argv.stdout ? "stdout" : "diff";
  const given = (argv.paths as string[] | undefined) ?? [];
  const paths = given.length > 0 ? given.map((p) => (String(p) === STDIN ? "-" : String(p))) : ["."];
  return run(
    {
      paths,
      mode,
      format: argv.format,
      color: argv.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR),
      transforms: selected,
      context: argv.context,
      transformOptions: {
        uvCheck: argv["uv-check"],
        uvVersion: argv["uv-version"],
        cacheMounts: argv["cache-mounts"],
        targetVariant: argv["target-variant"],
        allStages: argv["all-stages"],
        strict: argv.strict,
        builderStageName: argv["builder-stage-name"],
        runtimeStageName: argv["runtime-stage-name"],
      },
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
