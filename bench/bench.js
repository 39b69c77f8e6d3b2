/**
 * npm run bench: figures for repo-wide runs and pre-commit hooks, each the median of several runs,
 * printed as a table and written to bench/results.md.
 *
 *   cold start     `dfmod --check one.Dockerfile` (a small file), against `node -e 0` on the same machine
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
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);

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

function floor(files) {
  const { DockerfileParser } = require("dockerfile-ast");
  const started = process.hrtime.bigint();
  for (const f of files) DockerfileParser.parse(fs.readFileSync(f, "utf8"));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function main() {
  if (!fs.existsSync(cli)) throw new Error("run `npm run build` first");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-bench-"));
  try {
    const corpus = path.join(work, "corpus");
    const files = generate(corpus, 10000, 1);
    const one = path.join(work, "one");
    fs.mkdirSync(one);
    fs.writeFileSync(path.join(one, "requirements.txt"), "flask\n");
    fs.writeFileSync(
      path.join(one, "Dockerfile"),
      'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n',
    );

    const rows = [];
    const node = median(Array.from({ length: COLD_RUNS }, () => timed(["-e", "0"], one).ms));
    const cold = median(Array.from({ length: COLD_RUNS }, () => timed([cli, "--check", "Dockerfile"], one).ms));
    rows.push([
      "cold start, one small file (`dfmod --check Dockerfile`)",
      `${cold.toFixed(0)} ms`,
      "≤ 150 ms",
      `node -e 0 alone: ${node.toFixed(0)} ms`,
    ]);

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
    rows.push([
      "throughput, 10k files, --jobs 1",
      `${fps(single.ms)} files/s`,
      "",
      `${(single.ms / 1000).toFixed(1)} s`,
    ]);
    rows.push([
      `throughput, 10k files, --jobs ${jobs} (default)`,
      `${fps(parallel.ms)} files/s`,
      "≥ 2,000 files/s",
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

    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    const table = [
      "| figure | measured | target | note |",
      "| --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.join(" | ")} |`),
    ].join("\n");
    const text = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${cpu}), Node ${process.version}; medians of ${RUNS} runs (cold start: ${COLD_RUNS}).\n\n${table}\n`;
    fs.writeFileSync(path.join(__dirname, "results.md"), text);
    process.stdout.write(text);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
