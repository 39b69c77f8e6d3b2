import type { MessageSchema } from "../../src/engine/types";

/** The notes multi-stage makes, by id. */
export const messages: Record<string, MessageSchema> = {
  "already-multi-stage": {
    severity: "info",
    description: "The Dockerfile already has more than one stage, so it was not split again.",
  },
  "build-package-purge-dropped": {
    severity: "info",
    description:
      "The removal of build packages (apt-get purge, apk del) was left out of the split stages: the builder's packages never reach the runtime stage, so there is nothing left to remove.",
  },
  "git-in-builder": {
    severity: "info",
    description:
      "git stays in the builder stage, where pip needs it for git+ URLs, and the runtime stage gets it only when the image's own command runs it. If the application runs git in other ways, add it to the runtime stage.",
  },
  "healthcheck-tool-added": {
    severity: "info",
    description:
      "The HEALTHCHECK calls curl, wget or nc, which slim images do not have, so its package is installed in the runtime stage.",
  },
  "install-into-venv": {
    severity: "info",
    description:
      "The dependency install went into the image's own Python; it now goes into a virtual environment (/opt/venv) in the builder stage, which the runtime stage copies.",
  },
  "not-split": {
    severity: "info",
    description:
      "The single stage was not split into builder and runtime stages, for the reason the note gives: not a python:* image, no dependency install dfmod understands, instructions it cannot place in one stage or the other, or nothing a builder would keep out of the final image (--split always splits anyway). A warning when a split would lose something at run time (apk installs, a -dev package with no known runtime library, a build tool used after the install, ENV UV_SYSTEM_PYTHON): fix what the note names, or split the stage by hand.",
  },
  "poetry-in-project-venv": {
    severity: "info",
    description:
      "Poetry is told to install into an in-project virtual environment in the builder stage (POETRY_VIRTUALENVS_CREATE=true, POETRY_VIRTUALENVS_IN_PROJECT=true), which the runtime stage copies.",
  },
  split: {
    severity: "info",
    description:
      "The stage was split into a builder stage (build packages, build tools, the manifests and the install into a virtual environment) and a runtime stage on the same base that gets the virtual environment, the runtime libraries of the build packages, and the code, so what only the build needs stays out of the final image.",
  },
};
