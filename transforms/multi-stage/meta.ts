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
  ],
  messages,
};
