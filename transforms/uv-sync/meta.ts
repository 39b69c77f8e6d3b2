import type { TransformMeta } from "../../src/engine/types";
import { messages } from "./messages";

export const meta: TransformMeta = {
  docs: "`uv pip install` and the virtual-environment scaffolding around it become `uv sync --frozen --no-dev --no-install-project` with a cache mount, as uv's Docker guide does it, when the build context has a uv project (pyproject.toml and uv.lock).",
  options: [
    {
      key: "uvCheck",
      flag: "uv-check",
      type: "choice",
      choices: ["frozen", "locked"],
      default: "frozen",
      description: "`uv sync --frozen` (install the lock as it is) or `--locked` (fail when it is out of date)",
    },
    {
      key: "uvVersion",
      flag: "uv-version",
      type: "string",
      default: "0.12.5",
      description: "uv image tag for `pip install uv` replacements",
    },
    {
      key: "cacheMounts",
      flag: "cache-mounts",
      type: "boolean",
      default: true,
      description: "give dependency installs a BuildKit cache mount (--no-cache-mounts turns it off)",
    },
  ],
  messages,
};
