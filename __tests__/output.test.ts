import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Output, OutputError } from "../src/output";
import { cli } from "./support/cli";

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

/** A stand-in for Node's stream: what was written to it, in order. */
function fakeStream(): { stream: NodeJS.WriteStream; written: string[]; handlers: ((e: Error) => void)[] } {
  const written: string[] = [];
  const handlers: ((e: Error) => void)[] = [];
  const stream = {
    write: (data: string | Uint8Array) => written.push(Buffer.from(data).toString("utf8")),
    on: (_event: string, handler: (e: Error) => void) => handlers.push(handler),
  } as unknown as NodeJS.WriteStream;
  return { stream, written, handlers };
}

describe("output to standard output and error", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-output-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes strings as UTF-8 and bytes as they are, in order, to the descriptor", () => {
    const file = path.join(dir, "out");
    const fd = fs.openSync(file, "w");
    try {
      const out = new Output(fd);
      out.write("héllo\n");
      out.write(new Uint8Array([0xff, 0x0a]));
      out.write("");
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file)).toEqual(Buffer.concat([Buffer.from("héllo\n"), Buffer.from([0xff, 0x0a])]));
  });

  it("finishes a partial write", () => {
    const got: number[] = [];
    const out = new Output(9, undefined, ((_fd: number, buf: Uint8Array, offset: number, length: number) => {
      const n = Math.min(2, length);
      got.push(...buf.subarray(offset, offset + n));
      return n;
    }) as typeof fs.writeSync);
    out.write("abcde");
    expect(Buffer.from(got).toString()).toBe("abcde");
  });

  it("drops what is left to print once the reader has gone (EPIPE), without throwing", () => {
    let calls = 0;
    const out = new Output(9, undefined, (() => {
      calls++;
      throw errno("EPIPE");
    }) as typeof fs.writeSync);
    expect(() => out.write("a")).not.toThrow();
    out.write("b");
    expect(calls).toBe(1);
  });

  it("hands a descriptor that refuses a blocking write (EAGAIN) to Node's stream, the rest of the write first", () => {
    const fake = fakeStream();
    let calls = 0;
    const out = new Output(9, () => fake.stream, ((_fd: number, _buf: Uint8Array, _offset: number, length: number) => {
      calls++;
      if (calls === 1) return Math.min(3, length);
      throw errno("EAGAIN");
    }) as typeof fs.writeSync);
    out.write("abcdef");
    out.write("gh");
    expect(fake.written).toEqual(["def", "gh"]);
    expect(calls).toBe(2);
    // The stream's EPIPE then ends the output quietly; other errors are not swallowed.
    expect(() => fake.handlers[0]!(errno("EPIPE"))).not.toThrow();
    out.write("dropped");
    expect(fake.written).toEqual(["def", "gh"]);
    expect(() => fake.handlers[0]!(errno("EIO"))).toThrow("EIO");
  });

  it("throws other write errors", () => {
    const out = new Output(9, undefined, (() => {
      throw errno("EBADF");
    }) as typeof fs.writeSync);
    expect(() => out.write("a")).toThrow("EBADF");
  });

  it("reports a write that fails (ENOSPC) as what it is", () => {
    const out = new Output(1, undefined, (() => {
      throw errno("ENOSPC");
    }) as typeof fs.writeSync);
    expect(() => out.write("a")).toThrow(new OutputError(1, "ENOSPC"));
    expect(new OutputError(1, "ENOSPC").message).toBe("cannot write to standard output: ENOSPC");
    expect(new OutputError(2, "EIO").message).toBe("cannot write to standard error: EIO");
  });

  // /dev/full: a device whose writes fail with ENOSPC (Linux).
  (fs.existsSync("/dev/full") ? it : it.skip)(
    "standard output on a full device: exit 2 and a one-line error, no internal error (skipped where there is no /dev/full)",
    () => {
      fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.12-alpine\nRUN apk add --no-cache gcc\n");
      const full = fs.openSync("/dev/full", "w");
      try {
        const r = spawnSync(process.execPath, [cli, "Dockerfile"], {
          cwd: dir,
          stdio: ["ignore", full, "pipe"],
          encoding: "utf8",
          env: { ...process.env, NO_COLOR: "1" },
        });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("dfmod: cannot write to standard output: ENOSPC\n");
        expect(r.stderr).not.toContain("internal error");
      } finally {
        fs.closeSync(full);
      }
    },
  );

  it("tells a file and a closed descriptor from a terminal", () => {
    const fd = fs.openSync(path.join(dir, "f"), "w");
    try {
      expect(new Output(fd).isTerminal()).toBe(false);
    } finally {
      fs.closeSync(fd);
    }
    expect(new Output(987654).isTerminal()).toBe(false);
  });

  it("a --check run with its output on pipes does not load Node's stream modules (they cost a one-file run ~7 ms)", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.12-alpine\nRUN apk add --no-cache gcc\n");
    const probe = path.join(dir, "probe.js");
    fs.writeFileSync(
      probe,
      `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(path.join(dir, "loaded"))}, process.moduleLoadList.join("\\n")));\n`,
    );
    const modulesOf = (args: string[]): string[] => {
      const r = spawnSync(process.execPath, ["--require", probe, ...args], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
      if (args[0] === cli) {
        expect(r.status).toBe(1);
        expect(r.stderr).toContain("Dockerfile:1:1: info alpine-to-trixie");
      }
      return fs.readFileSync(path.join(dir, "loaded"), "utf8").split("\n");
    };
    // What Node itself loads (`node -e 0`) aside.
    const node = new Set(modulesOf(["-e", "0"]));
    const loaded = modulesOf([cli, "--check", "Dockerfile"]);
    expect(loaded).toContain("NativeModule fs");
    const streams = loaded.filter((m) => /^NativeModule (stream|internal\/streams\/|tty|net)/.test(m));
    expect(streams.filter((m) => !node.has(m))).toEqual([]);
  });
});
