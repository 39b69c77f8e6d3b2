/** A change to the text as plain data: replace [start, end) with `text`. Offsets are into the text a transform saw. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class EditOverlapError extends Error {
  constructor(
    readonly transform: string,
    readonly a: Edit,
    readonly b: Edit,
  ) {
    super(`transform ${transform} made overlapping edits: [${a.start}, ${a.end}) and [${b.start}, ${b.end})`);
  }
}

/**
 * Applies edits to `text`. Edits are sorted by position (insertions at the same offset keep the
 * order they were made in); two edits that touch the same bytes are an error that names the
 * transform. "\n" in inserted text becomes `eol`, so a CRLF file stays CRLF.
 */
export function applyEdits(text: string, edits: Edit[], eol: string, transform: string): string {
  return applyEditsWithMap(text, edits, eol, transform).text;
}

/**
 * applyEdits, and a map from offsets of the new text back to offsets of the old one (text that an
 * edit inserted maps to where the edit started), so notes can name lines of the original file.
 */
export function applyEditsWithMap(
  text: string,
  edits: Edit[],
  eol: string,
  transform: string,
): { text: string; toOld(offset: number): number } {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((x, y) => x.edit.start - y.edit.start || x.edit.end - y.edit.end || x.order - y.order)
    .map((x) => x.edit);
  let out = "";
  let pos = 0;
  let previous: Edit | undefined;
  const spans: { newStart: number; newEnd: number; oldStart: number; oldEnd: number }[] = [];
  for (const edit of sorted) {
    if (edit.start < 0 || edit.end > text.length || edit.start > edit.end) {
      throw new Error(`transform ${transform} made an edit outside the text: [${edit.start}, ${edit.end})`);
    }
    if (previous && edit.start < previous.end) throw new EditOverlapError(transform, previous, edit);
    out += text.slice(pos, edit.start);
    const inserted = edit.text.replace(/\r?\n/g, eol);
    spans.push({ newStart: out.length, newEnd: out.length + inserted.length, oldStart: edit.start, oldEnd: edit.end });
    out += inserted;
    pos = edit.end;
    previous = edit;
  }
  out += text.slice(pos);
  const toOld = (offset: number): number => {
    let span: (typeof spans)[number] | undefined;
    for (const s of spans) {
      if (s.newStart > offset) break;
      span = s;
    }
    if (!span) return offset;
    if (offset < span.newEnd) return span.oldStart;
    return span.oldEnd + (offset - span.newEnd);
  };
  return { text: out, toOld };
}
