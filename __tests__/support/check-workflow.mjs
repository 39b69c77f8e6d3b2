// Validates GitHub Actions workflow files with GitHub's own parser and workflow schema
// (@actions/workflow-parser): prints a JSON array of the errors of each file given, in order.
import * as fs from "node:fs";
import { register } from "node:module";

register("./json-import-hooks.mjs", import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

const out = [];
for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: file, content: fs.readFileSync(file, "utf8") }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) if (!errors.includes(e.Message)) errors.push(e.Message);
  }
  out.push(errors);
}
process.stdout.write(JSON.stringify(out));
