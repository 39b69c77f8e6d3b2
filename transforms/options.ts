/** The options the built-in transforms read from `ctx.options`, each declared in one transform's `meta.options`. */
import type {
  ComposeContext as EngineComposeContext,
  Context as EngineContext,
  Reporter,
  Transform as EngineTransform,
} from "../src/engine/types";

export type BuiltinOptions = {
  /** uv-sync: `frozen` (default) or `locked`: which lockfile check `uv sync` gets. */
  uvCheck: "frozen" | "locked";
  /** uv-sync: the uv image tag used in `COPY --from=ghcr.io/astral-sh/uv:<version>`. */
  uvVersion: string;
  /** uv-sync: add `--mount=type=cache` to dependency installs. */
  cacheMounts: boolean;
  /** alpine-to-trixie: `slim-trixie` (default) or the full `trixie` images. */
  targetVariant: "slim-trixie" | "trixie";
  /** alpine-to-trixie: also migrate Alpine stages that install no Python dependencies. */
  allStages: boolean;
  /** alpine-to-trixie: an Alpine package with no known Debian name fails the file instead of a note. */
  strict: boolean;
  /** alpine-to-trixie: the user's Alpine -> Debian names (config `packages`, `--package`); they win over the built-in map. */
  packages: Record<string, { build: string[]; runtime: string[] }>;
  /** alpine-to-trixie and debian-to-trixie: the Python minor (`3.13`) every Python base image moves to. */
  python: string | undefined;
  /** multi-stage: `auto` splits only when the builder keeps something out of the final image; `always` splits anyway. */
  split: "auto" | "always";
  /** multi-stage: the name of the new build stage. */
  builderStageName: string;
  /** multi-stage: a name for the runtime stage (default: as it was). */
  runtimeStageName: string | undefined;
  /** multi-stage: the runtime stage's base, the original image (`slim`) or Google's distroless Python (`distroless`). */
  runtime: "slim" | "distroless";
  /** compose-shared-image: the image name shared services get (default: from the project folder). */
  imageName: string | undefined;
  /** compose-shared-image: remove a shared Dockerfile's HEALTHCHECK when the services define their own. */
  dropDockerfileHealthcheck: boolean;
};

/** A built-in transform, and what it gets: the engine's types with the built-in options. */
export type Transform = EngineTransform<BuiltinOptions>;
export type Context = EngineContext<BuiltinOptions> & Reporter;
export type ComposeContext = EngineComposeContext<BuiltinOptions> & Reporter;
