/**
 * The shell parser's WebAssembly (tree-sitter's runtime and tree-sitter-bash), compiled once per
 * thread in the background. The dfmod command starts the compile before it loads the rest of
 * dfmod (src/cli.ts), so that both proceed at once; the modules reach src/engine/shell.ts through
 * a global, as the launcher and the bundle it loads are separate scripts.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { setFlagsFromString } from "node:v8";
import { isMainThread } from "node:worker_threads";

/** The part of the WebAssembly global used here (the project's type libraries do not declare it). */
interface Wasm {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<object>;
}
export type WasmModule = { readonly compiled: unique symbol };
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

export interface ShellWasm {
  runtime: Promise<WasmModule>;
  bash: Promise<WasmModule>;
}

const KEY = Symbol.for("dfmod.shell-wasm");

/**
 * The V8 flags dfmod runs with. Liftoff (V8's baseline WebAssembly compiler) only: with the
 * optimising tier, V8 compiles the parser again in the background, and the process cannot exit
 * until that is done (~0.5 s on a one-file run); parsing is ~25% slower, which a run never
 * notices. And every function compiled up front, on the compile's background threads: compiled
 * lazily, the first parse would compile the parser's functions on the main thread (~50 ms).
 * Flags are process-wide: set by the main thread, before any worker starts and before the
 * launcher compiles the bundle (V8's code cache is only taken under the flags it was made with).
 */
export function setV8Flags(): void {
  if (isMainThread) setFlagsFromString("--liftoff-only --no-wasm-lazy-compilation");
}

/**
 * A file of an installed package, found as Node finds the package (the node_modules folders from
 * here up) but without require.resolve, whose package-exports machinery costs a one-file run ~10 ms.
 */
function packageFile(name: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return require.resolve(name);
  }
}

function compile(file: string): Promise<WasmModule> {
  const p = wasm.compile(readFileSync(packageFile(file)));
  // A compile in progress does not keep Node's event loop alive (Node 24 exits with work still
  // waiting on it): a timer does, until the compile is done.
  const alive = setInterval(() => undefined, 60_000);
  p.then(
    () => clearInterval(alive),
    () => clearInterval(alive), // the error is reported where the module is awaited
  );
  return p;
}

/** Starts compiling both modules (once per thread); later calls get the same promises. */
export function compileShellWasm(): ShellWasm {
  const g = globalThis as unknown as Record<symbol, ShellWasm | undefined>;
  if (!g[KEY]) {
    setV8Flags();
    g[KEY] = {
      runtime: compile("web-tree-sitter/web-tree-sitter.wasm"),
      bash: compile("tree-sitter-bash/tree-sitter-bash.wasm"),
    };
  }
  return g[KEY];
}

export function instantiate(module: WasmModule, imports: object): Promise<object> {
  return wasm.instantiate(module, imports);
}
