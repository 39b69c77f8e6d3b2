import type { TransformMeta } from "../../src/engine/types";
import { messages } from "./messages";

export const meta: TransformMeta = {
  docs: "Compose services that build the same Dockerfile with the same context, arguments and target build it once: the first keeps `build:` and names the image, the others use `image:` with `pull_policy: never`.",
  options: [
    {
      key: "imageName",
      flag: "image-name",
      type: "string",
      default: undefined,
      description: "the shared image's name (default: <compose project>:latest)",
    },
    {
      key: "dropDockerfileHealthcheck",
      flag: "drop-dockerfile-healthcheck",
      type: "boolean",
      default: false,
      description: "remove the shared Dockerfile's HEALTHCHECK when the services define their own",
    },
  ],
  messages,
};
