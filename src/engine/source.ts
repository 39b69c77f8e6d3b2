/**
 * The bytes of a Dockerfile as they came in: a byte order mark, the line ending the file uses,
 * and the text itself. Transforms see `text` (without the BOM); inserted text is written with
 * "\n" and converted to the file's own line ending when edits are applied.
 */
export interface SourceText {
  bom: boolean;
  text: string;
  eol: "\n" | "\r\n";
}

const BOM = "\uFEFF";

export function readSource(raw: string): SourceText {
  const bom = raw.startsWith(BOM);
  const text = bom ? raw.slice(1) : raw;
  return { bom, text, eol: dominantEol(text) };
}

export function writeSource(source: SourceText, text: string): string {
  return (source.bom ? BOM : "") + text;
}

/** The line ending most lines use; a file with no line break at all counts as LF. */
export function dominantEol(text: string): "\n" | "\r\n" {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (i > 0 && text[i - 1] === "\r") crlf++;
    else lf++;
  }
  return crlf > lf ? "\r\n" : "\n";
}

/** Offsets at which each line starts. A line ends at "\n", "\r\n" or a lone "\r", as in dockerfile-ast. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The end of the line that starts at `start`, before its line break. */
export function lineEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
  return i;
}

/** The offset just after the line break that ends the line containing `offset` (or the text's end). */
export function afterLineBreak(text: string, offset: number): number {
  const end = lineEnd(text, offset);
  if (text[end] === "\r" && text[end + 1] === "\n") return end + 2;
  if (end < text.length) return end + 1;
  return end;
}

/**
 * How a file's bytes became text, so that they go back as the same bytes. UTF-8 when they are valid
 * UTF-8; otherwise Latin-1, which maps every byte to one character and back, so the bytes of lines
 * dfmod does not touch stay as they were whatever the file's real encoding.
 */
export type Encoding = "utf8" | "latin1";

/** The text of a file's bytes, or why dfmod does not read them (UTF-16, a binary file). */
export function decode(bytes: Uint8Array): { text: string; encoding: Encoding } | { problem: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
    return { problem: "UTF-16 text, which dfmod does not read: save the file as UTF-8" };
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    // A NUL in every pair of bytes, next to a non-NUL: UTF-16 without a byte order mark.
    const pairs = Math.floor(Math.min(buf.length, 128) / 2);
    let utf16 = 0;
    for (let k = 0; k < pairs; k++) if ((buf[2 * k] === 0) !== (buf[2 * k + 1] === 0)) utf16++;
    if (pairs > 0 && utf16 >= pairs * 0.9)
      return { problem: "UTF-16 text, which dfmod does not read: save the file as UTF-8" };
    const line = buf.subarray(0, nul).filter((b) => b === 10).length + 1;
    return { problem: `a binary file, not a Dockerfile (a NUL byte on line ${line})` };
  }
  if (isUtf8(buf)) return { text: buf.toString("utf8"), encoding: "utf8" };
  return { text: buf.toString("latin1"), encoding: "latin1" };
}

/** The bytes of `text` in `encoding`, or undefined when Latin-1 cannot hold a character of it. */
export function encode(text: string, encoding: Encoding): Buffer | undefined {
  if (encoding === "latin1" && /[^\u0000-\u00ff]/.test(text)) return undefined;
  return Buffer.from(text, encoding);
}

function isUtf8(buf: Buffer): boolean {
  const check = (require("node:buffer") as { isUtf8?: (b: Buffer) => boolean }).isUtf8;
  if (check) return check(buf);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}
