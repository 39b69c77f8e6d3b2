/**
 * The fast command-line reader (src/fast-args.ts) against yargs: on every line the fast reader
 * takes, both give the same options; every line it is unsure of goes to yargs.
 */
import fc from "fast-check";
import { initShell } from "../src/engine/shell";
import { fastArgs } from "../src/fast-args";
import { COMMAND_FLAGS, mainSpec, REPEATABLE, yargsArgs } from "../src/main";
import { transforms } from "../transforms";

const spec = mainSpec(transforms);
const commands = Object.keys(COMMAND_FLAGS);

// src/main.ts starts the shell parser on import: let it finish before the test environment goes.
afterAll(() => initShell());
// yargs' usage errors for the generated lines are expected: not shown.
beforeAll(() => jest.spyOn(process.stderr, "write").mockImplementation(() => true));
afterAll(() => jest.restoreAllMocks());

/**
 * The options a command line sets, by their names in the spec (yargs adds aliases and camelCase
 * keys). The words after `--` as strings: yargs makes numbers of some, and dfmod reads them with String.
 */
function options(argv: Record<string, unknown>): Record<string, unknown> {
  const keys = ["_", "--", "paths", ...Object.keys(spec)];
  const read = Object.fromEntries(keys.filter((k) => argv[k] !== undefined).map((k) => [k, argv[k]]));
  if (Array.isArray(read["--"])) read["--"] = read["--"].map(String);
  return read;
}

async function bothReaders(args: string[]): Promise<{ fast: unknown; slow: unknown }> {
  const fast = fastArgs(args, spec, REPEATABLE, commands);
  const slow = await yargsArgs(args, transforms);
  return {
    fast: fast && options(fast),
    slow: typeof slow === "number" ? slow : options(slow as unknown as Record<string, unknown>),
  };
}

const taken: string[][] = [
  [],
  ["Dockerfile"],
  ["--check", "Dockerfile"],
  ["-c", "a/Dockerfile", "b/Dockerfile"],
  ["--write", "."],
  ["-w", "--quiet", "services"],
  ["--format", "json", "--check", "."],
  ["--format=sarif", "."],
  ["--jobs", "4", "."],
  ["-j", "1", "."],
  ["--ignore", "a/**", "--ignore", "b", "."],
  ["-t", "uv-sync,copy-order", "--skip", "dockerignore"],
  ["--transforms", "uv-sync", "-t", "multi-stage"],
  ["--fail-on", "warning", "--check"],
  ["--no-cache-mounts", "Dockerfile"],
  ["--cache-mounts", "Dockerfile"],
  ["--no-color", "--stdout", "Dockerfile"],
  ["--color", "Dockerfile"],
  ["--python", "3.13", "--runtime", "distroless", "."],
  ["--package", "foo=bar", "--package", "baz=qux", "."],
  ["--uv-check", "locked", "--uv-version=0.9.1", "."],
  ["--context", "app", "app/Dockerfile"],
  ["--context", "", "Dockerfile"],
  ["--format", "text", "--format", "json", "."],
  ["--check", "--", "--odd-name", "-x"],
  ["--write", "--force", "\u0000stdin"],
  ["--split", "always", "--builder-stage-name", "build", "--runtime-stage-name", "final"],
  ["--write", "--commit-message", "msg.txt", "--pr-body", "\u0000stdin", "."],
];

test.each(taken.map((a) => [a.join(" ") || "(no arguments)", a]))(
  "the fast reader takes `%s` and reads it as yargs does",
  async (_name, args) => {
    const { fast, slow } = await bothReaders(args as string[]);
    expect(fast).toBeDefined();
    expect(fast).toEqual(slow);
  },
);

const left: string[][] = [
  ["--help"],
  ["-h"],
  ["--version"],
  ["list"],
  ["explain", "Dockerfile"],
  ["packages", "libpq-dev"],
  ["completion"],
  ["report", "a.json"],
  ["-q", "--", "list"],
  ["--", "Dockerfile", "explain"],
  ["--format", "json", "report", "a.json"],
  ["--wirte", "."],
  ["-wq", "."],
  ["--write", "--check", "."],
  ["--check", "--stdout", "Dockerfile"],
  ["--jobs", "two"],
  ["--jobs", "-1"],
  ["--format", "xml"],
  ["--write=true", "."],
  ["--write", "true"],
  ["--no-format"],
  ["--context", "--write"],
  ["--context"],
  ["--failOn", "warning"],
];

test.each(left.map((a) => [a.join(" "), a]))("the fast reader leaves `%s` to yargs", (_name, args) => {
  expect(fastArgs(args as string[], spec, REPEATABLE, commands)).toBeUndefined();
});

test("on generated command lines, whatever the fast reader takes, yargs reads the same", async () => {
  const token = fc.constantFrom(
    "--check",
    "-c",
    "--write",
    "-w",
    "--quiet",
    "-q",
    "--stdout",
    "--format",
    "json",
    "sarif",
    "--jobs",
    "2",
    "-j",
    "--ignore",
    "x/**",
    "--skip",
    "-t",
    "uv-sync",
    "--no-cache-mounts",
    "--cache-mounts",
    "--color",
    "--no-color",
    "--fail-on",
    "warning",
    "--python",
    "3.13",
    "--package",
    "a=b",
    "Dockerfile",
    "dir",
    "--",
    "-",
    "--force",
    "--split=always",
    "--all-stages",
    "true",
    "--commit-message",
    "report",
    "list",
  );
  let fastCount = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(token, { maxLength: 7 }), async (args) => {
      const { fast, slow } = await bothReaders(args);
      if (fast === undefined) return;
      fastCount++;
      expect(fast).toEqual(slow);
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
  );
  // The property is about the lines the fast reader takes: many of them must be among those tried.
  expect(fastCount).toBeGreaterThan(50);
});
