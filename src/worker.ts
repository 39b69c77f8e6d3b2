/** A worker thread: processes Dockerfiles sent by the main thread, one at a time, with the registry (as the CLI). */
import { parentPort } from "node:worker_threads";
import { initShell } from "./engine/shell";
import { processDockerfile, Task } from "./process";
import { transforms } from "../transforms";

const port = parentPort;
if (!port) throw new Error("src/worker.ts runs as a worker thread");
initShell().then(
  () => {
    port.on("message", (batch: { id: number; task: Task }[]) => {
      for (const { id, task } of batch) port.postMessage({ id, result: processDockerfile(task, transforms) });
    });
    port.postMessage({ ready: true });
  },
  (err: unknown) => port.postMessage({ fatal: String(err) }),
);
