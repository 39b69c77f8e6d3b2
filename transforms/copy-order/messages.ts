import type { MessageSchema } from "../../src/engine/types";

/** The notes copy-order makes, by id. */
export const messages: Record<string, MessageSchema> = {
  "chown-to-copy-chown": {
    severity: "info",
    description:
      "A `chown -R` of the copied code became COPY --chown, and a `chown` without -R of the folder itself (which COPY --chown does not change): a chown -R in a layer of its own stores every copied file a second time.",
  },
  "manifests-first": {
    severity: "info",
    description:
      "The files the dependency install needs (requirements files, pyproject.toml, lockfiles, local package folders) are now copied before the install, and the rest of the code after it, so a code change no longer re-runs the install.",
  },
  "order-left": {
    severity: "info",
    description:
      "The layer order was left as it is, for the reason the note gives: something between the code copy and the install may need the code or change which file wins (a WORKDIR, another COPY or ADD, a RUN), the install is part of a compound command, or the files it needs cannot be named or are not in the build context.",
  },
  "workdir-owner": {
    severity: "warning",
    description:
      "COPY --chown changes the owner of the copied files, and the chown left without -R that of the folder itself, but what was put in the folder before the code copy stays owned by root. If the application writes there at run time, chown just that path.",
  },
};
