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
}

/** Options that transforms take; each is a plain command-line flag. */
export interface TransformOptions {
  /** `frozen` (default) or `locked`: which lockfile check `uv sync` gets. */
  uvCheck: "frozen" | "locked";
  /** The uv image tag used in `COPY --from=ghcr.io/astral-sh/uv:<version>`. */
  uvVersion: string;
  /** Add `--mount=type=cache` to dependency installs. */
  cacheMounts: boolean;
  /** alpine-to-trixie: `slim-trixie` (default) or the full `trixie` images. */
  targetVariant: "slim-trixie" | "trixie";
  /** alpine-to-trixie: also migrate Alpine stages that install no Python dependencies. */
  allStages: boolean;
  /** alpine-to-trixie: an Alpine package with no known Debian name fails the file instead of a note. */
  strict: boolean;
  /** multi-stage: `auto` splits only when the builder keeps something out of the final image; `always` splits anyway. */
  split: "auto" | "always";
  /** multi-stage: the name of the new build stage. */
  builderStageName: string;
  /** multi-stage: a name for the runtime stage (default: as it was). */
  runtimeStageName: string | undefined;
  /** compose-shared-image: the image name shared services get (default: from the project folder). */
  imageName: string | undefined;
  /** compose-shared-image: remove a shared Dockerfile's HEALTHCHECK when the services define their own. */
  dropDockerfileHealthcheck: boolean;
  /** alpine-to-trixie: the user's Alpine -> Debian names (config `packages`, `--package`); they win over the built-in map. */
  packages: Record<string, { build: string[]; runtime: string[] }>;
}

export const defaultOptions: TransformOptions = {
  uvCheck: "frozen",
  uvVersion: "0.12.5",
  cacheMounts: true,
  targetVariant: "slim-trixie",
  allStages: false,
  strict: false,
  split: "auto",
  builderStageName: "builder",
  runtimeStageName: undefined,
  imageName: undefined,
  dropDockerfileHealthcheck: false,
  packages: {},
};

export interface Context {
  dockerfile: Dockerfile;
  /** The file's path as shown to the user ("-" for stdin). */
  path: string;
  /** The file's absolute path (undefined for stdin): Docker reads `<file>.dockerignore` beside it first. */
  file?: string;
  /** The build context, or undefined when there is none (stdin). */
  context: BuildContext | undefined;
  options: TransformOptions;
  /** Compose services that build this Dockerfile together (from the compose files of the run). */
  compose?: SharedBuild[];
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
}

export interface ComposeContext {
  text: string;
  /** As shown to the user. */
  path: string;
  /** The compose file's folder (its project folder). */
  dir: string;
  options: TransformOptions;
}

export interface ComposeChange extends Change {
  shared: SharedBuild[];
}

export type NoteInput = Omit<Note, "transform"> & {
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

export interface Transform {
  /** kebab-case; equals its folder under transforms/ and its fixture folder. */
  id: string;
  /** One line, shown by `dfmod list`. */
  summary: string;
  /** For Dockerfiles. undefined (or no edits and no notes): does not apply here. */
  apply?(ctx: Context): Change | undefined;
  /** For compose files. */
  applyCompose?(ctx: ComposeContext): ComposeChange | undefined;
}
