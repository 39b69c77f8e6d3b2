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
      "No uv cache mount was added: the install runs as a non-root user, whose cache folder is not /root/.cache/uv, or the file's `# syntax=` line pins a Dockerfile frontend older than 1.2, which has no RUN --mount.",
  },
  "uv-lock-copied": {
    severity: "info",
    description:
      "The stage copied pyproject.toml alone before the install; uv sync --frozen installs what uv.lock pins and fails without it, so uv.lock is copied beside it.",
  },
  "uv-default-groups-left-out": {
    severity: "info",
    description:
      "pyproject.toml's `[tool.uv] default-groups` names groups besides dev (or `all`), which uv sync installs unless told not to; `--no-dev` leaves out only dev, and the `uv pip install` it replaces installed no group. `--no-group NAME` for each keeps them out of the image.",
  },
  "uv-python-pinned": {
    severity: "info",
    description:
      "The image copies a .python-version that names another Python minor than the image's own. uv sync reads it (uv pip install --system did not) and would look for that Python, which the image does not have: it fails where uv may not download one, and builds on another Python where it may. `--python 3.N`, the image's minor, keeps the install on the Python it used before.",
  },
  "uv-sync-would-differ": {
    severity: "warning",
    description:
      "A `uv pip install` was not converted to `uv sync` (multi-stage may still move it into a virtual environment of its own) because `uv sync` would not do what it did: the RUN changes folder before it (uv sync makes .venv in the folder it runs in), activates the environment for commands after it, or runs more commands after it (`&& python -m spacy download ...`: the ENV PATH that reaches the environment comes after the RUN), something runs pip after it (spaCy's model download, which installs the model with pip, or a pip install when the container starts: uv's environments have no pip), the image resets PATH (a login shell in SHELL, CMD, ENTRYPOINT or a script they run, `su -`, sudo, or a later ENV PATH written out without $PATH), the environment's folder is an expansion (uv sync ignores VIRTUAL_ENV), the project is not a package (no [build-system]: uv sync does not install it), uv.lock lacks a dependency pyproject.toml names (locked before it was added: uv sync --frozen would leave it out), uv.lock is not copied beside pyproject.toml where dfmod cannot add it, the project's requires-python excludes the image's Python (uv sync refuses it), or the image is not the official python image (AWS Lambda's, a framework's: its own Python and scripts would not see a virtual environment). The note says which; change that, then run dfmod again.",
  },
  "other-install-left": {
    severity: "warning",
    description:
      "The stage installs with pip or uv pip besides the installs that would become uv sync (`pip install --no-deps .`, `uv pip install --system gunicorn`). Those would not go into the virtual environment uv sync makes (it has no pip; `--system` is the image's Python), so nothing is converted. Install everything through uv sync (uv add the extra packages), then run dfmod again.",
  },
  "pip-install-uv-compound": {
    severity: "warning",
    description:
      "`pip install uv` inside a compound command (an `if`, a subshell, `||` or a pipe) was left as it is. Replace it by hand with `COPY --from=ghcr.io/astral-sh/uv /uv /uvx /bin/` if you want the static binary.",
  },
  "pip-install-uv-left": {
    severity: "info",
    description:
      "`pip install uv` was kept: the stage calls uv by the path pip put it at (`/usr/local/bin/uv`, `python -m uv`), which the uv image would not provide, or the install puts uv somewhere of its own (--user, --target, --prefix), or it asks for a uv older than 0.4 (whose image has no uvx) or a version range that the uv image dfmod would copy does not meet.",
  },
  "system-path-left": {
    severity: "warning",
    description:
      "The stage names a path of the image's own Python after the install or at run time (`/usr/local/bin/gunicorn`, `/usr/local/bin/python`, site-packages; in CMD, ENTRYPOINT, HEALTHCHECK, a later RUN or a script they run), another stage copies such a path out of it (`COPY --from=builder /usr/local/lib/python3.12 ...`), or a stage built FROM it installs more with pip. uv sync installs into a virtual environment, where that path would not lead, so the uv pip install is left as it is. Change the path (a command name found on PATH works), then run dfmod again.",
  },
  "uv-too-old": {
    severity: "warning",
    description:
      "The stage's uv (from the uv image's tag, or pip install uv==...) is older than 0.4, or pip installs it with a version range that may give one (`uv<0.5`). uv 0.4 changed how uv sync handles projects (a project that is not a package is no longer built and installed), and uv.lock files written by current uv are what uv sync reads, so the uv pip install is left as it is. Move the uv image to a current version, then run dfmod again.",
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
