import type { TransformMeta } from "../../src/engine/types";
import { messages } from "./messages";

export const meta: TransformMeta = {
  docs: "Debian bookworm and bullseye images (python's `-slim-bookworm`, `-slim-bullseye`, `-slim`, `-bookworm`; `debian:bookworm*`, `bullseye*`) become the trixie tags that exist, and the apt package names of their stages follow trixie (the t64 renames, new sonames, replaced packages). A stage that needs a package trixie does not have, pins a package version or names its old release stays as it was. Opt-in (`-t debian-to-trixie`); `--python` also runs it.",
  options: [],
  messages,
  optIn: true,
  turnedOnBy: ["python"],
};
