import type { TransformMeta } from "../../src/engine/types";
import { messages } from "./messages";

export const meta: TransformMeta = {
  docs: "A single-stage Python build becomes a builder stage, which installs the dependencies into a virtual environment with the compilers and headers, and a lean runtime stage that copies the environment and ships no compiler.",
  options: [
    {
      key: "split",
      flag: "split",
      type: "choice",
      choices: ["auto", "always"],
      default: "auto",
      description:
        "split only when a builder stage keeps build packages, a compiler step or a build tool out of the final image, or always",
    },
    {
      key: "builderStageName",
      flag: "builder-stage-name",
      type: "string",
      default: "builder",
      description: "the name of the build stage",
    },
    {
      key: "runtimeStageName",
      flag: "runtime-stage-name",
      type: "string",
      default: undefined,
      description: "a name for the runtime stage (default: as it was)",
    },
    {
      key: "runtime",
      flag: "runtime",
      type: "choice",
      choices: ["slim", "distroless"],
      default: "slim",
      description:
        "the runtime stage's base: the original image (slim), or gcr.io/distroless/python3-debian13:nonroot (no shell, no package manager), built from a Debian builder whose Python is at the same path",
    },
  ],
  messages,
};
