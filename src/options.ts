/**
 * Transform options from their schemas (each transform's `meta.options`): the defaults, a value's
 * check, and the layers of a run (defaults, config file, command line) merged.
 */
import type { OptionSchema, Options, Transform } from "./engine/types";

type Schemas = (OptionSchema & { transform: string })[];

/** What a registry's schemas give, worked out once per registry: a run asks for every file. */
const known = new WeakMap<readonly Transform[], { schemas: Schemas; defaults: Options; maps: Set<string> }>();

function schemasOf(registry: readonly Transform[]): { schemas: Schemas; defaults: Options; maps: Set<string> } {
  let found = known.get(registry);
  if (!found) {
    const schemas = registry.flatMap((t) => t.meta.options.map((o) => ({ ...o, transform: t.id })));
    const defaults: Record<string, unknown> = {};
    for (const o of schemas) defaults[o.key] = o.default;
    const maps = new Set(schemas.filter((o) => o.type === "map").map((o) => o.key));
    found = { schemas, defaults, maps };
    known.set(registry, found);
  }
  return found;
}

/** Every option the transforms declare, in pipeline order. */
export function optionSchemas(registry: readonly Transform[]): Schemas {
  return schemasOf(registry).schemas;
}

/** Every option's default. */
export function optionDefaults(registry: readonly Transform[]): Options {
  return schemasOf(registry).defaults;
}

/** What is wrong with a value of an option (a config file's), or undefined when it fits. */
export function optionProblem(schema: OptionSchema, value: unknown): string | undefined {
  if (schema.type === "boolean" && typeof value !== "boolean") return "must be true or false";
  if (schema.type === "string" && typeof value !== "string") return "must be a string";
  if (schema.type === "string" && schema.check) return schema.check(value as string);
  if (schema.type === "choice" && !(schema.choices ?? []).includes(value as string))
    return `must be one of ${(schema.choices ?? []).map((c) => `"${c}"`).join(", ")}`;
  return undefined;
}

/** A map option's entries, checked one by one; the first problem as `[name, problem]`. */
export function mapEntries(
  schema: OptionSchema,
  entries: [string, unknown][],
): { value: Record<string, unknown> } | { name: string; error: string } {
  const value: Record<string, unknown> = {};
  for (const [name, given] of entries) {
    const entry = schema.entry ? schema.entry(name, given) : { value: given };
    if ("error" in entry) return { name, error: entry.error };
    value[name] = entry.value;
  }
  return { value };
}

/** Layers of options, later ones winning; a map option's entries win name by name. */
export function mergeOptions(registry: readonly Transform[], ...layers: (Options | undefined)[]): Options {
  const { maps } = schemasOf(registry);
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      merged[key] = maps.has(key) ? { ...(merged[key] as object | undefined), ...(value as object) } : value;
    }
  }
  return merged;
}

/**
 * Whether a transform runs when no list of transforms is given: one not opt-in always; an opt-in one
 * when one of the options of its `turnedOnBy` is given (a layer of options: the config's, the command line's).
 */
export function runsByDefault(transform: Transform, ...given: (Options | undefined)[]): boolean {
  if (!transform.meta.optIn) return true;
  return (transform.meta.turnedOnBy ?? []).some((key) => given.some((layer) => layer?.[key] !== undefined));
}
