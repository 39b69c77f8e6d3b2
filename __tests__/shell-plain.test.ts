/**
 * Plain scripts (src/engine/shell.ts simpleScript): RUN bodies of plain words joined by `&&`, `||`
 * and `;` are read without the parser. What they give must be exactly what the parser gives, on
 * both backends: every such RUN of the fixtures and examples, and generated scripts built from
 * the characters and words where tree-sitter-bash has quirks (`==`, `%` or `@` in a command's
 * name, a leading `-`, keywords, assignments, numbers).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { simpleScript } from "../src/engine/shell";

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist", "src");

/** The RUN bodies (logical text) of every Dockerfile of the fixtures and examples. */
function runBodies(): string[] {
  const { Dockerfile } = require(
    path.join(dist, "engine", "dockerfile.js"),
  ) as typeof import("../src/engine/dockerfile");
  const bodies = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/Dockerfile|Containerfile/.test(e.name)) {
        let file;
        try {
          file = new Dockerfile(fs.readFileSync(full, "utf8"));
        } catch {
          continue;
        }
        for (const i of file.instructions)
          if (i.keyword === "RUN" && !i.heredoc && !i.isJson && i.args.length > 0)
            bodies.add(i.logical.slice(i.argsStart));
      }
    }
  };
  walk(path.join(__dirname, "fixtures"));
  walk(path.join(root, "examples"));
  return [...bodies];
}

/** Seeded scripts of words (common ones, keywords, odd ones, random runs of the plain characters) and operators. */
function generated(count: number): string[] {
  const common = [
    "apk",
    "add",
    "--no-cache",
    "gcc",
    "pip",
    "install",
    "-r",
    "requirements.txt",
    "/var/lib/apt/lists/*",
  ];
  const odd = [
    "a=b",
    "x==1.0",
    "==",
    "=",
    "=a",
    "if",
    "then",
    "done",
    "in",
    "export",
    "unset",
    "unsetenv",
    "declare",
    "time",
    "!",
    "-",
    "--opt=a=b",
  ];
  const numbers = ["0", "007", "-1", "1.5", "1e5", "3"];
  const ops = [" && ", " || ", "; ", " ;", "&&", "||", ";", " & ", " | ", "  ", "\t"];
  const chars = "abcXYZ019_.,/:@%+=*-";
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pick = <T>(list: T[]): T => list[rand(list.length)]!;
  const word = (): string => {
    const kind = rand(4);
    if (kind === 0) return pick(common);
    if (kind === 1) return pick(odd);
    if (kind === 2) return pick(numbers);
    let w = "";
    for (let i = 0, n = 1 + rand(5); i < n; i++) w += chars[rand(chars.length)];
    return w;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = rand(5) === 0 ? " " : "";
    const n = 1 + rand(8);
    for (let j = 0; j < n; j++) {
      s += j === 0 && rand(2) === 0 ? pick(["apk", "pip", "rm", "/opt/venv/bin/pip", "./run.sh", "uv"]) : word();
      if (j < n - 1) s += rand(10) < 7 ? " " : pick(ops);
    }
    out.push(s);
  }
  return out;
}

/** In a child process with the given backend: each script's plain reading and the parser's, where there is a plain one. */
function compare(backend: string, scripts: string[]): { backend: string; pairs: [string, string, string][] } {
  const list = path.join(fs.mkdtempSync(path.join(require("node:os").tmpdir(), "dfmod-plain-")), "scripts.json");
  fs.writeFileSync(list, JSON.stringify(scripts));
  const child = `
    const { initShell, shellBackend, simpleScript, parseUncached } = require(${JSON.stringify(path.join(dist, "engine", "shell.js"))});
    const fs = require("node:fs");
    initShell().then(() => {
      const pairs = [];
      for (const s of JSON.parse(fs.readFileSync(process.argv[1], "utf8"))) {
        const plain = simpleScript(s);
        if (plain) pairs.push([s, JSON.stringify(plain), JSON.stringify(parseUncached(s))]);
      }
      fs.writeFileSync(process.argv[1] + ".out", JSON.stringify({ backend: shellBackend(), pairs }));
    });`;
  const env = { ...process.env, DFMOD_SHELL_PARSER: backend };
  const r = spawnSync(process.execPath, ["-e", child, list], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const out = JSON.parse(fs.readFileSync(`${list}.out`, "utf8")) as {
    backend: string;
    pairs: [string, string, string][];
  };
  fs.rmSync(path.dirname(list), { recursive: true, force: true });
  return out;
}

describe("plain scripts are read without the parser, as the parser reads them", () => {
  const bodies = runBodies();
  const scripts = [...bodies, ...generated(60000)];

  for (const backend of ["native", "wasm"]) {
    it(`gives exactly the ${backend} parser's reading (fixtures' and examples' RUNs, 60,000 generated scripts)`, () => {
      const { backend: used, pairs } = compare(backend, scripts);
      expect(used).toBe(backend);
      // Enough of both kinds to mean something: most fixture RUNs are plain, and so are thousands of the generated.
      expect(pairs.filter(([s]) => bodies.includes(s)).length).toBeGreaterThan(bodies.length / 2);
      expect(pairs.length).toBeGreaterThan(5000);
      const differ = pairs.filter(([, plain, parsed]) => plain !== parsed);
      expect(differ.slice(0, 5)).toEqual([]);
    });
  }

  it("leaves to the parser what is not plain", () => {
    for (const s of [
      'pip install "flask"',
      "echo $HOME",
      "A=1 make",
      "pip install x && unsetenv X",
      "unset X",
      "export PATH=/x:$PATH",
      "if true; then ls; fi",
      "ls | wc -l",
      "sleep 1 &",
      "make >log",
      "ls # comment",
      "test a == b",
      "- x",
      "c%0b",
      "Y@ x",
      "ls && ",
      "&& ls",
      "ls &&& ls",
      "ls ||| ls",
      "ls;;",
      "cmd\\ arg",
      "a\nb",
      "ls ~",
      "rm -rf /tmp/[a]",
      "",
      "  ",
    ])
      expect([s, simpleScript(s)]).toEqual([s, undefined]);
  });

  it("reads a chain with its operators and offsets", () => {
    expect(simpleScript(" apk add gcc && rm -rf /x/* || true;uv sync")).toEqual({
      base: 0,
      source: " apk add gcc && rm -rf /x/* || true;uv sync",
      hasError: false,
      commands: [
        expect.objectContaining({ start: 1, end: 12, topLevel: true }),
        expect.objectContaining({ start: 16, end: 27, topLevel: true }),
        expect.objectContaining({ start: 31, end: 35, topLevel: true }),
        expect.objectContaining({ start: 36, end: 43, topLevel: true }),
      ],
      items: [
        expect.objectContaining({ start: 1, end: 12, op: undefined }),
        expect.objectContaining({ start: 16, end: 27, op: "&&" }),
        expect.objectContaining({ start: 31, end: 35, op: "||" }),
        expect.objectContaining({ start: 36, end: 43, op: ";" }),
      ],
    });
    expect(simpleScript("rm -rf /x/*")!.commands[0]!.words.map((w) => [w.raw, w.text, w.start, w.end])).toEqual([
      ["rm", "rm", 0, 2],
      ["-rf", "-rf", 3, 6],
      ["/x/*", "/x/*", 7, 11],
    ]);
  });
});
