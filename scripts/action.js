#!/usr/bin/env node
// The GitHub Action (action.yml): `dfmod --check` over the paths given, the report (SARIF by
// default) written to a file for the code-scanning upload step, its path in the step's outputs,
// and a job summary: a table of the files that would change or have notes that fail the run.
// Inputs come as INPUT_* environment variables (action.yml maps them: a composite action does not
// set them itself): INPUT_PATHS, INPUT_TRANSFORMS, INPUT_FAIL_ON, INPUT_FORMAT, INPUT_REPORT.
// It exits with dfmod's exit code: 0 nothing to do, 1 files would change or notes fail the run
// (--fail-on), 2 an error (in a file, or an input dfmod cannot take).
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const cli = path.join(__dirname, "..", "dist", "src", "cli.js");
const FORMATS = ["sarif", "json", "text"];
const LEVELS = ["never", "warning", "action-needed"];

/** An input as the runner passes it (`INPUT_FAIL_ON`, or `INPUT_FAIL-ON` as for JavaScript actions), trimmed. */
function input(env, name) {
  return rawInput(env, name).trim();
}

/** An input as the runner passes it, untrimmed: a block scalar (`paths: |`) ends with a line break. */
function rawInput(env, name) {
  const upper = name.toUpperCase();
  return env[`INPUT_${upper.replace(/-/g, "_")}`] ?? env[`INPUT_${upper}`] ?? "";
}

/**
 * The paths input: one per line when it has a line break (a block scalar's one line too, so names
 * may hold spaces), else separated by spaces.
 */
function splitPaths(text) {
  const parts = text.trim() !== "" && text.includes("\n") ? text.split(/\r?\n/) : text.split(/\s+/);
  const paths = parts.map((p) => p.trim()).filter(Boolean);
  return paths.length ? paths : ["."];
}

/** The inputs, checked; a message instead when one cannot be taken. */
function readInputs(env) {
  const format = input(env, "format") || "sarif";
  const failOn = input(env, "fail-on");
  if (!FORMATS.includes(format)) return { error: `format: must be one of ${FORMATS.join(", ")} (got "${format}")` };
  if (failOn && !LEVELS.includes(failOn))
    return { error: `fail-on: must be one of ${LEVELS.join(", ")} (got "${failOn}")` };
  const transforms = input(env, "transforms")
    .split(/[\s,]+/)
    .filter(Boolean)
    .join(",");
  const dir = env.RUNNER_TEMP || process.cwd();
  const report = input(env, "report") || (format === "text" ? "" : path.join(dir, `dfmod.${format}`));
  return { format, failOn, transforms, report, paths: splitPaths(rawInput(env, "paths")) };
}

/** dfmod's arguments for a format: the options, then the paths after `--` (whatever they look like). */
function args(inputs, format) {
  const out = ["--check", "--format", format];
  if (inputs.transforms) out.push("-t", inputs.transforms);
  if (inputs.failOn) out.push("--fail-on", inputs.failOn);
  return [...out, "--", ...inputs.paths];
}

function dfmod(argv, cwd, inherit) {
  const r = spawnSync(process.execPath, [cli, ...argv], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  if (r.error) throw r.error;
  return { code: r.status ?? 2, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Severities shown in the summary: action-needed always, warnings too when they fail the run. */
function shownSeverities(failOn) {
  return failOn === "warning" ? ["action-needed", "warning"] : ["action-needed"];
}

/** A table cell's text: one line, no pipe that would end the cell, no HTML. */
function cell(text) {
  return String(text)
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ");
}

/** A path as a shell word, for the command the summary suggests. */
function shellWord(p) {
  return /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** The files worth a row: those that would change, have an error, or have notes the summary shows. */
function rows(report, severities) {
  const out = [];
  for (const f of report.files) {
    const notes = f.notes.filter((n) => severities.includes(n.severity));
    if (!f.changed && !f.error && notes.length === 0) continue;
    const change = f.error ? `error: ${f.error.message}` : f.changed ? f.transforms.join(", ") || "dfmod" : "";
    const noteText = notes.map((n) => cell(`line ${n.line}: ${n.severity} ${n.transform}: ${n.message}`)).join("<br>");
    out.push(`| \`${cell(f.path)}\` | ${cell(change)} | ${noteText} |`);
  }
  return out;
}

/** The job summary in markdown: the counts, then the table (or a line saying there is nothing to do). */
function summaryMarkdown(report, inputs, code) {
  const s = report.summary;
  const severities = shownSeverities(inputs.failOn);
  const lines = [
    "## dfmod",
    "",
    `${s.files} file${s.files === 1 ? "" : "s"} scanned: ${s.changed} would change, ${s.errors} error${s.errors === 1 ? "" : "s"}; ` +
      `notes: ${s.notes["action-needed"]} action-needed, ${s.notes.warning} warning${s.notes.warning === 1 ? "" : "s"}. Exit code ${code}.`,
    "",
  ];
  const table = rows(report, severities);
  if (table.length === 0) return [...lines, "Nothing to change, and no notes that need you.", ""].join("\n");
  lines.push("| file | would change (transforms) | notes |", "| --- | --- | --- |", ...table, "");
  if (s.changed > 0)
    lines.push(`Run \`dfmod --write ${inputs.paths.map(shellWord).join(" ")}\` and commit the result.`, "");
  return lines.join("\n");
}

/** The step's log for the JSON and SARIF formats (their document goes to the report file). */
function logLines(report) {
  const out = [];
  for (const f of report.files) {
    if (f.error) out.push(`${f.path}: error: ${f.error.message}`);
    if (f.changed) out.push(`${f.path}: would change (${f.transforms.join(", ")})`);
    for (const n of f.notes)
      if (n.severity !== "info") out.push(`${f.path}:${n.line}:1: ${n.severity} ${n.transform}: ${n.message}`);
  }
  return out;
}

/** Appends `name=value` lines to the file the runner reads outputs from. */
function setOutputs(env, outputs) {
  if (!env.GITHUB_OUTPUT) return;
  const text = Object.entries(outputs)
    .map(([k, v]) => `${k}=${String(v).replace(/\r?\n/g, " ")}\n`)
    .join("");
  fs.appendFileSync(env.GITHUB_OUTPUT, text);
}

/**
 * The JSON report (the summary's source), and the run in the format asked for: its exit code, and
 * the report file written (none for text, or when dfmod could not run).
 */
function check(inputs, cwd) {
  const json = dfmod(args(inputs, "json"), cwd, false);
  let report;
  try {
    report = JSON.parse(json.stdout);
  } catch {
    // A command line dfmod cannot take (an unknown transform): its message, and no report.
    process.stderr.write(json.stderr);
    return { code: json.code === 0 ? 2 : json.code, written: "" };
  }
  if (inputs.format === "text") return { report, code: dfmod(args(inputs, "text"), cwd, true).code, written: "" };
  const run = inputs.format === "json" ? json : dfmod(args(inputs, inputs.format), cwd, false);
  process.stderr.write(run.stderr);
  const written = path.resolve(cwd, inputs.report);
  fs.mkdirSync(path.dirname(written), { recursive: true });
  fs.writeFileSync(written, run.stdout);
  for (const line of logLines(report)) console.log(line);
  return { report, code: run.code, written };
}

function main(env, cwd) {
  const inputs = readInputs(env);
  if (inputs.error) {
    process.stderr.write(`dfmod action: ${inputs.error}\n`);
    return 2;
  }
  const { report, code, written } = check(inputs, cwd);
  const s = report?.summary;
  setOutputs(env, {
    "exit-code": code,
    report: written,
    "sarif-file": inputs.format === "sarif" ? written : "",
    changed: s ? s.changed : "",
    "action-needed": s ? s.notes["action-needed"] : "",
  });
  if (report && env.GITHUB_STEP_SUMMARY)
    fs.appendFileSync(env.GITHUB_STEP_SUMMARY, summaryMarkdown(report, inputs, code));
  console.log(`dfmod exited with ${code}`);
  return code;
}

if (require.main === module) process.exitCode = main(process.env, process.cwd());

module.exports = { main, readInputs, summaryMarkdown };
