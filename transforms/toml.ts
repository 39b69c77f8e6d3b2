/** TOML files of the build context (pyproject.toml, uv.lock), parsed once per text. */

export type Table = Record<string, unknown>;

export const isTable = (value: unknown): value is Table =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const parsed = new Map<string, Table | null>();

/** A TOML file's tables (null when it does not parse), kept by text: every Dockerfile of a context asks again. */
export function toml(text: string): Table | null {
  let doc = parsed.get(text);
  if (doc === undefined) {
    try {
      doc = (require("smol-toml") as typeof import("smol-toml")).parse(text) as Table;
    } catch {
      doc = null;
    }
    if (parsed.size >= 64) parsed.clear();
    parsed.set(text, doc);
  }
  return doc;
}
