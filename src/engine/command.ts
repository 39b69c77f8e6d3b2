/**
 * A command vocabulary over the parsed shell: a command's name, its subcommand, its arguments and
 * its flags, in the style of hadolint's `Command {name, subcommand, args, flags}`. Flags that take
 * a value are known per tool (`-r file`, `--requirement=file`, `-rfile` as pip spells them).
 */
import type { ShellCommand, ShellWord } from "./shell";

/** How a tool spells its flags. */
export interface FlagSpec {
  /** Flags that take the next word as their value. */
  valued: ReadonlySet<string>;
  /** Short flags written together with their value (`-rfile`): the flag is the first two characters. */
  joined?: RegExp;
  /**
   * Read flags from the words as written (quotes and all) rather than from their literal text:
   * no word is then an expansion the scan cannot read.
   */
  raw?: boolean;
}

export interface Flag {
  name: string;
  value: string | undefined;
  /** Words the flag spans (one, or two when the value is separate). */
  words: ShellWord[];
}

/** A command's words after a given point, split into flags and the other arguments. */
export class Flags {
  readonly flags: Flag[] = [];
  /** The words that are not flags or flag values, expansions included. */
  readonly args: ShellWord[] = [];
  /** True when a word is not a literal (an expansion, a substitution). */
  dynamic = false;

  constructor(words: readonly ShellWord[], spec: FlagSpec) {
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const text = spec.raw ? w.raw : w.text;
      if (text === undefined) {
        this.dynamic = true;
        this.args.push(w);
        continue;
      }
      const next = words[i + 1];
      if (text.startsWith("--") && text.includes("=")) {
        const eq = text.indexOf("=");
        this.flags.push({ name: text.slice(0, eq), value: text.slice(eq + 1), words: [w] });
      } else if (spec.joined?.test(text) && !text.startsWith("--")) {
        this.flags.push({ name: text.slice(0, 2), value: text.slice(2), words: [w] });
      } else if (spec.valued.has(text) && (next || !spec.raw)) {
        if (next && next.text === undefined) this.dynamic = true;
        this.flags.push({ name: text, value: next?.text, words: next ? [w, next] : [w] });
        i++;
      } else if (text.startsWith("-")) {
        this.flags.push({ name: text, value: undefined, words: [w] });
      } else {
        this.args.push(w);
      }
    }
  }

  hasFlag(...names: string[]): boolean {
    return this.flags.some((f) => names.includes(f.name));
  }

  /** The value of the last of the flags with this name (the one the tool goes by). */
  flagValue(name: string): string | undefined {
    for (let i = this.flags.length - 1; i >= 0; i--) if (this.flags[i]!.name === name) return this.flags[i]!.value;
    return undefined;
  }

  /** Every value given to one of these flags, in order. */
  flagValues(...names: string[]): string[] {
    return this.flags.filter((f) => names.includes(f.name)).map((f) => f.value ?? "");
  }

  /** The literal texts of the arguments that are not flags (undefined for expansions). */
  argsNoFlags(): (string | undefined)[] {
    return this.args.map((w) => w.text);
  }
}

/** Words as written, joined by single spaces (a flag with its value, a whole command). */
export function written(words: readonly ShellWord[]): string {
  return words.map((w) => w.raw).join(" ");
}

/** Flags of most commands: none takes a value, `--name=value` excepted. */
const PLAIN: FlagSpec = { valued: new Set() };

/** A parsed shell command, read as a command line. */
export class Command {
  /** The literal texts of the words, the command name first (undefined for expansions). */
  readonly texts: readonly (string | undefined)[];
  /** The command name as written (`/usr/bin/pip3`), undefined when it is an expansion. */
  readonly name: string | undefined;
  /** The command name without its folder (`pip3`). */
  get program(): string | undefined {
    return this.name?.replace(/^.*\//, "");
  }
  /** The first argument that is not a flag (`install` in `pip --no-cache-dir install x`). */
  get subcommand(): string | undefined {
    let i = 1;
    while (this.texts[i] !== undefined && this.texts[i]!.startsWith("-")) i++;
    return this.texts[i];
  }
  /** The words after the name. */
  get args(): readonly ShellWord[] {
    return this.shell.words.slice(1);
  }
  private plain: Flags | undefined;

  constructor(readonly shell: ShellCommand) {
    this.texts = shell.words.map((w) => w.text);
    this.name = this.texts[0];
  }

  /** The command as written, its words joined by single spaces. */
  get written(): string {
    return written(this.shell.words);
  }

  /** The literal text of word `i` (0 is the name). */
  word(i: number): string | undefined {
    return this.texts[i];
  }

  /** The words from word `from` on, read with a tool's flag spelling. */
  flags(spec: FlagSpec = PLAIN, from = 1): Flags {
    if (spec === PLAIN && from === 1) return (this.plain ??= new Flags(this.args, PLAIN));
    return new Flags(this.shell.words.slice(from), spec);
  }

  hasFlag(...names: string[]): boolean {
    return this.flags().hasFlag(...names);
  }

  flagValue(name: string): string | undefined {
    return this.flags().flagValue(name);
  }

  argsNoFlags(): (string | undefined)[] {
    return this.flags().argsNoFlags();
  }

  /** The command's words without the flag (and its value), or undefined when it has no such flag. */
  dropFlag(name: string, spec: FlagSpec = PLAIN, from = 1): ShellWord[] | undefined {
    const dropped = new Set(
      this.flags(spec, from)
        .flags.filter((f) => f.name === name)
        .flatMap((f) => f.words),
    );
    return dropped.size === 0 ? undefined : this.shell.words.filter((w) => !dropped.has(w));
  }
}

/** The command line of a parsed shell command. */
export function commandOf(shell: ShellCommand): Command {
  return new Command(shell);
}
