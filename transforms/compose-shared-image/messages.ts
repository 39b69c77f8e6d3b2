import type { MessageSchema } from "../../src/engine/types";

/** The notes compose-shared-image makes, by id. */
export const messages: Record<string, MessageSchema> = {
  "healthcheck-removed": {
    severity: "info",
    description:
      "With --drop-dockerfile-healthcheck, the HEALTHCHECK of a Dockerfile that several compose services build was removed: services that share it define their own healthcheck, which takes its place.",
  },
  "invalid-yaml": {
    severity: "warning",
    description:
      "The compose file is not valid YAML, so it was left as it is. Fix the error the note names and run dfmod again.",
  },
  "shared-healthcheck": {
    severity: "info",
    description:
      "Several compose services build this Dockerfile and some of them define their own healthcheck, so the Dockerfile's HEALTHCHECK is wrong for most of them. It was kept; --drop-dockerfile-healthcheck removes it.",
  },
  "shared-image": {
    severity: "info",
    description:
      "Several compose services built the same image (same context, Dockerfile, args and target). Now the first builds it under an explicit image: name, and the others use that image with pull_policy: never, since it is built locally and never pulled.",
  },
  "shared-image-left": {
    severity: "info",
    description:
      "Several compose services build the same image, but they were left as they are: some have profiles (so no one of them is sure to build it), their own image names, or flow-style mappings.",
  },
  "shared-image-trade-off": {
    severity: "warning",
    description:
      "Once the services share one image, `docker compose build` of a service that only uses it builds nothing, and `docker compose up` or `run` of that service alone needs the image built first. Build it through the service that builds it (the note names the command), or bring everything up.",
  },
  "templated-compose": {
    severity: "info",
    description: "The compose file is a template (Jinja {{ }} or {% %}), not plain YAML, so it was left as it is.",
  },
};
