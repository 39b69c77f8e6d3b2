/** A worker thread: processes Dockerfiles sent by the main thread, one at a time, with the registry (as the CLI). */
import { parentPort, workerData } from "node:worker_threads";
import { initShell } from "./engine/shell";
import { useListings } from "./engine/listing";
import { processDockerfile, Task } from "./process";
import { transforms as builtins } from "../transforms";
import { withExternal } from "./external";

const port = parentPort;
if (!port) throw new Error("src/worker.ts runs as a worker thread");
// Workers serve runs of many files: folder listings pay off (src/engine/listing.ts).
useListings();
// WebAssembly: a worker may be stopped while it starts (a run that ends first), and tree-sitter's
// native addon has crashed in worker threads (tree-sitter/node-tree-sitter#137).
initShell("wasm").then(
  () => {
    // `--transform` modules: the main thread loaded and checked them already.
    const modules = (workerData as { modules?: string[] } | undefined)?.modules ?? [];
    const transforms = modules.length ? withExternal(builtins, modules, process.cwd()) : builtins;
    port.on("message", (batch: { id: number; task: Task }[]) => {
      for (const { id, task } of batch) port.postMessage({ id, result: processDockerfile(task, transforms) });
    });
    port.postMessage({ ready: true });
  },
  (err: unknown) => port.postMessage({ fatal: String(err) }),
);
