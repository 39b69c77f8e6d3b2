/**
 * Each transform's page, docs/transforms/<id>.md, ends with its options and messages generated from
 * its meta (scripts/docs.js; `npm run docs` rewrites them): the page must say what the code does.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { transforms } from "../transforms";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const docs = require("../scripts/docs.js") as {
  update(page: string, transform: unknown): string;
  pageOf(id: string): string;
};

for (const t of transforms) {
  test(`docs/transforms/${t.id}.md lists the options and messages its meta declares (npm run docs)`, () => {
    const file = docs.pageOf(t.id);
    const page = fs.readFileSync(file, "utf8");
    // Formatted as the repository formats Markdown (prettier's CLI: its API needs ES modules).
    const prettier = path.join(__dirname, "..", "node_modules", "prettier", "bin", "prettier.cjs");
    const formatted = spawnSync(process.execPath, [prettier, "--stdin-filepath", file], {
      input: docs.update(page, t),
      encoding: "utf8",
    });
    expect(formatted.stderr).toBe("");
    expect(page).toBe(formatted.stdout);
    for (const id of Object.keys(t.meta.messages)) expect(page).toContain(`| \`${id}\``);
  });
}
