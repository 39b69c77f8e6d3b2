/**
 * A shell view of RUN bodies, built with tree-sitter-bash (web-tree-sitter, WebAssembly). The
 * parser is loaded once per process by `initShell()`; `parseShell()` is synchronous afterwards.
 * Offsets in the result are logical offsets of the instruction (the parsed body starts at `base`).
 */
import { compileShellWasm, instantiate, setV8Flags, startShellParser, type WasmModule } from "./shell-start";
import type { Node, Parser as TSParser } from "web-tree-sitter";

export interface ShellWord {
  raw: string;
  /** The word without its quotes, or undefined when it holds an expansion or substitution. */
  text: string | undefined;
  start: number;
  end: number;
}

export interface ShellCommand {
  start: number;
  end: number;
  /** Words of the command, the command name first; variable assignments in front are not included. */
  words: ShellWord[];
  /** True when the command stands directly in the top-level list (not inside if, a subshell, a pipe...). */
  topLevel: boolean;
  /** When redirections follow the command (`cmd >file`): the whole statement and the redirections' texts. */
  redirected?: { start: number; end: number; redirects: string[] };
}

/** One statement of the top-level list, with the operator that joins it to the one before. */
export interface ChainItem {
  start: number;
  end: number;
  op: string | undefined;
  command: ShellCommand | undefined;
}

export interface ShellScript {
  base: number;
  source: string;
  hasError: boolean;
  commands: ShellCommand[];
  items: ChainItem[];
}

let parser: TSParser | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the parser once per process (or worker); later calls share the first. `prefer`: "wasm"
 * for a thread that will parse many files (a worker).
 */
export function initShell(prefer?: "wasm"): Promise<void> {
  loading ??= load(prefer);
  return loading;
}

async function load(prefer?: "wasm"): Promise<void> {
  if (parser) return;
  const start = startShellParser(prefer);
  parser = start.kind === "native" ? (start.parser as TSParser) : await wasmParser(start.runtime, start.bash);
}

let switching: Promise<void> | undefined;
let switched = false;

/**
 * For a run of many files: the WebAssembly parser compiles in the background and replaces the
 * native one when it is ready. Both read every script alike; only the speed differs. The process
 * does not wait for the compile. (Under the flags of setV8Flags: with V8's optimising tier, the
 * 160 KB lexer function alone takes seconds and ~100 MB to optimise, which no run gets back.)
 */
export function useWasmWhenReady(): void {
  if (switching || startShellParser().kind !== "native" || process.env.DFMOD_SHELL_PARSER === "native") return;
  setV8Flags();
  const compiled = compileShellWasm(false);
  switching = wasmParser(compiled.runtime, compiled.bash).then(
    (p) => {
      parser = p;
      switched = true;
    },
    () => undefined, // the native parser stays
  );
}

/** The WebAssembly parser from the compiled modules. */
async function wasmParser(compiledRuntime: Promise<WasmModule>, compiledBash: Promise<WasmModule>): Promise<TSParser> {
  const { Parser, Language } = require("web-tree-sitter") as typeof import("web-tree-sitter");
  const runtime = await compiledRuntime;
  // The tree-sitter runtime is instantiated from the compiled module rather than read from a path
  // relative to its script.
  await Parser.init({
    instantiateWasm(imports: object, done: (instance: object, module: WasmModule) => void) {
      void instantiate(runtime, imports).then((instance) => done(instance, runtime));
      return {};
    },
  });
  const p = new Parser();
  p.setLanguage(Language.loadSync(await compiledBash));
  return p;
}

/** Which parser this thread uses now (after initShell). */
export function shellBackend(): "native" | "wasm" {
  return switched ? "wasm" : startShellParser().kind;
}

/**
 * Parses are cached by text: the pipeline re-parses a Dockerfile after every transform that
 * changed it, and the RUN bodies mostly stay the same (and repeat across the files of a repo).
 */
const cache = new Map<string, ShellScript>();
const CACHE_SIZE = 4096;

export function parseShell(source: string, base = 0): ShellScript {
  let script = cache.get(source);
  if (!script) {
    script = parseUncached(source);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, script);
  }
  return base === 0 ? copy(script, 0) : copy(script, base);
}

/** A copy with offsets moved by `base` (callers compare commands by identity, so each gets its own). */
function copy(script: ShellScript, base: number): ShellScript {
  const commands = new Map<ShellCommand, ShellCommand>();
  const move = <T extends { start: number; end: number }>(x: T): T => ({
    ...x,
    start: x.start + base,
    end: x.end + base,
  });
  for (const c of script.commands) {
    commands.set(c, {
      start: c.start + base,
      end: c.end + base,
      topLevel: c.topLevel,
      words: c.words.map(move),
      ...(c.redirected ? { redirected: { ...move(c.redirected), redirects: c.redirected.redirects } } : {}),
    });
  }
  return {
    base: script.base + base,
    source: script.source,
    hasError: script.hasError,
    commands: [...commands.values()],
    items: script.items.map((i) => ({ ...move(i), command: i.command && commands.get(i.command) })),
  };
}

/** A redirected command (`cmd >file`): the whole statement, where its command ends, and the redirections' texts. */
interface Redirection {
  start: number;
  end: number;
  bodyEnd: number;
  redirects: string[];
}

/**
 * The statements of the top-level list, each with the operator before it. `a && b && c` is a
 * list nested to the left, as deep as the chain is long: it is flattened with a stack of its own.
 */
function chainItems(root: Node): ChainItem[] {
  const items: ChainItem[] = [];
  const flatten = (top: Node, topOp: string | undefined): void => {
    const todo: { node: Node; op: string | undefined }[] = [{ node: top, op: topOp }];
    while (todo.length > 0) {
      const { node, op } = todo.pop()!;
      if (node.type === "list") {
        const [left, operator, right] = node.children;
        if (left && operator && right) {
          todo.push({ node: right, op: operator.type }, { node: left, op });
          continue;
        }
      }
      items.push({ start: node.startIndex, end: node.endIndex, op, command: undefined });
    }
  };
  let op: string | undefined;
  for (const child of root.children) {
    if (!child) continue;
    if (child.isNamed && child.type !== "comment") {
      flatten(child, op);
      op = undefined;
    } else if (!child.isNamed) {
      op = child.type;
    }
  }
  return items;
}

/** A redirected statement whose body is one command; a redirection of a list (`a && b >f`) is not a command's. */
function redirectionOf(node: Node): Redirection | undefined {
  const body = node.type === "redirected_statement" ? node.childForFieldName("body") : null;
  if (!body || body.type !== "command") return undefined;
  return {
    start: node.startIndex,
    end: node.endIndex,
    bodyEnd: body.endIndex,
    redirects: node.namedChildren.filter((c) => c && c.type.endsWith("redirect")).map((c) => c!.text),
  };
}

/** A command node's words, the command name first (variable assignments and redirections left out). */
function commandOf(node: Node, topLevelStarts: Set<number>): ShellCommand {
  const words: ShellWord[] = [];
  for (const child of node.namedChildren) {
    if (!child || child.type === "variable_assignment" || child.type.endsWith("redirect")) continue;
    if (child.type === "command_name") {
      const inner = child.namedChildren[0] ?? child;
      words.push(word(inner, 0));
    } else {
      words.push(word(child, 0));
    }
  }
  return { start: node.startIndex, end: node.endIndex, words, topLevel: topLevelStarts.has(node.startIndex) };
}

/**
 * Every command of the tree and every redirected command statement, depth first, in source order,
 * with a stack of its own: `$(` nested thousands deep is no reason to run out of call stack. A
 * top-level item that is a command gets it.
 */
function collectCommands(root: Node, items: ChainItem[]): { commands: ShellCommand[]; redirected: Redirection[] } {
  const topLevelStarts = new Set(items.map((item) => item.start));
  const commands: ShellCommand[] = [];
  const redirected: Redirection[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const redirection = redirectionOf(node);
    if (redirection) redirected.push(redirection);
    if (node.type === "command") {
      const command = commandOf(node, topLevelStarts);
      commands.push(command);
      for (const item of items) {
        if (item.start === command.start && item.end === command.end) item.command = command;
      }
    }
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) if (children[i]) stack.push(children[i]!);
  }
  return { commands, redirected };
}

/** The parse of one shell text, offsets from its start (parseShell moves them by `base`). */
function parseUncached(source: string): ShellScript {
  if (!parser) throw new Error("the shell parser is not initialised: call initShell() first");
  const tree = parser.parse(source);
  if (!tree) throw new Error("the shell parser returned no tree");
  try {
    const root = tree.rootNode;
    const items = chainItems(root);
    const { commands, redirected } = collectCommands(root, items);
    // A redirected command: the command gets its statement's span, and so does the item that is that statement.
    for (const r of redirected) {
      const command = commands.find((c) => c.start === r.start && c.end === r.bodyEnd);
      if (command) {
        command.redirected = { start: r.start, end: r.end, redirects: r.redirects };
        for (const item of items) if (item.start === r.start && item.end === r.end) item.command = command;
      }
    }
    return { base: 0, source, hasError: root.hasError, commands, items };
  } finally {
    // web-tree-sitter's trees live in WebAssembly memory until deleted; native ones are collected.
    (tree as { delete?: () => void }).delete?.();
  }
}

function word(node: Node, base: number): ShellWord {
  return { raw: node.text, text: literal(node), start: base + node.startIndex, end: base + node.endIndex };
}

function literal(node: Node): string | undefined {
  switch (node.type) {
    case "word":
    case "number":
      return node.text.replace(/\\(.)/g, "$1");
    case "raw_string":
      return node.text.slice(1, -1);
    case "string": {
      let out = "";
      for (const child of node.namedChildren) {
        if (!child || child.type !== "string_content") return undefined;
        out += child.text;
      }
      return out;
    }
    case "concatenation": {
      let out = "";
      for (const child of node.namedChildren) {
        const part = child ? literal(child) : undefined;
        if (part === undefined) return undefined;
        out += part;
      }
      return out;
    }
    default:
      return undefined;
  }
}
