/**
 * Property tests over generated and mutated Dockerfiles (fast-check). For every input, the whole
 * pipeline either gives a result or fails with a DockerfileError (a file error, never a crash);
 * its output parses; a second run changes nothing; comments that belong to no instruction
 * survive, and so do, byte for byte, instructions no transform edits. FUZZ_RUNS sets the number of runs (npm test: a bounded number; npm run fuzz: many).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { Dockerfile, DockerfileError } from "../src/engine/dockerfile";
import { runPipeline } from "../src/engine/pipeline";
import { initShell } from "../src/engine/shell";
import { readSource, writeSource } from "../src/engine/source";
import { defaultOptions } from "../transforms";
import { transforms } from "../transforms";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

beforeAll(async () => {
  await initShell();
});

const WORDS = [
  "python:3.12-alpine",
  "python:3.12-slim",
  "alpine:3.20",
  "node:22-alpine",
  "golang:1.26-alpine",
  "scratch",
  "${BASE}",
  "AS",
  "builder",
  ".",
  "./",
  "/app",
  "requirements.txt",
  "pyproject.toml",
  "uv.lock",
  "pip",
  "pip3",
  "install",
  "-r",
  "-e",
  "--system",
  "--no-cache",
  "--upgrade",
  "uv",
  "sync",
  "--frozen",
  "--no-install-project",
  "poetry",
  "apk",
  "add",
  "del",
  "update",
  "--virtual",
  ".build-deps",
  "gcc",
  "musl-dev",
  "postgresql-dev",
  "libpq",
  "cargo",
  "rust",
  "curl",
  "&&",
  "||",
  ";",
  "|",
  "'quoted str'",
  '"dq $VAR"',
  "--from=builder",
  "--from=ghcr.io/astral-sh/uv:0.12.5",
  "--chown=app:app",
  "--mount=type=cache,target=/root/.cache/uv",
  "--mount=type=cache,target=/var/cache/apk",
  "adduser",
  "addgroup",
  "-S",
  "-D",
  "-G",
  "app",
  "chown",
  "-R",
  "python",
  "-m",
  "venv",
  ".venv",
  "/sbin/tini",
  "su-exec",
  "[",
  "]",
  "if",
  "then",
  "fi",
  "$(cat x)",
  "sqlite>3.38",
  '["python", "app.py"]',
  "PATH=/app/.venv/bin:$PATH",
  "UV_NO_CACHE=1",
  "apt-get",
  "-y",
  "purge",
  "useradd",
  "wget",
];
const KEYWORDS = [
  "FROM",
  "RUN",
  "COPY",
  "ADD",
  "ENV",
  "ARG",
  "WORKDIR",
  "USER",
  "CMD",
  "ENTRYPOINT",
  "EXPOSE",
  "HEALTHCHECK",
  "SHELL",
  "from",
  "Run",
  "copy",
];

const word = fc.constantFrom(...WORDS);
const instruction = fc
  .tuple(
    fc.constantFrom("", "", "", "  ", "\t"),
    fc.constantFrom(...KEYWORDS),
    fc.array(word, { maxLength: 9 }),
    fc.integer({ min: 0, max: 9 }),
  )
  .map(([indent, keyword, words, cut]) => {
    // Sometimes a continuation in the middle, sometimes a comment line inside it.
    if (words.length > 3 && cut < 3) {
      const at = 1 + (cut % (words.length - 1));
      const inner = cut === 0 ? "\n    # a comment inside the continuation" : "";
      return `${indent}${keyword} ${words.slice(0, at).join(" ")} \\${inner}\n    ${words.slice(at).join(" ")}`;
    }
    return `${indent}${keyword} ${words.join(" ")}`;
  });
const line = fc.oneof(
  { weight: 8, arbitrary: instruction },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom("# a comment", "#", "# syntax=docker/dockerfile:1") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("RUN <<EOF\napk add gcc\nEOF", "RUN echo a \\", "RUN echo b \\\n\nCOPY . ."),
  },
);
const generated = fc
  .tuple(
    fc.constantFrom(
      "FROM python:3.12-alpine",
      "FROM python:3.12-slim",
      "ARG BASE=python:3.12-alpine\nFROM ${BASE}",
      "# escape=`\nFROM python:3.12-alpine",
    ),
    fc.array(line, { maxLength: 25 }),
    fc.constantFrom("\n", "\r\n"),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([first, lines, eol, bom, finalNewline]) => {
    const text = [first, ...lines].join("\n").replace(/\n/g, eol);
    return (bom ? "\uFEFF" : "") + text + (finalNewline ? eol : "");
  });

const fixtureInputs = (() => {
  const root = path.join(__dirname, "fixtures");
  const out: string[] = [];
  for (const dir of fs.readdirSync(root)) {
    const full = path.join(root, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full))
      if (f.endsWith("Dockerfile") && !f.endsWith(".output.Dockerfile"))
        out.push(fs.readFileSync(path.join(full, f), "utf8"));
  }
  return out;
})();

/** A real input, cut at any byte or with words put in anywhere. */
const mutated = fc
  .tuple(
    fc.constantFrom(...fixtureInputs),
    fc.nat(),
    fc.array(fc.tuple(fc.nat(), word), { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([text, cut, inserts, truncate]) => {
    let out = truncate ? text.slice(0, cut % (text.length + 1)) : text;
    for (const [at, w] of inserts) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + " " + w + " " + out.slice(i);
    }
    return out;
  });

/**
 * A generated or fixture Dockerfile with comment lines, blank lines and whitespace-only lines put
 * in after lines that end with the escape character: inside continuations, where Docker drops them
 * without ending the instruction.
 */
const continuationNoise = fc
  .tuple(
    fc.oneof(generated, fc.constantFrom(...fixtureInputs)),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("    # a note", "# x \\", "#", "", "   ", "\t")), {
      minLength: 1,
      maxLength: 6,
    }),
  )
  .map(([text, inserts]) => {
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    const lines = text.split(/\r?\n/);
    const escape = /^\uFEFF?#[ \t]*escape[ \t]*=[ \t]*`/.test(text) ? "`" : "\\";
    const continued = lines.flatMap((l, i) => (l.trimEnd().endsWith(escape) ? [i] : []));
    if (continued.length === 0) return text;
    const at = inserts
      .map(([n, noise]) => [continued[n % continued.length]!, noise] as const)
      .sort((a, b) => b[0] - a[0]);
    for (const [i, noise] of at) lines.splice(i + 1, 0, noise);
    return lines.join(eol);
  });

function pipeline(raw: string): string {
  const source = readSource(raw);
  return writeSource(
    source,
    runPipeline(source.text, source.eol, transforms, {
      path: "Dockerfile",
      context: undefined,
      options: defaultOptions,
    }).output,
  );
}

function astKeywords(text: string): string[] {
  const { DockerfileParser } = require("dockerfile-ast") as typeof import("dockerfile-ast");
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((i) => i.getKeyword());
}

/** Comment lines with a blank line (or the file's start or end) on both sides belong to no instruction. */
function freeComments(raw: string): string[] {
  const lines = raw.replace(/^\uFEFF/, "").split(/\r?\n/);
  const file = (() => {
    try {
      return new Dockerfile(raw.replace(/^\uFEFF/, ""));
    } catch {
      return undefined;
    }
  })();
  if (!file) return [];
  const inside = new Set<number>();
  for (const i of file.instructions) for (let l = i.line; l <= i.endLine; l++) inside.add(l);
  return lines.filter(
    (l, i) =>
      /^\s*#/.test(l) &&
      !inside.has(i + 1) &&
      (i === 0 || lines[i - 1]!.trim() === "") &&
      (i === lines.length - 1 || lines[i + 1]!.trim() === "") &&
      i > 0,
  );
}

function check(raw: string): void {
  let output: string;
  try {
    output = pipeline(raw);
  } catch (err) {
    if (err instanceof DockerfileError) return; // a file error, reported with its line
    throw err;
  }
  // The output parses (the pipeline re-parses after each transform; this is the final check).
  expect(() => new Dockerfile(readSource(output).text)).not.toThrow();
  // Docker's split of the output (dockerfile-ast, which shares no code with dfmod) is the engine's:
  // the guard held every transform to the instructions it meant, by the engine's own scanner.
  const text = readSource(output).text;
  expect(astKeywords(text)).toEqual(new Dockerfile(text).instructions.map((i) => i.keyword));
  // A second run changes nothing.
  expect(pipeline(output)).toBe(output);
  // Instructions no transform edits (LABEL, EXPOSE, VOLUME, STOPSIGNAL) are in the output byte for byte
  // (multi-stage may move them, never change them).
  const untouched = (() => {
    try {
      const f = new Dockerfile(raw.replace(/^\uFEFF/, ""));
      return f.instructions
        .filter((i) => ["LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL"].includes(i.keyword))
        .map((i) => f.text.slice(i.start, i.end));
    } catch {
      return [];
    }
  })();
  for (const text of untouched)
    expect({ instruction: text, kept: output.includes(text) }).toEqual({ instruction: text, kept: true });
  // Comments that belong to no instruction survive, in order.
  const kept = output.split(/\r?\n/);
  let at = 0;
  for (const c of freeComments(raw)) {
    const found = kept.indexOf(c, at);
    expect({ comment: c, kept: found !== -1 }).toEqual({ comment: c, kept: true });
    at = found + 1;
  }
}

/** Counterexamples fast-check found once; they stay as fixed examples. */
const FOUND: string[] = [
  // copy-order only saw the chown after multi-stage had moved the user creation up (fixed point).
  "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN chown -R app:app /app && echo done\nRUN useradd app\nUSER app\n",
  // An empty `apk add` after a continuation with comments: two edits on one line break.
  "FROM python:3.11-alpine3.19\nRUN apk add --no-cache \\\n        # compilers for the C extensions\n        build-base \\\n        libffi-dev \\\n    # the database client library, needed at run time\n    && apk add",
  // A redirection of a whole && list is not its first command's.
  "FROM python:3.12-alpine\nRUN apk update && apk upgrade && sqlite>3.38  apk add git && pip install -r requirements.txt\n",
  // An emptied `apk add` that takes the whole RUN, whose apk cache mount is also removed.
  "FROM python:3.12-alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add",
  // `pip install uv` as the last line without a final newline, right after FROM.
  "FROM /app  python:3.12-alpine@sha256:4a1c1c1ebf7e3f1f8a1d7e0b9b1e8f3c1a2b3c4d5e6f708192a3b4c5d6e7f809\nRUN pip install uv  --no-cache-dir",
];

test.each(FOUND.map((f, i) => [i, f]))("counterexample %i found by fuzzing", (_i, text) => {
  check(text as string);
});

test("generated Dockerfiles: no crash, output parses, idempotent, free comments kept", () => {
  fc.assert(fc.property(generated, check), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 42) });
});

test("mutated fixtures (truncated at any byte, words put in): the same properties", () => {
  fc.assert(fc.property(mutated, check), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 7) });
});

test("comment, blank and whitespace-only lines inside continuations: the same properties", () => {
  fc.assert(fc.property(continuationNoise, check), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 13) });
});

describe("the scanner finds the instructions dockerfile-ast finds", () => {
  const { DockerfileParser } = require("dockerfile-ast") as typeof import("dockerfile-ast");
  const { scan } = require("../src/engine/scan") as typeof import("../src/engine/scan");
  const { lineStarts } = require("../src/engine/source") as typeof import("../src/engine/source");
  const both = (text: string) => {
    const starts = lineStarts(text);
    const at = (p: { line: number; character: number }) =>
      Math.min((starts[p.line] ?? text.length) + p.character, text.length);
    const ast = DockerfileParser.parse(text);
    const expected = {
      escape: ast.getEscapeCharacter(),
      instructions: ast
        .getInstructions()
        .map((n) => [n.getInstruction(), at(n.getInstructionRange().start), at(n.getRange().end)]),
    };
    const s = scan(text);
    const actual = { escape: s.escape, instructions: s.instructions.map((i) => [i.keywordText, i.start, i.end]) };
    return { expected, actual };
  };
  test("on generated and mutated Dockerfiles", () => {
    fc.assert(
      fc.property(fc.oneof(generated, mutated), (raw) => {
        // A malformed escape directive (`# escape python =\``): BuildKit does not take it, or fails
        // on it; dockerfile-ast guesses. The scanner follows BuildKit, so these are not compared.
        const firstLine = raw.replace(/^\uFEFF/, "").split(/\r?\n/)[0]!;
        fc.pre(!/^#\s*escape/i.test(firstLine) || /^#[ \t]*escape[ \t]*=[ \t]*[`\\][ \t]*$/i.test(firstLine));
        // An instruction whose first line is only an escape: BuildKit joins it to the lines after it
        // (one unknown instruction); dockerfile-ast makes two. The scanner follows BuildKit.
        fc.pre(!startsWithEscapeOnlyLine(raw));
        const { expected, actual } = both(raw.replace(/^\uFEFF/, ""));
        expect(actual).toEqual(expected);
      }),
      { numRuns: RUNS * 2, seed: Number(process.env.FUZZ_SEED ?? 11) },
    );
  });
});

/** Whether a line holding only `\` or `` ` `` starts an instruction (the line before it does not continue). */
function startsWithEscapeOnlyLine(raw: string): boolean {
  const lines = raw.split(/\r?\n/);
  return lines.some((line, i) => /^[ \t]*[\\`][ \t]*$/.test(line) && (i === 0 || !/[\\`][ \t]*$/.test(lines[i - 1]!)));
}
