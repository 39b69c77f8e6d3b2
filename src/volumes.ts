/**
 * A compose service's anonymous volume over the image's virtual environment: with a bind mount of
 * the source over the working directory (`volumes: [".:/app"]`, a development set-up), an
 * environment at /app/.venv would be hidden at run time; `- /app/.venv` keeps the image's own, as
 * uv's Docker guide does (`docker run --volume .:/app --volume /app/.venv`).
 */
import type { Edit } from "./engine/edits";

/** The edit that adds `- <volume>` to the service's `volumes`, undefined when it has it; or why not. */
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
  if (volumes.flow) {
    const close = text.lastIndexOf("]", volumes.range[1]);
    if (close < 0) return `service ${service}'s volumes cannot be edited`;
    return { start: close, end: close, text: `, ${volume}` };
  }
  const last = volumes.items[volumes.items.length - 1] as { range?: [number, number, number] };
  if (!last.range) return `service ${service}'s volumes cannot be edited`;
  // The new item goes on a line of its own after the last one, with the same indentation.
  const lineStart = text.lastIndexOf("\n", last.range[0] - 1) + 1;
  const dash = text.lastIndexOf("-", last.range[0]);
  if (dash < lineStart) return `service ${service}'s volumes cannot be edited`;
  const lineEnd = text.indexOf("\n", last.range[1] - 1);
  const at = lineEnd < 0 ? text.length : lineEnd;
  return { start: at, end: at, text: `\n${text.slice(lineStart, dash)}- ${volume}` };
}
