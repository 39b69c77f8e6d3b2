/**
 * A compose service's anonymous volume over the image's virtual environment: with a bind mount of
 * the source over the working directory (`volumes: [".:/app"]`, a development set-up), an
 * environment at /app/.venv would be hidden at run time; `- /app/.venv` keeps the image's own, as
 * uv's Docker guide does (`docker run --volume .:/app --volume /app/.venv`).
 */
import { isDeepStrictEqual } from "node:util";
import type { Edit } from "./engine/edits";
import { dominantEol } from "./engine/source";

/**
 * The edit that adds `- <volume>` to the service's `volumes`, undefined when it has it; or why not.
 * The text is edited in place (every other byte stays as it was); the new item follows the file's
 * line ending, and an edit whose result does not read back as the old list plus the new item (and
 * the rest of the file as it was) is not made: the reason says so.
 */
export function anonymousVolumeEdit(text: string, service: string, volume: string): Edit | undefined | string {
  const yaml = require("yaml") as typeof import("yaml");
  const doc = yaml.parseDocument(text);
  if (doc.errors.length > 0) return "the compose file is not valid YAML";
  const services = yaml.isMap(doc.contents) ? doc.contents.get("services", true) : undefined;
  const entry = yaml.isMap(services) ? services.get(service, true) : undefined;
  const volumes = yaml.isMap(entry) ? entry.get("volumes", true) : undefined;
  if (!yaml.isSeq(volumes) || !volumes.range || volumes.items.length === 0)
    return `service ${service} has no volumes list dfmod can add to`;
  const values = volumes.items.map((i) => (yaml.isScalar(i) ? String(i.value) : undefined));
  if (values.some((v) => v === volume || v?.split(":")[0] === volume)) return undefined;
  const last = volumes.items[volumes.items.length - 1] as { range?: [number, number, number] };
  const cannot = `service ${service}'s volumes cannot be edited`;
  if (!last.range) return cannot;
  const item = plainSafe(volume) ? volume : JSON.stringify(volume);
  const edit = volumes.flow ? flowEdit(text, last.range[1], item) : blockEdit(text, last.range, item);
  if (!edit) return cannot;
  if (!readsBack(text, edit, service, volume, doc.toJS.bind(doc)))
    return `${cannot} without changing what else it says (the edited file would not read back as its volumes plus ${volume})`;
  return edit;
}

/** A value that is the same plain scalar in block and flow context. */
const plainSafe = (value: string): boolean => /^[\w./~+@=][\w./~+@=-]*$/.test(value);

/**
 * A block list: the new item on a line of its own after the last one's (after a comment there),
 * with the same indentation. It goes before that line's break, so the break ends the new line and
 * the edit starts on the last item's line; a last item on the file's last line without a break
 * gets the break before the new item, and the file still ends without one.
 */
function blockEdit(text: string, range: [number, number, number], item: string): Edit | undefined {
  const lineStart = text.lastIndexOf("\n", range[0] - 1) + 1;
  const dash = text.lastIndexOf("-", range[0]);
  if (dash < lineStart || !/^[ \t]*$/.test(text.slice(lineStart, dash))) return undefined;
  // A node can end after its line break (a mapping, a block scalar): that break ends its line.
  const end = range[1];
  const lf = end > 0 && text[end - 1] === "\n" ? end - 1 : text.indexOf("\n", end);
  const at = lf < 0 ? text.length : lf > 0 && text[lf - 1] === "\r" ? lf - 1 : lf;
  return { start: at, end: at, text: `${dominantEol(text)}${text.slice(lineStart, dash)}- ${item}` };
}

/**
 * A flow list: `, item` after the last item, or ` item,` after a trailing comma (with any
 * whitespace, line breaks and comments between the last item and its comma or the `]`).
 */
function flowEdit(text: string, end: number, item: string): Edit | undefined {
  let i = end;
  for (;;) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") i++;
    else if (c === "#") i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    else break;
  }
  if (text[i] === ",") return { start: i + 1, end: i + 1, text: ` ${item},` };
  if (text[i] === "]") return { start: end, end, text: `, ${item}` };
  return undefined;
}

/** Whether the edited text parses, and as the file did with `volume` added to the service's volumes. */
function readsBack(text: string, edit: Edit, service: string, volume: string, before: () => unknown): boolean {
  const yaml = require("yaml") as typeof import("yaml");
  try {
    const after = yaml.parseDocument(text.slice(0, edit.start) + edit.text + text.slice(edit.end));
    if (after.errors.length > 0) return false;
    // Through JSON, so a list shared by an alias counts as changed in each place it shows.
    const expected = JSON.parse(JSON.stringify(before())) as { services: Record<string, { volumes: unknown[] }> };
    expected.services[service]!.volumes.push(volume);
    return isDeepStrictEqual(JSON.parse(JSON.stringify(after.toJS())), expected);
  } catch {
    return false;
  }
}
