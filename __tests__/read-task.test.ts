/**
 * How a run reads a Dockerfile (src/process.ts): as UTF-8 text first, and as bytes for decode()
 * where that text shows an invalid byte or a NUL. Either way the result must be what decode() makes
 * of the file's bytes, with the hash of those bytes (the write check compares it).
 */
import fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initShell } from "../src/engine/shell";
import { processDockerfile, type Task } from "../src/process";
import { hashOf } from "../src/write";

let dir: string;
beforeAll(async () => {
  await initShell();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-read-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A task of no transforms: the result shows only how the file was read. */
function task(file: string | undefined, bytes?: Uint8Array): Task {
  return {
    path: "Dockerfile",
    real: file,
    bytes,
    contextDir: undefined,
    transforms: [],
    options: {},
    diff: false,
    color: false,
  };
}

let count = 0;
/** The file's reading by a run, against decode() of the same bytes given as stdin's. */
function readBoth(bytes: Uint8Array) {
  const file = path.join(dir, `f${count++}.Dockerfile`);
  fs.writeFileSync(file, bytes);
  const fromFile = processDockerfile(task(file), []);
  const fromBytes = processDockerfile(task(undefined, bytes), []);
  return {
    fromFile: { output: fromFile.output, encoding: fromFile.encoding, error: fromFile.result.error },
    fromBytes: { output: fromBytes.output, encoding: fromBytes.encoding, error: fromBytes.result.error },
    // A file dfmod does not read (UTF-16, binary) is never written: no hash.
    hash: fromFile.result.error === undefined ? fromFile.hash : "none",
  };
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, "utf8");

test.each([
  ["plain ASCII", utf8("FROM debian\nRUN true\n")],
  ["UTF-8 with a byte order mark", utf8("\ufeffFROM debian\r\nRUN echo héllo 🐳\r\n")],
  ["UTF-8 holding a U+FFFD of its own", utf8("FROM debian\nRUN echo \ufffd\n")],
  ["Latin-1 (an invalid UTF-8 byte)", Buffer.from("FROM debian\nRUN echo caf\xe9\n", "latin1")],
  ["UTF-16LE with its byte order mark", Buffer.from("\ufeffFROM debian\n", "utf16le")],
  ["UTF-16BE with its byte order mark", Buffer.from("\ufeffFROM debian\n", "utf16le").swap16()],
  ["UTF-16LE without a byte order mark", Buffer.from("FROM debian\nRUN true\n", "utf16le")],
  ["a NUL byte", utf8("FROM debian\nRUN true\u0000\n")],
  ["an encoded surrogate (invalid UTF-8)", Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xed, 0xa0, 0x80, 0x0a])],
  ["an empty file", new Uint8Array(0)],
])("%s: read as decode() reads its bytes, hashed as its bytes where it is read", (_name, bytes) => {
  const r = readBoth(bytes);
  expect(r.fromFile).toEqual(r.fromBytes);
  expect(r.hash).toBe(r.fromFile.error ? "none" : hashOf(bytes));
});

test("any bytes: read as decode() reads them, hashed as they are", () => {
  const ascii = fc.constantFrom(...Buffer.from("FROM RUN debian \n\r\t#=é\u00ff"));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.array(ascii, { maxLength: 64 }).map((a) => Uint8Array.from(a)),
        fc.string({ unit: "grapheme", maxLength: 32 }).map(utf8),
      ),
      (bytes) => {
        const r = readBoth(bytes);
        expect(r.fromFile).toEqual(r.fromBytes);
        expect(r.hash).toBe(r.fromFile.error ? "none" : hashOf(bytes));
      },
    ),
    { numRuns: 300 },
  );
});
