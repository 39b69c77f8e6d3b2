#!/usr/bin/env node
/**
 * The dfmod command. It loads the command line's bundle (dist/src/dfmod.js: src/main.ts and what it
 * imports, one script, built by scripts/bundle.js) through a compile cache, so that a one-file run
 * (a pre-commit hook's) spends its time on the file rather than on compiling dfmod:
 * - Node 22 and later: Node's own module compile cache (`module.enableCompileCache()`);
 * - Node 20: V8's code cache for the bundle, kept in the same folder (by default
 *   `<tmpdir>/node-compile-cache`, or $NODE_COMPILE_CACHE), one file per Node version and bundle.
 * NODE_DISABLE_COMPILE_CACHE=1 turns both off. A cache that cannot be read or written is ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Module = require("node:module");
import { compileShellWasm } from "./engine/wasm";

// First: the shell parser's WebAssembly compiles on other threads while the bundle loads (this also
// sets the V8 flags, which must not change between a code cache's making and its use).
compileShellWasm();

const bundle = path.join(__dirname, "dfmod.js");

type Cached = typeof Module & { enableCompileCache?: (dir?: string) => unknown };

/** Node 20: the bundle compiled with V8's code cache, which is written after the first run. */
function loadWithCodeCache(file: string): void {
  const vm = require("node:vm") as typeof import("node:vm");
  const os = require("node:os") as typeof import("node:os");
  const source = fs.readFileSync(file, "utf8");
  const stat = fs.statSync(file);
  const dir = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), "node-compile-cache");
  const key = `dfmod-${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}-${stat.ino}.v8cache`;
  const cacheFile = path.join(dir, key);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written at exit: the cache then holds the functions this run compiled, not only the top level.
    process.once("exit", () => {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const temp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temp, script.createCachedData());
        fs.renameSync(temp, cacheFile);
      } catch {
        // No cache this time.
      }
    });
  }
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const mod = { exports: {}, filename: file, id: file };
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

const cache = Module as Cached;
if (process.env.NODE_DISABLE_COMPILE_CACHE) require(bundle);
else if (cache.enableCompileCache) {
  cache.enableCompileCache();
  require(bundle);
} else loadWithCodeCache(bundle);
