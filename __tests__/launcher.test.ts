/**
 * The dfmod command's launcher (src/cli.ts): the bundle through a compile cache, and the shell
 * parser's WebAssembly compiled before the bundle loads.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const cli = path.join(root, "dist", "src", "cli.js");
const example = path.join(root, "examples", "uv-service", "Dockerfile");

function dfmod(env: Record<string, string>) {
  const base = { ...process.env };
  delete base.NODE_DISABLE_COMPILE_CACHE;
  delete base.NODE_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [cli, "--stdout", example], { encoding: "utf8", env: { ...base, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` with its modification time. */
function listing(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) {
      const full = path.join(e.parentPath, e.name);
      out[path.relative(dir, full)] = fs.statSync(full).mtimeMs;
    }
  return out;
}

let cache: string;
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-compile-cache-"));
});
afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

test("the first run fills the compile cache, the next one uses it as it is, and the output is the same", () => {
  const first = dfmod({ NODE_COMPILE_CACHE: cache });
  expect(first.status).toBe(0);
  const filled = listing(cache);
  expect(Object.keys(filled).length).toBeGreaterThan(0);
  const second = dfmod({ NODE_COMPILE_CACHE: cache });
  expect(second).toEqual(first);
  // Node 20's V8 code cache is written again only when V8 rejects it (made under other flags).
  const ours = Object.keys(filled).filter((f) => f.endsWith(".v8cache"));
  const after = listing(cache);
  for (const f of ours) expect(after[f]).toBe(filled[f]);
  expect(first.stdout).toContain("FROM python:3.12-slim-trixie AS builder");
});

test("NODE_DISABLE_COMPILE_CACHE turns the cache off, with the same output", () => {
  const uncached = dfmod({ NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: "1" });
  expect(listing(cache)).toEqual({});
  expect(uncached).toEqual(dfmod({ NODE_COMPILE_CACHE: path.join(cache, "other") }));
});

test("a cache folder that cannot be written is no error", () => {
  const file = path.join(cache, "not-a-folder");
  fs.writeFileSync(file, "");
  const r = dfmod({ NODE_COMPILE_CACHE: file });
  expect([r.status, r.stderr]).toEqual([0, dfmod({ NODE_DISABLE_COMPILE_CACHE: "1" }).stderr]);
});

test("a run of 200 files or more sets dfmod's V8 flags and writes no code cache (V8 would reject it under the old flags); a one-file run then does", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-many-"));
  try {
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, `svc${i}.Dockerfile`), "FROM debian:trixie-slim\n");
    const base: NodeJS.ProcessEnv = { ...process.env, NODE_COMPILE_CACHE: cache };
    delete base.NODE_DISABLE_COMPILE_CACHE;
    const many = spawnSync(process.execPath, [cli, "--check", "--jobs", "1", dir], { encoding: "utf8", env: base });
    expect([many.status, many.stderr]).toEqual([
      0,
      expect.stringContaining("200 files: 0 would change, 200 unchanged"),
    ]);
    expect(Object.keys(listing(cache)).filter((f) => f.endsWith(".v8cache"))).toEqual([]);
    expect(dfmod({ NODE_COMPILE_CACHE: cache }).status).toBe(0);
    expect(Object.keys(listing(cache)).filter((f) => f.endsWith(".v8cache"))).toHaveLength(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writing a code cache removes the caches of earlier builds of the same bundle file, not those of others", () => {
  const bundle = fs.statSync(path.join(root, "dist", "src", "dfmod.js"));
  const id = `${bundle.dev}-${bundle.ino}`;
  const prefix = `dfmod-${process.version}-${process.arch}`;
  const earlier = `${prefix}-1-1-${id}.v8cache`;
  const otherInstall = `${prefix}-1-1-${bundle.dev}-${bundle.ino + 1}.v8cache`;
  // The same inode number on another device is another file.
  const otherDevice = `${prefix}-1-1-${bundle.dev + 1}-${bundle.ino}.v8cache`;
  const otherNode = `dfmod-v0.0.0-${process.arch}-1-1-${id}.v8cache`;
  for (const name of [earlier, otherInstall, otherDevice, otherNode]) fs.writeFileSync(path.join(cache, name), "");
  expect(dfmod({ NODE_COMPILE_CACHE: cache }).status).toBe(0);
  const names = Object.keys(listing(cache));
  expect(names).not.toContain(earlier);
  expect(names).toEqual(expect.arrayContaining([otherInstall, otherDevice, otherNode]));
  expect(names.filter((n) => n.startsWith(prefix) && n.endsWith(`-${id}.v8cache`))).toHaveLength(1);
});

test("the shell parser's WebAssembly compile keeps the process alive until it is done (Node 24 would exit first)", () => {
  const start = path.join(root, "dist", "src", "engine", "shell-start.js");
  const r = spawnSync(
    process.execPath,
    ["-e", `require(${JSON.stringify(start)}).startShellParser().bash.then(() => console.log("compiled"))`],
    { encoding: "utf8", env: { ...process.env, DFMOD_SHELL_PARSER: "wasm" } },
  );
  expect([r.status, r.stdout]).toEqual([0, "compiled\n"]);
});

test("the bundles take Node's built-in modules as they are, without esbuild's ES-module wrapper (it copied every property of each at load)", () => {
  for (const name of ["dfmod.js", "worker.js"]) {
    const bundle = fs.readFileSync(path.join(root, "dist", "src", name), "latin1");
    expect(bundle).toContain('require("node:fs")');
    expect(bundle.match(/__toESM\(require\("node:[\w/]+"\)\)/g)).toBeNull();
  }
});
