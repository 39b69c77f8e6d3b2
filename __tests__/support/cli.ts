/** The built dfmod command, run as a user runs it, for the tests that need its exit code and output. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export const cli = path.join(__dirname, "..", "..", "dist", "src", "cli.js");

/** `dfmod ...args` in `cwd`, without colour: its exit code, standard output and standard error. */
export function dfmod(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
