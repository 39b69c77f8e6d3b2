/**
 * SARIF 2.1.0 for code-scanning UIs: one result per change a file would get (level note) and per
 * action-needed note (level warning), per error (level error); the rule id is the transform id.
 */
import type { FileResult } from "../process";
import { transforms } from "../../transforms";
import pkg from "../../package.json";

export function toSarif(results: FileResult[]): object {
  const sarifResults: object[] = [];
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
    if (r.changed && !r.error) {
      for (const id of r.transforms) {
        const lines = r.notes.filter((n) => n.transform === id).map((n) => n.line);
        sarifResults.push({
          ruleId: id,
          level: "note",
          message: { text: `${id} would change this file; run \`dfmod --write ${r.path}\`` },
          locations: location(r.path, lines.length ? Math.min(...lines) : undefined),
        });
      }
    }
    for (const n of r.notes) {
      if (n.severity !== "action-needed") continue;
      sarifResults.push({
        ruleId: n.transform,
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
              { id: "dfmod", shortDescription: { text: "a file dfmod could not process" } },
              ...transforms.map((t) => ({ id: t.id, shortDescription: { text: t.summary } })),
            ],
          },
        },
        results: sarifResults,
      },
    ],
  };
}
