// Loaded with --require by the benchmark: reports the process's peak RSS (KB) on exit.
"use strict";
process.on("exit", () => {
  process.stderr.write(`\ndfmod-bench-rss=${process.resourceUsage().maxRSS}\n`);
});
