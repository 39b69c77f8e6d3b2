import type { MessageSchema } from "../../src/engine/types";

/** The notes uv-sync makes, by id. */
export const messages: Record<string, MessageSchema> = {
  "heredoc-not-rewritten": {
    severity: "warning",
    description:
      "A heredoc RUN runs `uv pip install`, and dfmod does not rewrite heredoc bodies, so it was left as it is. Convert it to `uv sync` by hand if you want the lockfile workflow there.",
  },
  "no-build-context": {
    severity: "info",
    description:
      "The Dockerfile came without a build context (stdin), so dfmod assumed that pyproject.toml and uv.lock are in the context when it converted to `uv sync`; if they are not, run `uv lock` first.",
  },
  "no-uv-cache-mount": {
    severity: "info",
    description:
      "No uv cache mount was added: the install runs as a non-root user, whose cache folder is not /root/.cache/uv.",
  },
  "pip-install-uv-compound": {
    severity: "warning",
    description:
      "`pip install uv` inside a compound command (an `if`, a subshell, `||` or a pipe) was left as it is. Replace it by hand with `COPY --from=ghcr.io/astral-sh/uv /uv /uvx /bin/` if you want the static binary.",
  },
  "pip-install-uv-left": {
    severity: "info",
    description:
      "`pip install uv` was kept: the stage calls uv by the path pip put it at (`/usr/local/bin/uv`, `python -m uv`), which the uv image would not provide, or the install puts uv somewhere of its own (--user, --target, --prefix).",
  },
  "uv-too-old": {
    severity: "warning",
    description:
      "The stage's uv (from the uv image's tag, or pip install uv==...) is older than 0.4. uv 0.4 changed how uv sync handles projects (a project that is not a package is no longer built and installed), and uv.lock files written by current uv are what uv sync reads, so the uv pip install is left as it is. Move the uv image to a current version, then run dfmod again.",
  },
  "uv-binary-copy": {
    severity: "info",
    description:
      "`pip install uv` became a COPY of the static uv binary from the uv image (ghcr.io/astral-sh/uv), so nothing is installed into the image's Python for it.",
  },
  "uv-no-cache-removed": {
    severity: "info",
    description: "ENV UV_NO_CACHE was removed: uv's cache lives in a BuildKit cache mount, not in the image.",
  },
  "uv-pip-left": {
    severity: "info",
    description:
      "A `uv pip install` that cannot become `uv sync` was left as it is: it installs from requirements files (the note says how to move to a lockfile), uses constraint files or shell expansions, installs packages by name or from other paths or from another folder's pyproject.toml, or has an option uv sync has no counterpart for.",
  },
  "uv-project-environment": {
    severity: "info",
    description:
      "ENV UV_PROJECT_ENVIRONMENT was added so that `uv sync` fills the virtual environment the image already used, not the project's .venv.",
  },
  "uv-project-missing": {
    severity: "action-needed",
    description:
      "The build context has no pyproject.toml or no uv.lock, which `uv sync` needs, so the install was left as it is. Without pyproject.toml, run `uv init` and `uv add -r requirements.txt`, then `uv lock`; without uv.lock, run `uv lock` and commit uv.lock; then run dfmod again.",
  },
  "uv-sync": {
    severity: "info",
    description:
      "`uv pip install` from pyproject.toml (or of the project itself) became `uv sync`, which installs exactly what uv.lock pins into the project's virtual environment: the dependencies first (--no-install-project), then the project when it was installed, with uv's cache in a BuildKit cache mount.",
  },
  "uv-system-python-ignored": {
    severity: "info",
    description:
      "ENV UV_SYSTEM_PYTHON has no effect on `uv sync`, which always installs into the project's virtual environment.",
  },
  "venv-path-added": {
    severity: "info",
    description:
      "ENV PATH was added with the virtual environment's bin folder in front, so python and the installed tools are found in the environment.",
  },
  "venv-setup-compound": {
    severity: "warning",
    description:
      "Virtual environment or pip set-up (creating or activating a venv, upgrading pip) joined with `||` or a pipe was left as it is. `uv sync` makes and fills the environment itself: remove that set-up by hand.",
  },
  "venv-setup-removed": {
    severity: "info",
    description:
      "Virtual environment set-up (creating or activating a venv, upgrading pip, setuptools or wheel) was removed: `uv sync` makes and fills the environment itself.",
  },
};
