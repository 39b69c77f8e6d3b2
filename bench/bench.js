/**
 * npm run bench: figures for repo-wide runs and pre-commit hooks, each the median of several runs,
 * printed as a table and written to bench/results.md.
 *
 *   cold start     `dfmod --check Dockerfile` (a small file) against `node -e 0`: the median of the
 *                  ratios of pairs run back to back, on this Node and on Node 22 and 24
 *                  (BENCH_NODE_VERSIONS, fetched by scripts/node-version.sh; "" for this Node only)
 *   throughput     files/s of `dfmod --check` over the corpus, --jobs 1 and the default
 *   peak memory    the process's maximum RSS (worker threads included) on the 10k corpus
 *   floor          reading the corpus and parsing it with dockerfile-ast alone, in one thread
 *   linearity      the default run over 1k, 5k and 10k files
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { generate } = require("./corpus");

const root = path.join(__dirname, "..");
const cli = path.join(root, "dist", "src", "cli.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// 41 pairs: on a machine where `node -e 0` takes ~20 ms, the median of 21 moved by ±0.05×.
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 41);
/** BENCH_PARTS=cold (or throughput) measures one part only. */
const PARTS = (process.env.BENCH_PARTS ?? "cold,throughput").split(",");
const NODE_VERSIONS = (process.env.BENCH_NODE_VERSIONS ?? "22.23.5 24.22.3").split(/\s+/).filter(Boolean);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(args, cwd) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", path.join(__dirname, "rss.js"), ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`${args.join(" ")} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  const rss = Number(/dfmod-bench-rss=(\d+)/.exec(r.stderr)?.[1] ?? 0);
  return { ms, rssMB: rss / 1024 };
}

/** Wall time of one run of `node args` in `cwd`, nothing preloaded. */
function wall(node, args, cwd) {
  const started = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd, encoding: "utf8" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${node} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Cold start on one Node binary: COLD_RUNS pairs, `node -e 0` then `dfmod --check Dockerfile`,
 * back to back (so both see the same load), after one run that fills the compile cache.
 */
function coldStart(node, dir) {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-bench-cache-"));
  process.env.NODE_COMPILE_CACHE = cache;
  try {
    wall(node, [cli, "--check", "Dockerfile"], dir);
    const pairs = Array.from({ length: COLD_RUNS }, () => {
      const base = wall(node, ["-e", "0"], dir);
      return { base, dfmod: wall(node, [cli, "--check", "Dockerfile"], dir) };
    });
    const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
    return {
      version,
      ratio: median(pairs.map((p) => p.dfmod / p.base)),
      dfmod: median(pairs.map((p) => p.dfmod)),
      base: median(pairs.map((p) => p.base)),
    };
  } finally {
    delete process.env.NODE_COMPILE_CACHE;
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

/** The Node binaries to measure cold start on: this one, then the versions that can be fetched. */
function nodes() {
  const found = [process.execPath];
  for (const version of NODE_VERSIONS) {
    const r = spawnSync("bash", [path.join(root, "scripts", "node-version.sh"), version], { encoding: "utf8" });
    if (r.status === 0) found.push(path.join(r.stdout.trim(), "node"));
    else process.stderr.write(`bench: Node ${version} not measured: ${r.stderr.trim()}\n`);
  }
  return found;
}

function floor(files) {
  const { DockerfileParser } = require("dockerfile-ast");
  const started = process.hrtime.bigint();
  for (const f of files) DockerfileParser.parse(fs.readFileSync(f, "utf8"));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Throughput, memory and linearity rows over the 10k corpus. */
function throughputRows(corpus, files) {
  const rows = [];
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const jobs = require(path.join(root, "dist", "src", "run")).defaultJobs();
  const folders = fs.readdirSync(corpus).sort();
  const through = (n, j) => {
    // The first n files: their folders named on the command line (10 Dockerfiles a folder).
    const args = n === files.length ? ["."] : folders.slice(0, n / 10);
    const runs = Array.from({ length: RUNS }, () => timed([cli, "--check", "--jobs", String(j), ...args], corpus));
    return { ms: median(runs.map((r) => r.ms)), rssMB: Math.max(...runs.map((r) => r.rssMB)) };
  };
  const single = through(10000, 1);
  const parallel = through(10000, jobs);
  const all = cpus > 1 && cpus !== jobs ? through(10000, cpus) : undefined;
  const floorMs = median(Array.from({ length: RUNS }, () => floor(files)));
  const fps = (ms, n = 10000) => (n / (ms / 1000)).toFixed(0);
  rows.push(["throughput, 10k files, --jobs 1", `${fps(single.ms)} files/s`, "", `${(single.ms / 1000).toFixed(1)} s`]);
  rows.push([
    `throughput, 10k files, --jobs ${jobs} (default)`,
    `${fps(parallel.ms)} files/s`,
    "≥ 2,500 files/s",
    `${(parallel.ms / 1000).toFixed(1)} s`,
  ]);
  if (all) {
    rows.push([
      `throughput, 10k files, --jobs ${cpus}`,
      `${fps(all.ms)} files/s`,
      "",
      `${(all.ms / 1000).toFixed(1)} s, peak RSS ${all.rssMB.toFixed(0)} MB`,
    ]);
  }
  rows.push([
    "floor: read + dockerfile-ast parse, one thread",
    `${fps(floorMs)} files/s`,
    "",
    `dfmod default / floor: ${(parallel.ms / floorMs).toFixed(1)}×`,
  ]);
  rows.push([
    "peak memory (RSS), 10k files, default jobs",
    `${parallel.rssMB.toFixed(0)} MB`,
    "≤ 300 MB",
    `--jobs 1: ${single.rssMB.toFixed(0)} MB`,
  ]);
  const k1 = through(1000, jobs);
  const k5 = through(5000, jobs);
  rows.push([
    "linearity (default jobs): 1k / 5k / 10k files",
    `${(k1.ms / 1000).toFixed(2)} / ${(k5.ms / 1000).toFixed(2)} / ${(parallel.ms / 1000).toFixed(2)} s`,
    "linear",
    `per 1k: ${(k1.ms / 1000).toFixed(2)} / ${(k5.ms / 5000).toFixed(2)} / ${(parallel.ms / 10000).toFixed(2)} s`,
  ]);

  return rows;
}

function main() {
  if (!fs.existsSync(cli)) throw new Error("run `npm run build` first");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-bench-"));
  try {
    const corpus = path.join(work, "corpus");
    const files = PARTS.includes("throughput") ? generate(corpus, 10000, 1) : [];
    const one = path.join(work, "one");
    fs.mkdirSync(one);
    fs.writeFileSync(path.join(one, "requirements.txt"), "flask\n");
    fs.writeFileSync(
      path.join(one, "Dockerfile"),
      'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n',
    );

    const rows = [];
    for (const node of PARTS.includes("cold") ? nodes() : []) {
      const c = coldStart(node, one);
      rows.push([
        `cold start, one small file (\`dfmod --check Dockerfile\`), Node ${c.version}`,
        `${c.ratio.toFixed(2)}× node -e 0`,
        "≤ 1.6×",
        `${c.dfmod.toFixed(0)} ms; node -e 0: ${c.base.toFixed(0)} ms`,
      ]);
    }

    if (PARTS.includes("throughput")) rows.push(...throughputRows(corpus, files));

    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    const table = [
      "| figure | measured | target | note |",
      "| --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.join(" | ")} |`),
    ].join("\n");
    const text = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${cpu}), Node ${process.version}; medians of ${RUNS} runs (cold start: of ${COLD_RUNS} pairs).\n\n${table}\n`;
    fs.writeFileSync(path.join(__dirname, "results.md"), text);
    process.stdout.write(text);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
