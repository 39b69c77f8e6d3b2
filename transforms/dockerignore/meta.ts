import type { TransformMeta } from "../../src/engine/types";
import { messages } from "./messages";

export const meta: TransformMeta = {
  docs: "When a stage copies the whole build context (`COPY . .`), the context's .dockerignore gets .venv, .git, __pycache__ and the like, so a local virtual environment or the repository's history never reaches the image or breaks the cache.",
  options: [],
  messages,
  editsDockerfile: false,
};
