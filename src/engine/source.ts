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
