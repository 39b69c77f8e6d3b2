/**
 * Transforms from outside dfmod (`--transform ./my-transform.js`): a CommonJS module that exports a
 * transform written against the same API as the built-in ones (src/engine/types.ts `Transform`),
 * as `module.exports`, `default`, `transform`, or an array as `transforms`.
 */
import * as path from "node:path";
import type { Transform } from "./engine/types";

/** What is wrong with an exported transform, or undefined when it has what the engine needs. */
function problem(t: Partial<Transform> | undefined): string | undefined {
  if (typeof t !== "object" || t === null) return "exports no transform object";
  if (typeof t.id !== "string" || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(t.id)) return "id must be a kebab-case string";
  if (typeof t.summary !== "string") return `${t.id}: summary must be a string`;
  if (typeof t.apply !== "function" && typeof t.applyCompose !== "function")
    return `${t.id}: needs an apply (Dockerfiles) or applyCompose (compose files) function`;
  const meta = t.meta;
  if (typeof meta !== "object" || meta === null || !Array.isArray(meta.options) || typeof meta.messages !== "object")
    return `${t.id}: meta must have options (an array) and messages (an object)`;
  for (const o of meta.options)
    if (typeof o?.key !== "string" || typeof o.flag !== "string" || !["boolean", "string", "choice"].includes(o.type))
      return `${t.id}: an option needs key, flag, and type "boolean", "string" or "choice"`;
  return undefined;
}

/** The transforms a module exports; an error that names the file and what is wrong. */
export function loadTransformModule(file: string, cwd: string): Transform[] {
  const full = path.resolve(cwd, file);
  let exported: unknown;
  try {
    exported = require(full);
  } catch (err) {
    throw new Error(`${file}: cannot load: ${(err as Error).message.split("\n")[0]}`);
  }
  const mod = exported as { default?: unknown; transform?: unknown; transforms?: unknown };
  const found = mod.transforms ?? mod.transform ?? mod.default ?? exported;
  const list = (Array.isArray(found) ? found : [found]) as Transform[];
  for (const t of list) {
    const wrong = problem(t);
    if (wrong) throw new Error(`${file}: ${wrong}`);
  }
  return list;
}

/** The transforms of every module, checked against the registry: two transforms with one id or one flag are an error. */
export function withExternal(registry: readonly Transform[], files: string[], cwd: string): Transform[] {
  const all = [...registry];
  for (const file of files) {
    for (const t of loadTransformModule(file, cwd)) {
      if (all.some((r) => r.id === t.id)) throw new Error(`${file}: a transform with the id ${t.id} is already loaded`);
      const flags = new Set(all.flatMap((r) => r.meta.options.map((o) => o.flag)));
      const clash = t.meta.options.find((o) => flags.has(o.flag));
      if (clash) throw new Error(`${file}: ${t.id}'s option --${clash.flag} is another transform's`);
      all.push(t);
    }
  }
  return all;
}
