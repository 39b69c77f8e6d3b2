/**
 * A shell view of RUN bodies, built with tree-sitter-bash (the native addon where it loads, else
 * WebAssembly: src/engine/shell-start.ts). The parser is loaded once per thread by `initShell()`;
 * `parseShell()` is synchronous afterwards. `initShellLazily()` leaves the native addon's loading to
 * the first script that needs the parser: work that parses then runs through `withShellParser()`,
 * which runs it again with WebAssembly where the addon turns out not to load.
 * Offsets in the result are logical offsets of the instruction (the parsed body starts at `base`).
 */
import { instantiate, startShellParser, startWasm, type WasmModule } from "./shell-start";
import type { Parser as TSParser } from "web-tree-sitter";

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

/** What dfmod calls of a parser: both backends' parsers have it. */
interface ShellParser {
  parse(source: string): ParsedTree | null;
}

let parser: ShellParser | undefined;
let loading: Promise<void> | undefined;
/** The native parser's loader, until a script needs it (initShellLazily). */
let deferred: (() => ShellParser | undefined) | undefined;

/**
 * Loads the parser once per thread (the process, or a worker); later calls share the first.
 * `prefer`: "wasm" for a worker thread (src/engine/shell-start.ts says why).
 */
export function initShell(prefer?: "wasm"): Promise<void> {
  loading ??= load(prefer);
  return loading;
}

async function load(prefer?: "wasm"): Promise<void> {
  deferred = undefined;
  if (parser) return;
  const start = startShellParser(prefer);
  if (start.kind === "native") parser = start.load() as ShellParser | undefined;
  if (parser) return;
  const wasmStart = start.kind === "wasm" ? start : startWasm();
  parser = (await wasmParser(wasmStart.runtime, wasmStart.bash)) as ShellParser;
}

/**
 * As initShell, but the native addon (where it is installed) is loaded only when a script first
 * needs the parser: most RUNs are plain commands (simpleScript), and a run of one small file
 * then never pays the ~4 ms of loading it. Parsing work runs through withShellParser.
 */
export function initShellLazily(): Promise<void> {
  if (parser || loading) return initShell();
  const start = startShellParser();
  if (start.kind !== "native") return initShell();
  deferred = start.load as () => ShellParser | undefined;
  return Promise.resolve();
}

/** Thrown by a parse that needed the native addon, deferred by initShellLazily, which did not load. */
export class ShellParserUnavailable extends Error {
  constructor() {
    super("the native shell parser did not load; the WebAssembly one is starting");
  }
}

/**
 * Runs `work` (which may parse shell); where it needed a native parser that did not load, runs it
 * again once the WebAssembly parser is ready. `work` must have no effect before its parses.
 */
export function withShellParser<T>(work: () => T): T | Promise<T> {
  try {
    return work();
  } catch (err) {
    if (!(err instanceof ShellParserUnavailable)) throw err;
    return initShell().then(work);
  }
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

/** Which parser this thread uses. */
export function shellBackend(): "native" | "wasm" {
  return startShellParser().kind;
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
    script = simpleScript(source) ?? parseUncached(source);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, script);
  }
  return base === 0 ? copy(script, 0) : copy(script, base);
}

/**
 * A copy with offsets moved by `base` (callers compare commands by identity, so each gets its own).
 * Objects are built field by field: spread is a slow path, and every RUN of every parse is copied.
 */
function copy(script: ShellScript, base: number): ShellScript {
  const commands = new Map<ShellCommand, ShellCommand>();
  const word = (w: ShellWord): ShellWord => ({ raw: w.raw, text: w.text, start: w.start + base, end: w.end + base });
  for (const c of script.commands) {
    const moved: ShellCommand = {
      start: c.start + base,
      end: c.end + base,
      words: c.words.map(word),
      topLevel: c.topLevel,
    };
    const r = c.redirected;
    if (r) moved.redirected = { start: r.start + base, end: r.end + base, redirects: r.redirects };
    commands.set(c, moved);
  }
  return {
    base: script.base + base,
    source: script.source,
    hasError: script.hasError,
    commands: [...commands.values()],
    items: script.items.map((i) => ({
      start: i.start + base,
      end: i.end + base,
      op: i.op,
      command: i.command && commands.get(i.command),
    })),
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
 * A syntax node as dfmod reads it, copied out of tree-sitter's tree in one walk of a tree cursor:
 * reading a node's properties one call at a time (the native addon's node objects, web-tree-sitter's
 * marshalling) costs more than the rest of the parse. `field`: the node's field name in its parent,
 * read only where dfmod asks for it (the body of a redirected statement).
 */
interface SyntaxNode {
  type: string;
  named: boolean;
  start: number;
  end: number;
  field: string | null;
  children: SyntaxNode[];
}

/** The cursor both backends give (tree-sitter's TreeCursor, web-tree-sitter's). */
interface Cursor {
  readonly nodeTypeId: number;
  readonly nodeType: string;
  readonly nodeIsNamed: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly currentFieldName: string | null;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete?(): void;
}

/** Node type names by id (one parser per thread, for the thread's life): a type's name is read from the tree once. */
const typeNames: string[] = [];

/** The tree as SyntaxNodes, in one depth-first walk with a stack of its own. */
function syntaxTree(cursor: Cursor, names: string[]): SyntaxNode {
  const node = (parent: SyntaxNode | undefined): SyntaxNode => {
    const id = cursor.nodeTypeId;
    const type = (names[id] ??= cursor.nodeType);
    return {
      type,
      named: cursor.nodeIsNamed,
      start: cursor.startIndex,
      end: cursor.endIndex,
      field: parent?.type === "redirected_statement" ? cursor.currentFieldName : null,
      children: [],
    };
  };
  const root = node(undefined);
  if (!cursor.gotoFirstChild()) return root;
  const stack = [root];
  let parent = root;
  for (;;) {
    const child = node(parent);
    parent.children.push(child);
    if (cursor.gotoFirstChild()) {
      stack.push(child);
      parent = child;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (stack.length === 1) return root;
      cursor.gotoParent();
      stack.pop();
      parent = stack[stack.length - 1]!;
    }
  }
}

/**
 * The statements of the top-level list, each with the operator before it. `a && b && c` is a
 * list nested to the left, as deep as the chain is long: it is flattened with a stack of its own.
 */
function chainItems(root: SyntaxNode): ChainItem[] {
  const items: ChainItem[] = [];
  const flatten = (top: SyntaxNode, topOp: string | undefined): void => {
    const todo: { node: SyntaxNode; op: string | undefined }[] = [{ node: top, op: topOp }];
    while (todo.length > 0) {
      const { node, op } = todo.pop()!;
      if (node.type === "list") {
        const [left, operator, right] = node.children;
        if (left && operator && right) {
          todo.push({ node: right, op: operator.type }, { node: left, op });
          continue;
        }
      }
      items.push({ start: node.start, end: node.end, op, command: undefined });
    }
  };
  let op: string | undefined;
  for (const child of root.children) {
    if (child.named && child.type !== "comment") {
      flatten(child, op);
      op = undefined;
    } else if (!child.named) {
      op = child.type;
    }
  }
  return items;
}

/** A redirected statement whose body is one command; a redirection of a list (`a && b >f`) is not a command's. */
function redirectionOf(node: SyntaxNode, source: string): Redirection | undefined {
  if (node.type !== "redirected_statement") return undefined;
  const body = node.children.find((c) => c.field === "body");
  if (!body || body.type !== "command") return undefined;
  return {
    start: node.start,
    end: node.end,
    bodyEnd: body.end,
    redirects: node.children
      .filter((c) => c.named && c.type.endsWith("redirect"))
      .map((c) => source.slice(c.start, c.end)),
  };
}

/** A command node's words, the command name first (variable assignments and redirections left out). */
function commandOf(node: SyntaxNode, topLevelStarts: Set<number>, source: string): ShellCommand {
  const words: ShellWord[] = [];
  for (const child of node.children) {
    if (!child.named || child.type === "variable_assignment" || child.type.endsWith("redirect")) continue;
    if (child.type === "command_name") {
      const inner = child.children.find((c) => c.named) ?? child;
      words.push(word(inner, source));
    } else {
      words.push(word(child, source));
    }
  }
  return { start: node.start, end: node.end, words, topLevel: topLevelStarts.has(node.start) };
}

/**
 * Every command of the tree and every redirected command statement, depth first, in source order,
 * with a stack of its own: `$(` nested thousands deep is no reason to run out of call stack. A
 * top-level item that is a command gets it.
 */
function collectCommands(
  root: SyntaxNode,
  items: ChainItem[],
  source: string,
): { commands: ShellCommand[]; redirected: Redirection[] } {
  const topLevelStarts = new Set(items.map((item) => item.start));
  const commands: ShellCommand[] = [];
  const redirected: Redirection[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const redirection = redirectionOf(node, source);
    if (redirection) redirected.push(redirection);
    if (node.type === "command") {
      const command = commandOf(node, topLevelStarts, source);
      commands.push(command);
      for (const item of items) {
        if (item.start === command.start && item.end === command.end) item.command = command;
      }
    }
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) if (children[i]!.named) stack.push(children[i]!);
  }
  return { commands, redirected };
}

/** A word with nothing for the shell to read in it: no quote, escape, expansion, glob but `*`, redirection or comment. */
const PLAIN_CHARS = /^[A-Za-z0-9_.,/:@%+=*\-&|; \t]*$/;
/** Blanks, then a word or an operator (sticky: read from where the last one ended; a lone `&` or `|` is none). */
const PLAIN_TOKEN = /[ \t]*([A-Za-z0-9_.,/:@%+=*-]+|&&|\|\||;)/y;
/** A command's name in a plain script: no assignment (`A=1 cmd`), nothing the parser reads as an operator first. */
const COMMAND_NAME = /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/;
/** Words the shell reads as something else than a command's name where a command starts. */
const NOT_COMMAND_NAMES = new Set(
  "if then else elif fi case esac for select while until do done in function time coproc declare export local readonly typeset unset unsetenv".split(
    " ",
  ),
);

/**
 * The parse of a script of plain commands (`apk add --no-cache gcc musl-dev && rm -rf /tmp/*`),
 * read without the parser: words of plain characters joined by `&&`, `||` and `;`, no assignment
 * and no keyword where a command starts. Undefined for anything else, which the parser reads.
 * (The tree-sitter parse of such a script gives exactly this: __tests__/shell-plain.test.ts.)
 */
export function simpleScript(source: string): ShellScript | undefined {
  if (!PLAIN_CHARS.test(source)) return undefined;
  const commands: ShellCommand[] = [];
  const items: ChainItem[] = [];
  let words: ShellWord[] = [];
  let op: string | undefined;
  const end = (): boolean => {
    const first = words[0];
    if (!first || !COMMAND_NAME.test(first.raw) || NOT_COMMAND_NAMES.has(first.raw)) return false;
    const command: ShellCommand = { start: first.start, end: words[words.length - 1]!.end, words, topLevel: true };
    commands.push(command);
    items.push({ start: command.start, end: command.end, op, command });
    words = [];
    return true;
  };
  let at = 0;
  PLAIN_TOKEN.lastIndex = 0;
  for (let m = PLAIN_TOKEN.exec(source); m; m = PLAIN_TOKEN.exec(source)) {
    at = PLAIN_TOKEN.lastIndex;
    const token = m[1]!;
    if (token === "&&" || token === "||" || token === ";") {
      if (!end()) return undefined;
      op = token;
    } else if (token.startsWith("=")) {
      return undefined; // `==` is a test operator to the parser
    } else words.push({ raw: token, text: token, start: at - token.length, end: at });
  }
  // Where the tokens stop, only blanks may follow.
  if (!/^[ \t]*$/.test(source.slice(at)) || !end()) return undefined;
  return { base: 0, source, hasError: false, commands, items };
}

/** The parse of one shell text, offsets from its start (parseShell moves them by `base`). */
export function parseUncached(source: string): ShellScript {
  if (!parser && deferred) {
    parser = deferred();
    deferred = undefined;
    if (!parser) {
      startWasm();
      throw new ShellParserUnavailable();
    }
  }
  if (!parser) throw new Error("the shell parser is not initialised: call initShell() first");
  const tree = parser.parse(source);
  if (!tree) throw new Error("the shell parser returned no tree");
  let root: SyntaxNode;
  let hasError: boolean;
  try {
    const cursor = tree.walk();
    try {
      root = syntaxTree(cursor, typeNames);
    } finally {
      cursor.delete?.();
    }
    hasError = tree.rootNode.hasError;
  } finally {
    // web-tree-sitter's trees live in WebAssembly memory until deleted; native ones are collected.
    tree.delete?.();
  }
  const items = chainItems(root);
  const { commands, redirected } = collectCommands(root, items, source);
  // A redirected command: the command gets its statement's span, and so does the item that is that statement.
  for (const r of redirected) {
    const command = commands.find((c) => c.start === r.start && c.end === r.bodyEnd);
    if (command) {
      command.redirected = { start: r.start, end: r.end, redirects: r.redirects };
      for (const item of items) if (item.start === r.start && item.end === r.end) item.command = command;
    }
  }
  return { base: 0, source, hasError, commands, items };
}

/** What parseUncached reads of a tree: both backends' trees have it. */
interface ParsedTree {
  walk(): Cursor;
  rootNode: { hasError: boolean };
  delete?(): void;
}

function word(node: SyntaxNode, source: string): ShellWord {
  return { raw: source.slice(node.start, node.end), text: literal(node, source), start: node.start, end: node.end };
}

function literal(node: SyntaxNode, source: string): string | undefined {
  switch (node.type) {
    case "word":
    case "number":
      return source.slice(node.start, node.end).replace(/\\(.)/g, "$1");
    case "raw_string":
      return source.slice(node.start + 1, node.end - 1);
    case "string": {
      let out = "";
      for (const child of node.children) {
        if (!child.named) continue;
        if (child.type !== "string_content") return undefined;
        out += source.slice(child.start, child.end);
      }
      return out;
    }
    case "concatenation": {
      let out = "";
      for (const child of node.children) {
        if (!child.named) continue;
        const part = literal(child, source);
        if (part === undefined) return undefined;
        out += part;
      }
      return out;
    }
    default:
      return undefined;
  }
}
