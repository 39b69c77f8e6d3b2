/**
 * SARIF 2.1.0 for code-scanning UIs: one result per change a file would get (level note) and per
 * action-needed note (level warning), per error (level error). A change's rule id is the transform
 * id; a note's is `transform/note-id`.
 */
import * as path from "node:path";
import type { FileResult } from "../process";
import { quotePath } from "../write";
import type { Transform } from "../engine/types";
import pkg from "../../package.json";

export function toSarif(results: FileResult[], transforms: Transform[]): object {
  const sarifResults: object[] = [];
  // A rule per note id (`alpine-to-trixie/left-on-alpine`): code-scanning tools group and dismiss by rule.
  const noteRules = new Map<string, object>();
  const location = (file: string, line?: number) => [
    {
      physicalLocation: {
        artifactLocation: { uri: file.split("\\").join("/") },
        ...(line ? { region: { startLine: line } } : {}),
      },
    },
  ];
  for (const r of results) {
    if (r.error) {
      sarifResults.push({
        ruleId: "dfmod",
        level: "error",
        message: { text: r.error.message },
        locations: location(r.path, r.error.line),
      });
    }
    if (r.changed && !r.error) sarifResults.push(...changeResults(r, location));
    for (const n of r.notes) {
      if (n.severity !== "action-needed") continue;
      const ruleId = `${n.transform}/${n.id}`;
      if (!noteRules.has(ruleId)) {
        // The transform's catalogue says what the note means; dfmod's own notes quote the first message.
        const messages = transforms.find((t) => t.id === n.transform)?.meta.messages;
        const schema = messages && Object.hasOwn(messages, n.id) ? messages[n.id] : undefined;
        noteRules.set(ruleId, {
          id: ruleId,
          shortDescription: { text: `${n.transform}: ${n.id.replace(/-/g, " ")}` },
          help: { text: schema?.description ?? `The first message of this kind in this run: ${n.message}` },
        });
      }
      sarifResults.push({
        ruleId,
        level: "warning",
        message: { text: n.message },
        locations: location(r.path, n.line),
      });
    }
  }
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "dfmod",
            version: pkg.version,
            rules: [
              {
                id: "dfmod",
                shortDescription: {
                  text: "dfmod itself: a file it could not process, or a change outside the transforms (a compose volume over a migrated environment)",
                },
              },
              ...transforms.map((t) => ({ id: t.id, shortDescription: { text: t.summary } })),
              ...[...noteRules.values()],
            ],
          },
        },
        results: sarifResults,
      },
    ],
  };
}

/** One result per transform that would change the file (level note), at the first line it names. */
function changeResults(r: FileResult, location: (file: string, line?: number) => object[]): object[] {
  // A companion file (.dockerignore) is not a Dockerfile: its folder is what to run dfmod on.
  const fix = r.companion ? path.posix.dirname(r.path.split("\\").join("/")) : r.path;
  return r.transforms.map((id) => {
    const lines = r.notes.filter((n) => n.transform === id).map((n) => n.line);
    return {
      ruleId: id,
      level: "note",
      message: { text: `${id} would change this file; run \`dfmod --write ${quotePath(fix)}\`` },
      locations: location(r.path, lines.length ? Math.min(...lines) : 1),
    };
  });
}
