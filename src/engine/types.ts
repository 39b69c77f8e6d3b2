import type { Dockerfile } from "./dockerfile";
import type { Edit } from "./edits";
import type { BuildContext } from "./context";
import type { ConfigKey } from "./image";

export type Severity = "info" | "warning" | "action-needed";

/** What a transform says about a file: what it changed and why, or what a human must do. */
export interface Note {
  transform: string;
  /** Stable, kebab-case: what scripts and SARIF rules key on (`left-on-alpine`, `not-split`...); messages may change. */
  id: string;
  severity: Severity;
  /** 1-based line in the text the transform saw. */
  line: number;
  message: string;
  /** The Alpine packages with no known Debian name that the note is about (fleet reports gather them). */
  packages?: string[];
  /** The note explains the change of a companion file (the .dockerignore created): shown even when the Dockerfile is unchanged. */
  companion?: true;
}

/** The options of a run: every transform's options by key (`uvCheck`), each transform reading its own. */
export type Options = Readonly<Record<string, unknown>>;

/**
 * One option a transform takes. The command-line flag, the config file's key, the validation of
 * both and the docs are made from this.
 */
export interface OptionSchema {
  /** The key in `ctx.options`: `uvCheck`. */
  key: string;
  /** The flag and the name under the config's "options": `uv-check`. */
  flag: string;
  /**
   * `map`: named entries. On the command line `--<flag> name=value` (repeatable); in a config file
   * an object under the top-level key `configKey`; the command line's entries win name by name.
   */
  type: "boolean" | "string" | "choice" | "map";
  choices?: readonly string[];
  /** undefined: none (the transform decides). */
  default: unknown;
  /** One line, for `--help` and the docs. */
  description: string;
  /** `map`: the config file's top-level key. */
  configKey?: string;
  /** `map`: one entry checked and made into its value, or what is wrong with it. */
  entry?(name: string, value: unknown): { value: unknown } | { error: string };
  /** `string`: what is wrong with a value (the command line's or a config file's), or undefined when it fits. */
  check?(value: string): string | undefined;
}

/** A kind of note a transform makes: its id is the note's `id` and the SARIF rule `transform/id`. */
export interface MessageSchema {
  /** The usual severity; a report may give another. */
  severity: Severity;
  /** What the note means and what to do about it: SARIF help text and the docs. */
  description: string;
}

/** What a transform says about itself, as ESLint's rule `meta`. */
export interface TransformMeta {
  /** A paragraph for the docs. */
  docs: string;
  options: OptionSchema[];
  /** Every note id the transform reports, with its meaning. */
  messages: Record<string, MessageSchema>;
  /** Not in the default pipeline: runs only when named (`-t <id>`, or true in the config's "transforms"). */
  optIn?: boolean;
  /** Keys of options (any transform's) that, given on the command line or in a config, also run this opt-in transform. */
  turnedOnBy?: string[];
  /**
   * False for a transform that never edits the Dockerfile (it reports notes and asks for companion
   * files): the pipeline runs it in its first pass only, as later passes keep nothing else.
   */
  editsDockerfile?: false;
}

/** What a transform gets for one Dockerfile: the parsed file, its inputs, and the API to report and fix. */
export interface Context<O = Options> {
  dockerfile: Dockerfile;
  /** The file's path as shown to the user ("-" for stdin). */
  path: string;
  /** The file's absolute path (undefined for stdin): Docker reads `<file>.dockerignore` beside it first. */
  file?: string;
  /** The build context, or undefined when there is none (stdin). */
  context: BuildContext | undefined;
  options: O & Options;
  /** Compose services that build this Dockerfile together (from the compose files of the run). */
  compose?: SharedBuild[];
  /**
   * Other Dockerfiles (absolute paths) that compose services or bake targets build from this
   * context: they read the same .dockerignore.
   */
  peers?: string[];
}

/** Services of a compose file that build the same Dockerfile (same context, args and target). */
export interface SharedBuild {
  composeFile: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  services: string[];
  /** Those of the services that define their own healthcheck. */
  healthchecks: string[];
}

/** Lines a transform wants in a file next to the Dockerfile (a .dockerignore), added when missing. */
export interface Companion {
  /** Absolute path. */
  path: string;
  lines: string[];
  note: string;
  /** The transform that asked for it (the engine fills it in). */
  transform?: string;
}

export interface ComposeContext<O = Options> {
  text: string;
  /** As shown to the user. */
  path: string;
  /** The compose file's folder (its project folder). */
  dir: string;
  options: O & Options;
}

export interface ComposeChange extends Change {
  shared: SharedBuild[];
}

export type NoteInput = Omit<Note, "transform" | "severity"> & {
  /** Default: the severity of the message id in the transform's `meta.messages`. */
  severity?: Severity;
  /** Ids of earlier notes this one makes untrue (they described a step this transform removed): dropped. */
  supersedes?: string[];
};

/** What a transform does to one file: edits into the text it saw, and notes. */
export interface Change {
  edits: Edit[];
  notes: NoteInput[];
  companions?: Companion[];
  /**
   * What the edits change in the final image's config on purpose (`entrypoint`, `env PATH`...).
   * Any other change of it is a bug the engine stops (see src/engine/guard.ts).
   */
  declares?: ConfigKey[];
}

/**
 * A transform. `apply` returns its edits and notes, or reports notes through `ctx.report` /
 * `ctx.leave` and returns only edits; undefined (or no edits and no notes): does not apply here.
 */
export interface Transform<O = Options> {
  /** kebab-case; equals its folder under transforms/ and its fixture folder. */
  id: string;
  /** One line, shown by `dfmod list`. */
  summary: string;
  meta: TransformMeta;
  /** For Dockerfiles. */
  apply?(ctx: Context<O> & Reporter): Change | undefined;
  /** For compose files. */
  applyCompose?(ctx: ComposeContext<O> & Reporter): ComposeChange | undefined;
}

/** The fixer's functions: edits into the text from the parsed model (src/engine/fixer.ts). */
export type Fixer = typeof import("./fixer");

/**
 * What a transform does through its context: say something about the file (the note's severity
 * comes from `meta.messages`), and make edits (`ctx.fix.replaceRange(instruction, start, end, text)`...).
 */
export interface Reporter {
  /** replaceRange, editChain, removeInstruction, insertBefore, insertAfter, replaceInstruction. */
  fix: Fixer;
  /** A note at `line` (1-based, in the text the transform saw). */
  report(line: number, id: string, message: string, severity?: Severity): void;
  /** A note that the transform leaves something as it was, and why; returns undefined, for `return ctx.leave(...)`. */
  leave(line: number, id: string, message: string, severity?: Severity): undefined;
}
