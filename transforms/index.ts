/** The registry: every transform, in pipeline order. */
import type { Transform } from "../src/engine/types";
import { alpineToTrixie } from "./alpine-to-trixie";
import { uvSync } from "./uv-sync";
import { copyOrder } from "./copy-order";
import { multiStage } from "./multi-stage";
import { composeSharedImage } from "./compose-shared-image";
import { dockerignore } from "./dockerignore";

export const transforms: Transform[] = [
  alpineToTrixie,
  uvSync,
  copyOrder,
  multiStage,
  composeSharedImage,
  dockerignore,
];

export function transformById(id: string): Transform | undefined {
  return transforms.find((t) => t.id === id);
}
