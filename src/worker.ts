/** A worker thread: processes Dockerfiles sent by the main thread, one at a time. */
import { parentPort } from "node:worker_threads";
import { initShell } from "./engine/shell";
import { processDockerfile, Task } from "./process";

const port = parentPort;
if (!port) throw new Error("src/worker.ts runs as a worker thread");
initShell().then(
  () => {
    port.on("message", (batch: { id: number; task: Task }[]) => {
      for (const { id, task } of batch) port.postMessage({ id, result: processDockerfile(task) });
    });
    port.postMessage({ ready: true });
  },
  (err: unknown) => port.postMessage({ fatal: String(err) }),
);
