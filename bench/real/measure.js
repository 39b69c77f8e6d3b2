/**
 * npm run measure:real -- DIR: dfmod over real Dockerfiles from public repositories, judged by checks
 * that do not use dfmod's own parser. DIR holds one folder per row of manifest.tsv (`<id>/Dockerfile`,
 * with the context files the manifest names); the files themselves are not part of this repository
 * (their authors' work, fetched by repository, path and commit).
 *
 * For every output, against its input:
 *   split      Docker's instruction split of the output (dockerfile-ast) is the one dfmod meant (its
 *              own scan, which the engine's guard holds every transform to); no keyword line of the
 *              output sits inside another instruction where it did not in the input
 *   apt names  every package an `apt-get install` of the output names is in Debian trixie (or was
 *              named by the input itself)
 *   runtime    a file split into stages keeps, in its final stage, every package the original
 *              installed that is not a build tool, and the runtime library of every -dev package
 *
 * And for package knowledge, over the files of kind alpine-python: the share of distinct `apk add`
 * names that resolve to trixie names (map, rules; names that are no Alpine package, listed in
 * NOT_ALPINE, counted apart), and the share of files whose packages all resolve (files left on
 * Alpine for their Python version not counted).
 *
 * Writes bench/real/results.md.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");
const cli = path.join(root, "dist", "src", "cli.js");
const data = path.join(root, "transforms", "alpine-to-trixie");

const KEYWORD =
  /^\s*(FROM|RUN|CMD|LABEL|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL|MAINTAINER)\s/i;
/** Packages that only build things (Alpine and Debian names). */
const BUILD_ONLY =
  /^(gcc|g\+\+|clang|make|cmake|build-base|build-essential|alpine-sdk|musl-dev|libc-dev|libc6-dev|linux-headers|linux-libc-dev|cargo|rust|rustc|pkgconf|pkgconfig|pkg-config|autoconf|automake|libtool|git|python3-dev|python-dev|py3-pip|py-pip|py3-setuptools|py3-wheel|python3|binutils|swig|bison|flex|patch|meson|ninja|ninja-build|nasm|dpkg-dev)$/;
/** What python:*-slim images and debian:trixie-slim already have. */
const IN_BASE = new Set([
  "ca-certificates",
  "netbase",
  "tzdata",
  "libffi8",
  "libssl3t64",
  "zlib1g",
  "libsqlite3-0",
  "libbz2-1.0",
  "liblzma5",
  "libreadline8t64",
  "libncursesw6",
  "libexpat1",
  "libuuid1",
  "libgdbm6t64",
  "libzstd1",
  "libstdc++6",
  "libgcc-s1",
  "bash",
  "coreutils",
  "findutils",
  "grep",
  "sed",
  "tar",
  "gzip",
  "util-linux",
  "passwd",
  "login",
]);

let trixie;
let packageMap;
function loadData() {
  trixie ??= new Set(fs.readFileSync(path.join(data, "trixie-packages.txt"), "utf8").split("\n").filter(Boolean));
  packageMap ??= JSON.parse(fs.readFileSync(path.join(data, "package-map.json"), "utf8"));
}

const astKeywords = (text) => {
  const { DockerfileParser } = require("dockerfile-ast");
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((i) => i.getKeyword());
};

/** Keyword lines that Docker reads as part of the instruction before them (dockerfile-ast's ranges). */
function swallowed(text) {
  const { DockerfileParser } = require("dockerfile-ast");
  const lines = text.split(/\r?\n/);
  let n = 0;
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    const r = i.getRange();
    for (let l = r.start.line + 1; l <= r.end.line; l++) if (KEYWORD.test(lines[l] ?? "")) n++;
  }
  return n;
}

/** Text with continuations joined and comment lines inside them dropped (as Docker reads it). */
const joined = (text) => text.replace(/^[ \t]*#.*(\r?\n|$)/gm, "").replace(/\\\r?\n/g, " ");

/** Packages named by `apk add` or `apt-get install` in a text (options and versions left out). */
function installed(text, tool) {
  const re =
    tool === "apk" ? /\bapk\s+(?:-\S+\s+)*add\s+([^&|;\n]*)/g : /\bapt-get\s+(?:-\S+\s+)*install\s+([^&|;\n]*)/g;
  const out = [];
  for (const m of joined(text).matchAll(re)) {
    const words = m[1].split(/\s+/).map((w) => w.replace(/^['"]+|['")]+$/g, ""));
    for (let k = 0; k < words.length; k++) {
      const w = words[k];
      if (w === "--virtual" || w === "-t" || w === "-X" || w === "--repository") {
        k++;
        continue;
      }
      if (!w || w.startsWith("-") || w.startsWith(".") || w.includes("$") || w.startsWith("#")) continue;
      out.push(w.replace(/[<>=~@:].*$/, ""));
    }
  }
  return [...new Set(out)];
}

/** Packages the file deletes again (`apk del`), with the members of the virtual packages it deletes. */
function deleted(text) {
  const bare = (w) => w.replace(/[<>=~@:].*$/, "");
  const groups = new Map();
  const plain = new Set();
  for (const m of joined(text).matchAll(/\bapk\s+(?:-\S+\s+)*add\s+([^&|;\n]*)/g)) {
    const words = m[1].split(/\s+/).filter(Boolean);
    const at = words.findIndex((w) => w === "--virtual" || w === "-t");
    const names = words.filter((w, i) => !w.startsWith("-") && (at === -1 || i > at + 1)).map(bare);
    if (at !== -1 && words[at + 1]) groups.set(words[at + 1], names);
    else for (const n of names) plain.add(n);
  }
  const out = new Set();
  for (const m of joined(text).matchAll(/\bapk\s+(?:-\S+\s+)*del\s+([^&|;\n]*)/g)) {
    for (const w of m[1].split(/\s+/).filter((x) => x && !x.startsWith("-"))) {
      out.add(w);
      // A member of a deleted group that is also installed on its own stays.
      for (const member of groups.get(w) ?? []) if (!plain.has(member)) out.add(member);
    }
  }
  return out;
}

const stages = (text) => text.split(/^(?=[ \t]*from\s)/im).filter((s) => /^[ \t]*from\s/i.test(s));

/** The runtime packages a split's final stage lacks (empty when the file was not split). */
function runtimeLost(input, output) {
  loadData();
  if (stages(input).length !== 1 || stages(output).length < 2) return [];
  const final = stages(output).at(-1);
  const has = (name) => new RegExp(`(^|[\\s=])${name.replace(/[.+]/g, "\\$&")}(?=$|[\\s\\\\])`, "m").test(final);
  const lost = [];
  const need = (from, names) => {
    if (names.length === 0 || names.every((n) => IN_BASE.has(n)) || names.some(has)) return;
    lost.push(`${from} -> ${names.join("|")}`);
  };
  const gone = deleted(input);
  for (const p of installed(input, "apk")) {
    if (BUILD_ONLY.test(p) || gone.has(p) || droppedByDfmod(p, input)) continue;
    const entry = packageMap[p];
    // A -dev package needs its runtime library; another package itself (or what it stands for).
    if (entry) need(p, p.endsWith("-dev") ? entry.runtime : [...new Set([...entry.runtime, ...entry.build])]);
    else if (!p.endsWith("-dev")) need(p, resolvedRuntime(p, input) ?? [p]);
  }
  const runtimeOfDev = new Map();
  for (const entry of Object.values(packageMap)) for (const b of entry.build) runtimeOfDev.set(b, entry.runtime);
  for (const p of installed(input, "apt")) {
    if (BUILD_ONLY.test(p)) continue;
    if (p.endsWith("-dev")) need(p, runtimeOfDev.get(p) ?? []);
    else need(p, [p]);
  }
  return lost;
}

/** A name dfmod installs nothing for on this image (the image has it, or it served Alpine's own Python). */
function droppedByDfmod(name, input) {
  const { mapPackages } = require(path.join(root, "dist", "transforms", "alpine-to-trixie", "apk"));
  const python = /^\s*from\s+(?:--\S+\s+)*(?:\S*\/)?"?python:/im.test(input);
  return mapPackages([name], python, "runtime").dropped.some((d) => d.name === name);
}

/** For an Alpine name the map lacks: the runtime packages dfmod's rules give it (undefined: none). */
function resolvedRuntime(name, input) {
  const { mapPackages } = require(path.join(root, "dist", "transforms", "alpine-to-trixie", "apk"));
  const python = /^\s*from\s+(?:--\S+\s+)*(?:\S*\/)?"?python:/im.test(input);
  const m = mapPackages([name], python, "runtime");
  if (m.dropped.some((d) => d.name === name)) return []; // nothing to install for it on Debian
  return m.packages.length > 0 ? m.packages : undefined;
}

/** The three judgements for one (input, output) pair. */
function judge(input, output) {
  loadData();
  const split = [];
  let scanned;
  try {
    const { Dockerfile } = require(path.join(root, "dist", "src", "engine", "dockerfile"));
    scanned = new Dockerfile(output.replace(/^\uFEFF/, "")).instructions.map((i) => i.keyword);
  } catch {
    scanned = undefined;
  }
  const ast = astKeywords(output.replace(/^\uFEFF/, ""));
  if (scanned && JSON.stringify(ast) !== JSON.stringify(scanned)) split.push("dockerfile-ast splits it otherwise");
  const extra = swallowed(output) - swallowed(input);
  if (extra > 0) split.push(`${extra} instruction(s) swallowed by the one before`);
  const before = new Set(installed(input, "apt"));
  const aptNames = installed(output, "apt").filter((p) => !trixie.has(p) && !before.has(p));
  return { split, aptNames, runtime: runtimeLost(input, output) };
}

function main() {
  const dir = process.argv[2];
  if (!dir || !fs.existsSync(dir)) {
    process.stderr.write(
      "usage: npm run measure:real -- DIR   (DIR: <id>/Dockerfile for the rows of bench/real/manifest.tsv)\n",
    );
    process.exit(2);
  }
  const rows = fs
    .readFileSync(path.join(__dirname, "manifest.tsv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-real-"));
  const present = rows.filter(([id]) => fs.existsSync(path.join(dir, id, "Dockerfile")));
  for (const [id] of present) fs.cpSync(path.join(dir, id), path.join(work, id), { recursive: true });
  const r = spawnSync(process.execPath, [cli, "--write", "--format", "json", "."], {
    cwd: work,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const doc = JSON.parse(r.stdout);
  const byPath = new Map(doc.files.map((f) => [f.path, f]));
  const totals = { files: 0, changed: 0, split: 0, leftOnAlpine: 0, errors: 0 };
  const knowledge = {
    names: new Map(),
    notAlpine: new Set(),
    files: 0,
    filesResolved: 0,
    oldPython: 0,
    unresolvedFiles: [],
    brokenFiles: [],
    id: "",
  };
  const failures = { split: [], aptNames: [], runtime: [] };
  for (const [id, repo, file, , kind] of present) {
    const input = fs.readFileSync(path.join(dir, id, "Dockerfile"), "utf8");
    const output = fs.readFileSync(path.join(work, id, "Dockerfile"), "utf8");
    const result = byPath.get(`${id}/Dockerfile`);
    totals.files++;
    if (result?.error) totals.errors++;
    if (input !== output) totals.changed++;
    if (stages(input).length === 1 && stages(output).length > 1) totals.split++;
    if (result?.notes.some((n) => n.message.startsWith("left on Alpine as a whole"))) totals.leftOnAlpine++;
    knowledge.id = id;
    if (kind === "alpine-python") packageKnowledge(knowledge, input, result);
    const j = judge(input, output);
    for (const key of Object.keys(failures))
      if (j[key].length) failures[key].push(`${id} (${repo}/${file}): ${j[key].join("; ")}`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)}: dfmod's default pipeline (\`--write\`) over ${totals.files} real Dockerfiles (bench/real/manifest.tsv).`,
    "",
    "| figure | count |",
    "| --- | --- |",
    `| files | ${totals.files} |`,
    `| changed | ${totals.changed} |`,
    `| split into builder and runtime stages | ${totals.split} |`,
    `| left on Alpine as a whole (with action-needed notes) | ${totals.leftOnAlpine} |`,
    `| file errors (input Docker rejects, or a guard stopped a transform) | ${totals.errors} |`,
    `| outputs Docker splits into other instructions than dfmod meant | ${failures.split.length} |`,
    `| outputs with apt-get names Debian trixie does not have | ${failures.aptNames.length} |`,
    `| splits that lost a runtime package | ${failures.runtime.length} |`,
    "",
    ...knowledgeLines(knowledge),
    "",
    ...Object.entries(failures).flatMap(([k, v]) => v.map((x) => `- ${k}: ${x}`)),
  ];
  const text = lines.join("\n") + "\n";
  fs.writeFileSync(path.join(__dirname, "results.md"), text);
  process.stdout.write(text);
  process.exitCode = failures.split.length + failures.aptNames.length + failures.runtime.length > 0 ? 1 : 0;
}

const PYTHON2 = /^(?:python|python2|python2-dev|py2-.+)$/;

/**
 * Names in the files that are no Alpine package at all (the input fails on Alpine too), each checked
 * by hand: they are counted apart, not as names dfmod failed to resolve.
 */
const NOT_ALPINE = new Map([
  ["build-deps", "meant as a virtual name: `apk add --virtual git ... build-deps` makes `git` the virtual"],
  ["libffi-dev2", "a typo: libffi's headers are libffi-dev"],
]);

/** Package names of a Python-on-Alpine file: which resolve; whether the file migrated with all of them. */
function packageKnowledge(k, input, result) {
  const { mapPackages } = require(path.join(root, "dist", "transforms", "alpine-to-trixie", "apk"));
  const python = /^\s*from\s+(?:--\S+\s+)*(?:\S*\/)?"?python:/im.test(input);
  const names = installed(input, "apk");
  const notes = result?.notes ?? [];
  // Python 2 on plain Alpine, or a python image with no trixie image: left for its Python version.
  if (notes.some((n) => /has no Debian trixie image/.test(n.message)) || names.some((n) => PYTHON2.test(n))) {
    k.oldPython++;
    return;
  }
  // Names dfmod said it could not migrate, and those of them (or of the file's) that are no Alpine
  // package at all (listed in NOT_ALPINE, or not of the form of one: `COPY`, `.build-deps`).
  const named = notes.flatMap(
    (n) => /no Debian trixie package dfmod can name for (.*?): find/.exec(n.message)?.[1].split(", ") ?? [],
  );
  const notAlpine = (name) => NOT_ALPINE.has(name) || !/^[a-z0-9][a-z0-9+._-]*$/.test(name);
  let all = named.length === 0;
  for (const name of names) {
    if (notAlpine(name)) continue;
    const key = `${name}${python ? "" : " (plain)"}`;
    if (!k.names.has(key)) {
      const m = mapPackages([name], python);
      k.names.set(key, m.unknown.length === 0 && m.tagged.length === 0);
    }
    if (!k.names.get(key)) all = false;
  }
  const broken = [...names.filter((n) => NOT_ALPINE.has(n)), ...named.filter(notAlpine)];
  if (broken.length > 0) {
    // The input fails on Alpine too: its file is not counted, but listed.
    for (const n of broken) k.notAlpine.add(n);
    k.brokenFiles.push(k.id);
    return;
  }
  // A file counts as resolved when every name in it resolves and dfmod named none it could not migrate.
  k.files++;
  if (all) k.filesResolved++;
  else k.unresolvedFiles.push(k.id);
}

function knowledgeLines(k) {
  const names = [...k.names.values()];
  const resolved = names.filter(Boolean).length;
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)} %` : "-");
  const unresolved = [...k.names].filter(([, ok]) => !ok).map(([n]) => n);
  return [
    "Package knowledge, over the files of kind alpine-python:",
    "",
    "| figure | share |",
    "| --- | --- |",
    `| distinct apk names that resolve to trixie names | ${pct(resolved, names.length)} (${resolved} of ${names.length}) |`,
    `| files whose packages all resolve (${k.oldPython} on Python 2 or ≤ 3.8 and ${k.brokenFiles.length} naming no Alpine package not counted) | ${pct(k.filesResolved, k.files)} (${k.filesResolved} of ${k.files}) |`,
    "",
    `Unresolved: ${unresolved.sort().join(", ") || "none"}`,
    "",
    `Files with a name that does not resolve: ${k.unresolvedFiles.join(", ") || "none"}`,
    "",
    `Not Alpine packages (the input fails on Alpine too; its file not counted): ${
      [...k.notAlpine]
        .sort()
        .map((n) => (NOT_ALPINE.has(n) ? `${n} (${NOT_ALPINE.get(n)})` : `\`${n}\``))
        .join(", ") || "none"
    }; files ${k.brokenFiles.join(", ") || "none"}`,
  ];
}

module.exports = { judge };
if (require.main === module) main();
