/** The ignore file a Dockerfile's build reads, and whether it leaves a file of the context out. */
import * as path from "node:path";
import { DockerIgnore } from "../explain/dockerignore";
import { folderContext, type BuildContext } from "./context";

export interface IgnoreFile {
  /** Its file name (`.dockerignore`, `api.Dockerfile.dockerignore`). */
  name: string;
  /** The folder it is (or would be) in. */
  where: BuildContext;
  /** Its path. */
  file: string;
}

/**
 * The ignore file Docker reads for a Dockerfile's build: `<Dockerfile>.dockerignore` beside the
 * Dockerfile when there is one, else the context's `.dockerignore` (whether or not it exists).
 */
export function ignoreFileOf(context: BuildContext, dockerfile: string | undefined): IgnoreFile {
  if (dockerfile) {
    const folder = folderContext(path.dirname(dockerfile));
    const name = `${path.basename(dockerfile)}.dockerignore`;
    if (folder.present(name)) return { name, where: folder, file: path.join(folder.dir, name) };
  }
  return { name: ".dockerignore", where: context, file: path.join(context.dir, ".dockerignore") };
}

/** Ignore files' rules by their text: a run reads the same few texts for many Dockerfiles. */
const rulesByText = new Map<string, DockerIgnore>();

/**
 * Each context's ignore rules by Dockerfile (null: no ignore file), kept as long as the context
 * (forgetFolders starts afresh): copy-order and uv-sync ask for every file they name.
 */
const rulesOf = new WeakMap<BuildContext, Map<string, { name: string; rules: DockerIgnore | null }>>();

function ignoreRules(
  context: BuildContext,
  dockerfile: string | undefined,
): { name: string; rules: DockerIgnore | null } {
  let byFile = rulesOf.get(context);
  if (!byFile) rulesOf.set(context, (byFile = new Map()));
  const key = dockerfile ?? "";
  let found = byFile.get(key);
  if (!found) {
    const { name, where } = ignoreFileOf(context, dockerfile);
    const text = where.read(name);
    let rules = text ? rulesByText.get(text) : null;
    if (text && !rules) {
      if (rulesByText.size >= 256) rulesByText.clear();
      rules = new DockerIgnore(text);
      rulesByText.set(text, rules);
    }
    found = { name, rules: rules ?? null };
    byFile.set(key, found);
  }
  return found;
}

/**
 * The name of the ignore file that leaves a context-relative path out of the build (Docker does not
 * send it, so COPY cannot name it), or undefined when the build gets it.
 */
export function leftOutBy(context: BuildContext, dockerfile: string | undefined, relative: string): string | undefined {
  const { name, rules } = ignoreRules(context, dockerfile);
  if (!rules) return undefined;
  const rel = path.posix.normalize(relative).replace(/^(?:\.\/)+/, "");
  return rules.ignores(rel) ? name : undefined;
}
