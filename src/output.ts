/**
 * Standard output and error for the command line, written with fs.writeSync on the file
 * descriptor: Node's process.stdout / process.stderr load its stream modules when first touched
 * (~7 ms of a one-file run, more than reading the file and migrating it). Writes stay synchronous,
 * as Node's own are for files and pipes. A descriptor that refuses a blocking write (EAGAIN: its
 * other end set it non-blocking) is handed to Node's stream from there on, in order. A closed pipe
 * (`dfmod . | head`) ends the output quietly: what is left to print is dropped, the run goes on
 * (a --write still writes) and exits with the code it has. On Windows, Node's stream is used
 * throughout. Something else writing to process.stdout (a --transform module's console.log) may
 * come out of order with dfmod's own output, which it would corrupt anyway.
 */
import * as fs from "node:fs";

/** A write to standard output or error that failed (ENOSPC on a full disk, EBADF...): not dfmod's bug. */
export class OutputError extends Error {
  constructor(fd: number, code: string) {
    super(
      `cannot write to ${fd === 1 ? "standard output" : fd === 2 ? "standard error" : `descriptor ${fd}`}: ${code}`,
    );
  }
}

export class Output {
  private stream: NodeJS.WriteStream | undefined;
  private closed = false;

  constructor(
    private readonly fd: number,
    /** Node's stream for the descriptor, made on first use (tests pass their own). */
    private readonly streamOf: () => NodeJS.WriteStream = () => (fd === 1 ? process.stdout : process.stderr),
    private readonly writeSync: typeof fs.writeSync = fs.writeSync,
  ) {}

  write(data: string | Uint8Array): void {
    if (this.closed) return;
    // Windows: Node's stream, which writes a console as UTF-16 and emulates its escape sequences.
    if (!this.stream && process.platform === "win32") this.toStream();
    if (this.stream) {
      this.stream.write(data);
      return;
    }
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let done = 0;
    try {
      while (done < bytes.length) done += this.writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EPIPE") this.closed = true;
      else if (code === "EAGAIN") this.toStream().write(bytes.subarray(done));
      else throw new OutputError(this.fd, code ?? (err as Error).message);
    }
  }

  /** Whether the descriptor is a terminal (node:tty is loaded only for a character device). */
  isTerminal(): boolean {
    try {
      if (!fs.fstatSync(this.fd).isCharacterDevice()) return false;
    } catch {
      return false;
    }
    return (require("node:tty") as typeof import("node:tty")).isatty(this.fd);
  }

  private toStream(): NodeJS.WriteStream {
    const stream = this.streamOf();
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      this.closed = true;
    });
    this.stream = stream;
    return stream;
  }
}

export const stdout = new Output(1);
export const stderr = new Output(2);
