import type { MessageSchema } from "../../src/engine/types";

/** The notes dockerignore makes, by id. */
export const messages: Record<string, MessageSchema> = {
  "dockerignore-created": {
    severity: "info",
    description:
      "The Dockerfile copies the whole build context (COPY . .) and the context had no .dockerignore, so dfmod created one that keeps out .venv, .git, __pycache__, *.pyc and tool caches (and node_modules beside a package.json). A host .venv copied into the image would be dead weight, or replace the image's own virtual environment.",
  },
  "dockerignore-extended": {
    severity: "info",
    description:
      "The Dockerfile copies the whole build context (COPY . .), and the .dockerignore that applies to it (the context's, or the Dockerfile's own <Dockerfile>.dockerignore) lacked some of .venv, .git, __pycache__, *.pyc, tool caches or node_modules: dfmod added the missing entries and kept everything already there.",
  },
  "dockerignore-unreadable": {
    severity: "warning",
    description:
      "The .dockerignore that applies to this Dockerfile is there but cannot be read (no permission, or not a regular file), so dfmod cannot add the entries it lacks and leaves it as it is. Make it readable and run dfmod again, or add the entries the note lists by hand.",
  },
};
