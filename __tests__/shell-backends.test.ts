/**
 * The shell parser's two backends (src/engine/shell-start.ts): the native addon, which dfmod uses
 * where it loads, and WebAssembly, used elsewhere. Both must read every RUN alike; dfmod's outputs
 * depend on nothing else of the parser.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist", "src");

/** Every Dockerfile of the fixtures and examples. */
function dockerfiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/Dockerfile|Containerfile/.test(e.name)) found.push(full);
    }
  };
  walk(path.join(__dirname, "fixtures"));
  walk(path.join(root, "examples"));
  return found.sort();
}

/** In a child process with the given backend: the backend's name and the shell view of every RUN. */
function readAll(backend: string, files: string[]): { backend: string; scripts: unknown[] } {
  const script = `
    const { initShell, shellBackend } = require(${JSON.stringify(path.join(dist, "engine", "shell.js"))});
    const { Dockerfile } = require(${JSON.stringify(path.join(dist, "engine", "dockerfile.js"))});
    const fs = require("node:fs");
    initShell().then(() => {
      const scripts = [];
      for (const file of JSON.parse(process.argv[1])) {
        let df;
        try { df = new Dockerfile(fs.readFileSync(file, "utf8")); } catch { continue; }
        for (const i of df.instructions) { const s = i.shell(); if (s) scripts.push({ file, line: i.line, s }); }
      }
      process.stdout.write(JSON.stringify({ backend: shellBackend(), scripts }));
    });`;
  const env = { ...process.env, DFMOD_SHELL_PARSER: backend };
  const r = spawnSync(process.execPath, ["-e", script, JSON.stringify(files)], {
    encoding: "utf8",
    env,
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const prebuilt = ["tree-sitter/prebuilds", "tree-sitter-bash/prebuilds"].every((p) =>
  fs.existsSync(path.join(root, "node_modules", p, `${process.platform}-${process.arch}`)),
);

test("where the addons have a prebuilt binary, dfmod parses with the native parser; DFMOD_SHELL_PARSER=wasm chooses WebAssembly", () => {
  expect(readAll("wasm", []).backend).toBe("wasm");
  expect(readAll("", []).backend).toBe(prebuilt ? "native" : "wasm");
});

/** The temporary folders of this file, removed after its tests. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** RUNs the fixtures lack: non-ASCII words, CRLF, a body longer than the native reader's 32 KB chunk. */
function oddOnes(): string[] {
  const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "dfmod-shell-"));
  made.push(dir);
  const long = Array.from({ length: 3000 }, (_, i) => `echo "ünïcödé ${i}" > /tmp/f${i}`).join(" && \\\n  ");
  const files: [string, string][] = [
    ["unicode.Dockerfile", 'FROM debian\nRUN echo "héllo wörld 🐳" && apt-get install -y ca-certificates # ünï\n'],
    ["crlf.Dockerfile", "FROM debian\r\nRUN apt-get update \\\r\n  && apt-get install -y curl\r\n"],
    ["long.Dockerfile", `FROM debian\nRUN ${long}\n`],
  ];
  return files.map(([name, text]) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  });
}

test("both backends read every RUN of the fixtures and examples alike", () => {
  const files = [...dockerfiles(), ...oddOnes()];
  expect(files.length).toBeGreaterThan(300);
  const wasm = readAll("wasm", files);
  const native = readAll("native", files);
  expect(wasm.scripts.length).toBeGreaterThan(500);
  expect(native.scripts).toEqual(wasm.scripts);
});

test("a second copy of tree-sitter's JavaScript in one process (jest's per-file module registry) does not load: WebAssembly is used", () => {
  const start = path.join(dist, "engine", "shell-start.js");
  const script = `
    const first = require(${JSON.stringify(start)}).startShellParser();
    const firstLoads = first.kind === "native" && first.load() !== undefined;
    // A fresh module registry: every module evaluated again, the addons' classes kept.
    for (const key of Object.keys(require.cache)) if (!key.endsWith(".node")) delete require.cache[key];
    delete globalThis[Symbol.for("dfmod.shell-parser")];
    const second = require(${JSON.stringify(start)}).startShellParser();
    const secondLoads = second.kind === "native" && second.load() !== undefined;
    process.stdout.write(firstLoads + " " + secondLoads);`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  expect([r.status, r.stdout]).toEqual([0, prebuilt ? "true false" : "false false"]);
});

/**
 * The dfmod command in a child process (its launcher, dist/src/cli.js), with `before` run first;
 * prints the run's output, then the tree-sitter modules it loaded.
 */
function cliRun(
  before: string,
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const cli = path.join(dist, "cli.js");
  const script = `${before}
    process.argv = [process.execPath, ${JSON.stringify(cli)}, ...${JSON.stringify(args)}];
    process.on("exit", () => process.stderr.write("\\nloaded:" + JSON.stringify(Object.keys(require.cache).filter((k) => /tree-sitter/.test(k)).map((k) => path.basename(k)))));
    require(${JSON.stringify(cli)});`;
  const r = spawnSync(process.execPath, ["-e", `const path = require("node:path");${script}`], {
    encoding: "utf8",
    input,
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "1", DFMOD_SHELL_PARSER: "" },
  });
  const [stderr, loaded] = r.stderr.split("\nloaded:");
  return { status: r.status, stdout: r.stdout, stderr: stderr!, loaded: JSON.parse(loaded ?? "null") };
}

describe("the native parser is loaded when a script first needs it", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "dfmod-lazy-"));
    fs.writeFileSync(
      path.join(dir, "plain.Dockerfile"),
      "FROM python:3.12-alpine\nRUN apk add --no-cache gcc musl-dev && pip install -r requirements.txt\n",
    );
    fs.writeFileSync(
      path.join(dir, "shell.Dockerfile"),
      'FROM python:3.12-alpine\nRUN apk add --no-cache gcc && if [ -f x ]; then echo "$HOME" > /tmp/y; fi\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a run whose RUNs are all plain commands never loads it; one with shell syntax does", () => {
    const plain = cliRun("", ["--stdout", path.join(dir, "plain.Dockerfile")]);
    expect([plain.status, plain.stdout]).toEqual([0, expect.stringContaining("apt-get install")]);
    expect(plain.loaded).toEqual([]);
    const shell = cliRun("", ["--stdout", path.join(dir, "shell.Dockerfile")]);
    expect([shell.status, shell.stdout]).toEqual([0, expect.stringContaining("then echo")]);
    expect(shell.loaded.length > 0).toBe(prebuilt);
  });

  test("an addon that is installed but does not load: the file is read again with WebAssembly, with the same output", () => {
    // The start the launcher would make where the addon's files are there, with a load that fails.
    const failing = `globalThis[Symbol.for("dfmod.shell-parser")] = { kind: "native", load: () => undefined };`;
    for (const name of ["shell.Dockerfile", "plain.Dockerfile"]) {
      const file = path.join(dir, name);
      const expected = cliRun("", ["--stdout", file]);
      const got = cliRun(failing, ["--stdout", file]);
      expect([got.status, got.stdout, got.stderr]).toEqual([expected.status, expected.stdout, expected.stderr]);
      expect(got.loaded).not.toContain("tree-sitter-bash.node");
      // Standard input goes the same way.
      const fromStdin = cliRun(failing, ["--stdout", "-"], fs.readFileSync(file, "utf8"));
      expect([fromStdin.status, fromStdin.stdout]).toEqual([0, expected.stdout]);
    }
  });
});

test("a worker thread parses with WebAssembly (as dfmod's workers start it), reading as the main thread does", () => {
  const shell = path.join(dist, "engine", "shell.js");
  const body = 'apk add --no-cache gcc && pip install -r requirements.txt; echo "é" > /x 2>&1';
  const read = `
    const { initShell, parseShell, shellBackend } = require(${JSON.stringify(shell)});
    const read = (prefer) => initShell(prefer).then(() => [shellBackend(), parseShell(${JSON.stringify(body)})]);`;
  const script = `${read}
    const { Worker } = require("node:worker_threads");
    read().then((main) => {
      const worker = new Worker(${JSON.stringify(`${read}
 read("wasm").then((r) => require("node:worker_threads").parentPort.postMessage(r));`)}, { eval: true });
      worker.once("message", (inWorker) => {
        process.stdout.write(JSON.stringify([main, inWorker]));
        void worker.terminate();
      });
    });`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20000 });
  expect([r.status, r.stderr]).toEqual([0, ""]);
  const [main, inWorker] = JSON.parse(r.stdout);
  expect(main[0]).toBe(prebuilt ? "native" : "wasm");
  expect(inWorker).toEqual(["wasm", main[1]]);
});

test("WebAssembly parses do not grow V8's malloced memory (dynamic tiering's bookkeeping did, ~10 KB a parse on Node 24)", () => {
  const shell = path.join(dist, "engine", "shell.js");
  const script = `
    const { initShell, parseShell } = require(${JSON.stringify(shell)});
    initShell().then(() => {
      const v8 = require("node:v8");
      const before = v8.getHeapStatistics().malloced_memory;
      for (let i = 0; i < 6000; i++) parseShell("apk add --no-cache gcc pkg" + i + " && pip install -r requirements.txt | tee /x" + i);
      process.stdout.write(String(Math.round((v8.getHeapStatistics().malloced_memory - before) / 1e6)));
    });`;
  const r = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    env: { ...process.env, DFMOD_SHELL_PARSER: "wasm" },
    timeout: 60000,
  });
  expect([r.status, r.stderr]).toEqual([0, ""]);
  expect(Number(r.stdout)).toBeLessThan(16);
});
