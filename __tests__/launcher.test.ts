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

test("the shell parser's WebAssembly compile keeps the process alive until it is done (Node 24 would exit first)", () => {
  const start = path.join(root, "dist", "src", "engine", "shell-start.js");
  const r = spawnSync(
    process.execPath,
    ["-e", `require(${JSON.stringify(start)}).startShellParser().bash.then(() => console.log("compiled"))`],
    { encoding: "utf8", env: { ...process.env, DFMOD_SHELL_PARSER: "wasm" } },
  );
  expect([r.status, r.stdout]).toEqual([0, "compiled\n"]);
});
