/** The registry: every transform, in pipeline order. */
import type { Transform } from "../src/engine/types";
import { optionDefaults } from "../src/options";
import type { BuiltinOptions } from "./options";
import { alpineToTrixie } from "./alpine-to-trixie";
import { debianToTrixie } from "./debian-to-trixie";
import { uvSync } from "./uv-sync";
import { copyOrder } from "./copy-order";
import { multiStage } from "./multi-stage";
import { composeSharedImage } from "./compose-shared-image";
import { dockerignore } from "./dockerignore";

// dockerignore edits no Dockerfile; first, its note names the code copy's line before others move it.
export const transforms: Transform[] = [
  dockerignore,
  alpineToTrixie,
  debianToTrixie,
  uvSync,
  copyOrder,
  multiStage,
  composeSharedImage,
];

export function transformById(id: string): Transform | undefined {
  return transforms.find((t) => t.id === id);
}

/** Every built-in option's default, from the transforms' schemas. */
export const defaultOptions = optionDefaults(transforms) as BuiltinOptions;
