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
  distroless: {
    severity: "info",
    description:
      "--runtime distroless: the runtime stage is gcr.io/distroless/python3-debian13:nonroot (Debian 13's Python 3.13 at /usr/bin/python3, no shell, no package manager, user nonroot 65532), and the builder is debian:trixie-slim with Debian's python3, so the virtual environment's interpreter path exists in the runtime stage.",
  },
  "distroless-exec-form": {
    severity: "info",
    description:
      "A shell-form CMD or ENTRYPOINT that is a plain command (no operators, expansions, redirections or globs) is written in exec form: distroless has no /bin/sh to run the shell form.",
  },
  "distroless-healthcheck-dropped": {
    severity: "info",
    description:
      "The HEALTHCHECK needs a shell or a tool distroless does not have (curl, wget, nc), and every compose service that builds the image defines its own healthcheck, so the Dockerfile's goes.",
  },
  "distroless-libraries": {
    severity: "info",
    description:
      "Distroless has no apt: the runtime libraries the slim runtime would install are copied from the builder, with every library they link to (found with ldd), through one staging folder and one COPY.",
  },
  "distroless-python-minor": {
    severity: "warning",
    description:
      "The image had another Python minor than distroless' 3.13; the project's requires-python allows 3.13, so the runtime stage is distroless anyway. Test the application on Python 3.13.",
  },
  "distroless-run-moved": {
    severity: "info",
    description:
      "A RUN after the code copy that only builds from the code (collectstatic, compilemessages, compileall) runs in the builder stage after a copy of the code, and the runtime stage copies the code folder with its result from there: distroless has no shell to run it. A warning for collectstatic: its STATIC_ROOT must be inside the code folder.",
  },
  "distroless-user": {
    severity: "info",
    description:
      "Distroless cannot create users: a user the original created becomes distroless' nonroot (uid 65532), in USER and in --chown. A warning when the original ran as root: the distroless image runs as nonroot.",
  },
  "runtime-compiler-dropped": {
    severity: "warning",
    description:
      "The split leaves the C compiler the original image had (build-essential, gcc, g++, clang) in the builder, and the install brings a package that compiles code at run time: torch (torch.compile on CPU fails without a C++ compiler), triton, vllm, sglang (triton's launcher), PyTensor and PyMC (which fall back to much slower Python code). If the application uses that, install the compiler in the runtime stage.",
  },
  "git-in-builder": {
    severity: "info",
    description:
      "git stays in the builder stage, where pip needs it for git+ URLs and versions taken from git (setuptools-scm, hatch-vcs). The runtime stage gets it too when the image's own command runs it, when the install brings a package that runs the git program (GitPython, pre-commit), when the original installs it after the dependency install, or when the build context shows the install needs no git (the image had it for the application). Otherwise, if the application runs git, add it to the runtime stage.",
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
  "openmp-runtime-kept": {
    severity: "info",
    description:
      "The builder installs a GNU compiler (gcc, g++, gfortran, build-essential), which brings OpenMP's runtime, libgomp1, into the image. Extensions built with -fopenmp, and wheels that do not bundle it (lightgbm, xgboost), load it at run time, so the runtime stage installs libgomp1 (a few hundred KB) although it gets no compiler.",
  },
  "not-split": {
    severity: "info",
    description:
      "The single stage was not split into builder and runtime stages, for the reason the note gives: not the official python image (python:*; another owner's image named python, such as AWS Lambda's, has its own layout and entrypoint), no dependency install dfmod understands, instructions it cannot place in one stage or the other, or nothing a builder would keep out of the final image (--split always splits anyway). A warning when a split would lose something at run time (apk installs, a -dev package with no known runtime library, a build tool or uv used after the install, ENV UV_SYSTEM_PYTHON, a path of the image's Python named at run time, a login shell, `su -`, sudo or a copied crontab that sets its own PATH without the new environment): fix what the note names, or split the stage by hand.",
  },
  "not-distroless": {
    severity: "warning",
    description:
      "--runtime distroless was asked for, but the runtime stage keeps the original (slim) image, for the reason the note gives: a Python minor other than 3.13 that requires-python does not allow, a runtime package that is not a shared library, a RUN, SHELL or shell-form command the runtime stage would need a shell for, a command that runs a script by its path (which may need a shell or /usr/bin/env), a HEALTHCHECK that needs a shell or curl with no compose healthcheck to replace it, or a user distroless does not have. Fix what the note names, or keep the slim runtime.",
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
