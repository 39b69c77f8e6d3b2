import type { TransformMeta } from "../../src/engine/types";
import { messages } from "./messages";
import { packageEntry } from "./user-packages";
import { pythonOption } from "../python-version";

export const meta: TransformMeta = {
  docs: "Alpine base images become Debian trixie (slim by default), apk becomes apt-get with Debian's package names, BusyBox user commands become useradd / groupadd, and the paths that differ (tini, su-exec, ash) follow. A stage is migrated whole or not at all.",
  options: [
    {
      key: "targetVariant",
      flag: "target-variant",
      type: "choice",
      choices: ["slim-trixie", "trixie"],
      default: "slim-trixie",
      description: "slim images or the full ones",
    },
    {
      key: "allStages",
      flag: "all-stages",
      type: "boolean",
      default: false,
      description: "also migrate Alpine stages that install no Python dependencies",
    },
    {
      key: "strict",
      flag: "strict",
      type: "boolean",
      default: false,
      description: "fail a file (exit 2, file untouched) on an Alpine package with no known Debian name",
    },
    {
      key: "packages",
      flag: "package",
      type: "map",
      configKey: "packages",
      default: {},
      description:
        "an Alpine package's Debian name, as alpine=debian (repeatable; wins over the built-in map and the config's packages)",
      entry(name, value) {
        const entry = packageEntry(name, value);
        return typeof entry === "string" ? { error: entry } : { value: entry };
      },
    },
    pythonOption,
  ],
  messages,
};
