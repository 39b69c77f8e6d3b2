/**
 * The shell parser (tree-sitter with tree-sitter-bash), started once per thread:
 * - native: the `tree-sitter` package's prebuilt addon (an optional dependency, with prebuilds for
 *   Linux, macOS and Windows on x64 and arm64) and tree-sitter-bash's own; ~4 ms to load, done
 *   when the first script needs it (most RUNs are plain commands that src/engine/shell.ts reads
 *   without the parser, so a one-file run often never loads it);
 * - else WebAssembly (web-tree-sitter and tree-sitter-bash's .wasm), compiled in the background:
 *   ~60 ms of compile that the run waits for. DFMOD_SHELL_PARSER=wasm chooses it; so does an addon
 *   that is there but does not load (src/engine/shell.ts then starts WebAssembly and runs the file
 *   again).
 * Both are the same parser (tree-sitter-bash 0.25.1), read through the same tree cursor
 * (src/engine/shell.ts), and a test checks that they read every RUN of the fixtures and examples
 * alike. Worker threads use WebAssembly. The dfmod command starts the
 * parser before it loads the rest of dfmod (src/cli.ts); it reaches src/engine/shell.ts through a
 * global, as the launcher and the bundle it loads are separate scripts.
 */
import { existsSync, readFileSync } from "node:fs";
import path = require("node:path");

/** The part of the WebAssembly global used here (the project's type libraries do not declare it). */
interface Wasm {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<object>;
}
export type WasmModule = { readonly compiled: unique symbol };
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

/** What src/engine/shell.ts reads of a tree-sitter parser: both backends have it. */
export interface TreeSitterParser {
  parse(source: string): unknown;
}

export type ShellStart =
  /** `load()` loads the addons on its first call (later calls give the same); undefined when they do not load. */
  | { kind: "native"; load(): TreeSitterParser | undefined }
  | { kind: "wasm"; runtime: Promise<WasmModule>; bash: Promise<WasmModule> };

const KEY = Symbol.for("dfmod.shell-parser");

const FLAGS_SET = Symbol.for("dfmod.v8-flags");

/**
 * The V8 flags dfmod runs with, where it runs WebAssembly or many files:
 * - Liftoff (V8's baseline WebAssembly compiler) only: with the optimising tier, V8 compiles the
 *   parser again in the background, and the process cannot exit until that is done (~0.5 s on a
 *   one-file run; the 160 KB lexer function alone takes seconds and ~100 MB to optimise); parsing
 *   is ~25% slower, which a run never notices. Set at run time, --liftoff-only does not bring the
 *   tiering flags it implies at start; left on, dynamic tiering's bookkeeping grew V8's malloced
 *   memory with every parse on Node 24 (~10 KB a parse: 745 MB peak for 10k files), so they are
 *   set too. And every function compiled up front, on the compile's background threads: compiled
 *   lazily, the first parse would compile the parser's functions on the main thread (~50 ms).
 * - Less inlining by the optimising JavaScript compiler: in a run of thousands of files it
 *   compiled dfmod's hot functions for ~4 s of CPU per thread (several of them more than once),
 *   on the same two cores the run needs; with at most 200 bytes of bytecode inlined per function
 *   a 10k-file run takes ~15% less time (bench/results.md).
 * Flags are process-wide: set by the main thread, before any worker starts and before the launcher
 * compiles the bundle where it can (V8's code cache is only taken under the flags it was made with:
 * the launcher does not write one after they changed); not on a one-file run with the native
 * parser (loading node:v8 costs it ~5 ms).
 */
export function setV8Flags(): void {
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  const { isMainThread } = require("node:worker_threads") as typeof import("node:worker_threads");
  if (!isMainThread || g[FLAGS_SET]) return;
  g[FLAGS_SET] = true;
  (require("node:v8") as typeof import("node:v8")).setFlagsFromString(
    "--liftoff-only --no-wasm-tier-up --no-wasm-dynamic-tiering --no-wasm-lazy-compilation --max-inlined-bytecode-size-cumulative=200",
  );
}

/** True once setV8Flags has run in this process. */
export function v8FlagsSet(): boolean {
  return (globalThis as unknown as Record<symbol, boolean | undefined>)[FLAGS_SET] === true;
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

/** Compiles a package's WebAssembly file in the background; the process waits for it. */
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

/** Starts compiling the WebAssembly parser's two modules. */
function compileShellWasm(): { runtime: Promise<WasmModule>; bash: Promise<WasmModule> } {
  return {
    runtime: compile("web-tree-sitter/web-tree-sitter.wasm"),
    bash: compile("tree-sitter-bash/tree-sitter-bash.wasm"),
  };
}

/** The native parser, or undefined when its addons do not load here. */
function nativeParser(): TreeSitterParser | undefined {
  try {
    const Parser = require("tree-sitter") as new () => TreeSitterParser & { setLanguage(language: unknown): void };
    const parser = new Parser();
    parser.setLanguage(bashAddon());
    // tree-sitter's JavaScript wraps the addon's classes once per process; evaluated again (a test
    // runner's fresh module registry, as jest gives each test file), its trees have no root node.
    // Such a parser is not used: WebAssembly is.
    return (parser.parse("true") as { rootNode?: unknown } | undefined)?.rootNode ? parser : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tree-sitter-bash's addon. Loaded as its package's main does, with node-gyp-build, but without the
 * node-types.json that the main attaches: from it, tree-sitter would make a class per node type
 * (~8 ms of a one-file run) that dfmod does not use. Where that fails, the package's main.
 */
function bashAddon(): unknown {
  const root = path.dirname(packageFile("tree-sitter-bash/package.json"));
  const prebuilt = path.join(root, "prebuilds", `${process.platform}-${process.arch}`, "tree-sitter-bash.node");
  try {
    // The prebuilt addon for this platform where there is one (node-gyp-build's own first choice).
    return existsSync(prebuilt) ? require(prebuilt) : (require("node-gyp-build") as (dir: string) => unknown)(root);
  } catch {
    return require("tree-sitter-bash");
  }
}

/**
 * Whether the native addons are installed for this platform: tree-sitter's (built on install, or
 * prebuilt) and tree-sitter-bash's. A few file checks, not a load.
 */
function nativeInstalled(): boolean {
  try {
    const platform = `${process.platform}-${process.arch}`;
    const runtime = path.dirname(packageFile("tree-sitter/package.json"));
    const bash = path.dirname(packageFile("tree-sitter-bash/package.json"));
    const built = (root: string, name: string): boolean =>
      existsSync(path.join(root, "build", "Release", name)) || existsSync(path.join(root, "prebuilds", platform));
    return built(runtime, "tree_sitter_runtime_binding.node") && built(bash, "tree_sitter_bash_binding.node");
  } catch {
    return false;
  }
}

/**
 * Starts the parser (once per thread; later calls get the same start): the native one where its
 * addons are installed (loaded by the start's `load()`, when a script first needs it), else the
 * WebAssembly modules' compile, begun now (also with DFMOD_SHELL_PARSER=wasm, or `prefer` "wasm":
 * worker threads, which a run may stop before they are done starting, and a native addon's loading
 * is no place to be stopped).
 */
export function startShellParser(prefer?: "wasm"): ShellStart {
  const g = globalThis as unknown as Record<symbol, ShellStart | undefined>;
  if (!g[KEY]) {
    if (prefer !== "wasm" && process.env.DFMOD_SHELL_PARSER !== "wasm" && nativeInstalled()) {
      let loaded: { parser: TreeSitterParser | undefined } | undefined;
      g[KEY] = { kind: "native", load: () => (loaded ??= { parser: nativeParser() }).parser };
    } else startWasm();
  }
  return g[KEY]!;
}

/** The WebAssembly parser's start, in place of a native one that did not load. */
export function startWasm(): ShellStart & { kind: "wasm" } {
  const g = globalThis as unknown as Record<symbol, ShellStart | undefined>;
  const current = g[KEY];
  if (current?.kind === "wasm") return current;
  setV8Flags();
  const start = { kind: "wasm" as const, ...compileShellWasm() };
  g[KEY] = start;
  return start;
}

export function instantiate(module: WasmModule, imports: object): Promise<object> {
  return wasm.instantiate(module, imports);
}
