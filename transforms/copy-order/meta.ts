import type { TransformMeta } from "../../src/engine/types";
import { messages } from "./messages";

export const meta: TransformMeta = {
  docs: "The dependency manifests (pyproject.toml and uv.lock, requirements files, poetry or Pipenv files) are copied and installed before the code is copied, so that a code change no longer re-runs the install; the code copy comes last, with --chown where the original changed owners afterwards.",
  options: [],
  messages,
};
