/**
 * apt-no-recommends: an example of a transform written outside dfmod, loaded with
 *
 *   dfmod --transform examples/external-transform/apt-no-recommends.js Dockerfile
 *
 * `apt-get install` without `--no-install-recommends` installs every package its packages
 * recommend: often hundreds of megabytes the image never uses. This transform adds the flag, and
 * reports each RUN it changed. It is a CommonJS module that exports one transform with the same
 * API as dfmod's own (see docs/writing-a-transform.md).
 */
"use strict";

/** @type {import("dfmod").Transform} */
module.exports = {
  id: "apt-no-recommends",
  summary: "apt-get install gets --no-install-recommends: no recommended packages in the image",
  meta: {
    docs: "Adds `--no-install-recommends` to `apt-get install` commands that install recommended packages.",
    options: [
      {
        key: "aptKeepRecommends",
        flag: "apt-keep-recommends",
        type: "string",
        default: "",
        description: "packages whose recommendations are kept (comma-separated): their RUNs are left alone",
      },
    ],
    messages: {
      "recommends-dropped": {
        severity: "info",
        description:
          "apt-get install no longer installs recommended packages; add any the image needs to the install by name.",
      },
      "recommends-kept": {
        severity: "info",
        description: "the RUN installs a package listed in --apt-keep-recommends, so its recommendations stay.",
      },
    },
  },
  apply(ctx) {
    const keep = String(ctx.options.aptKeepRecommends ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const edits = [];
    for (const instruction of ctx.dockerfile.instructions) {
      // The shell view of a shell-form RUN: its commands and their words, with offsets.
      const script = instruction.shell();
      if (!script || script.hasError) continue;
      for (const command of script.commands) {
        const words = command.words.map((word) => word.text);
        const install = words.indexOf("install");
        if (words[0] !== "apt-get" || install < 0 || words.includes("--no-install-recommends")) continue;
        const kept = words.slice(install + 1).find((name) => keep.includes(name));
        if (kept) {
          ctx.report(instruction.line, "recommends-kept", `${kept}: recommended packages kept (--apt-keep-recommends)`);
          continue;
        }
        // Insert right after `install`: an edit into the text, as every transform makes them.
        const at = command.words[install].end;
        edits.push(...ctx.fix.replaceRange(instruction, at, at, " --no-install-recommends"));
        ctx.report(instruction.line, "recommends-dropped", "apt-get install --no-install-recommends");
      }
    }
    return { edits, notes: [] };
  },
};
