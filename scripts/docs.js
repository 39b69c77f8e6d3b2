// The generated part of docs/transforms/<id>.md: a transform's options and messages, from its
// `meta`. `npm run docs` rewrites it (after a build); __tests__/docs.test.ts fails when a page
// is out of date.
const fs = require("node:fs");
const path = require("node:path");

const START = "<!-- generated: options and messages (npm run docs) -->";
const END = "<!-- end generated -->";

const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The Markdown between the markers for one transform. */
function section(transform) {
  const out = [];
  const options = transform.meta.options;
  out.push("## Options", "");
  if (options.length === 0) out.push("None.", "");
  else {
    out.push("| Flag | Config | Default | What it does |", "| --- | --- | --- | --- |");
    for (const o of options) {
      const flag =
        o.type === "map"
          ? `\`--${o.flag} name=value\``
          : o.type === "boolean"
            ? `\`--${o.flag}\``
            : `\`--${o.flag} <value>\``;
      const config = o.type === "map" ? `\`"${o.configKey}": {...}\`` : `\`"options": {"${o.flag}": ...}\``;
      const shown = o.default === undefined ? "(none)" : o.type === "map" ? "{}" : `\`${String(o.default)}\``;
      const choices = o.choices ? ` (${o.choices.map((c) => `\`${c}\``).join(", ")})` : "";
      out.push(`| ${flag} | ${config} | ${shown} | ${cell(o.description + choices)} |`);
    }
    out.push("");
  }
  out.push("## Messages", "", "| Id | Severity | Meaning |", "| --- | --- | --- |");
  for (const [id, m] of Object.entries(transform.meta.messages).sort(([a], [b]) => a.localeCompare(b)))
    out.push(`| \`${id}\` | ${m.severity} | ${cell(m.description)} |`);
  return out.join("\n");
}

/** A page with its generated part replaced; throws when the markers are missing. */
function update(page, transform) {
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`the page of ${transform.id} has no generated section markers`);
  return `${page.slice(0, a)}${START}\n\n${section(transform)}\n\n${page.slice(b)}`;
}

const pageOf = (id) => path.join(__dirname, "..", "docs", "transforms", `${id}.md`);

module.exports = { section, update, pageOf };

if (require.main === module) {
  const { transforms } = require("../dist/transforms");
  for (const t of transforms) {
    const file = pageOf(t.id);
    fs.writeFileSync(file, update(fs.readFileSync(file, "utf8"), t));
  }
}
