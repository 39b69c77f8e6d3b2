#!/usr/bin/env node
/**
 * The dfmod command. It starts the shell parser (src/engine/shell-start.ts), then loads the
 * command line's bundle (dist/src/dfmod.js: src/main.ts and what it imports, one script, built by
 * scripts/bundle.js) through V8's code cache, so that a one-file run (a pre-commit hook's) spends
 * its time on the file rather than on compiling dfmod. The cache is made after a run, so it holds
 * the functions the run compiled (Node's own module compile cache, on Node 22+, holds only the top
 * level, and a one-file run would still compile most of dfmod). It is kept where Node keeps its
 * own (`$NODE_COMPILE_CACHE`, else `<tmpdir>/node-compile-cache`), one file per Node version and
 * bundle (writing one removes those of earlier builds of the same bundle file, by device and inode);
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off. A cache that cannot be read or written is
 * ignored.
 */
import fs = require("node:fs");
import path = require("node:path");
import { startShellParser, v8FlagsSet } from "./engine/shell-start";

// First: the shell parser (native, or its WebAssembly compiling on other threads while the bundle
// loads); this also sets the V8 flags, which must not change between a code cache's making and its use.
startShellParser();

const bundle = path.join(__dirname, "dfmod.js");

/** The bundle compiled with V8's code cache, which is written after a run that had none. */
function loadWithCodeCache(file: string): void {
  const vm = require("node:vm") as typeof import("node:vm");
  const os = require("node:os") as typeof import("node:os");
  // The bundle is ASCII (esbuild escapes the rest): latin1 reads it without UTF-8 decoding.
  const source = fs.readFileSync(file, "latin1");
  const stat = fs.statSync(file);
  const dir = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), "node-compile-cache");
  // The bundle file's identity: device and inode (an inode number is unique only on its device).
  const id = `${stat.dev}-${stat.ino}`;
  const prefix = `dfmod-${process.version}-${process.arch}-`;
  const key = `${prefix}${stat.size}-${Math.floor(stat.mtimeMs)}-${id}.v8cache`;
  const cacheFile = path.join(dir, key);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // Node's own module wrapper (node:module is not loaded for it: ~0.4 ms).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const flagsAtCompile = v8FlagsSet();
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written at exit: the cache then holds the functions this run compiled, not only the top level.
    process.once("exit", () => {
      // Not after a run of many files changed V8's flags: V8 would reject the cache under the old ones.
      if (v8FlagsSet() !== flagsAtCompile) return;
      try {
        fs.mkdirSync(dir, { recursive: true });
        const temp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temp, script.createCachedData());
        fs.renameSync(temp, cacheFile);
        // Caches of earlier builds of this same bundle file (same device and inode, other size or time) go.
        for (const name of fs.readdirSync(dir))
          if (name.startsWith(prefix) && name.endsWith(`-${id}.v8cache`) && name !== key)
            fs.rmSync(path.join(dir, name), { force: true });
      } catch {
        // No cache this time.
      }
    });
  }
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const mod = { exports: {}, filename: file, id: file };
  // The bundle is in this script's folder: this script's require resolves what it requires alike.
  wrapper.call(mod.exports, mod.exports, require, mod, file, path.dirname(file));
}

if (process.env.NODE_DISABLE_COMPILE_CACHE) require(bundle);
else loadWithCodeCache(bundle);
