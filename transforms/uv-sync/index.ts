/**
 * uv-sync: pip-interface uv (and the venv / pip scaffolding around it) -> the lockfile workflow,
 * `uv sync --frozen --no-dev --no-install-project`, with uv's cache in a BuildKit cache mount.
 */
import * as path from "node:path";
import type { Edit } from "../../src/engine/edits";
import type { Dockerfile, Instruction, Stage } from "../../src/engine/dockerfile";
import type { NoteInput } from "../../src/engine/types";
import type { Context, Transform } from "../options";
import type { ConfigKey } from "../../src/engine/image";
import { written } from "../../src/engine/command";
import { packageName, resolvePath } from "../../src/engine/commands";
import {
  isPipUpgrade,
  isUvSelfInstall,
  stageFacts,
  venvCreationArgs,
  type CommandFacts,
  type DependencyInstall,
  type StageFacts,
} from "../../src/engine/facts";
import { baseStage, changePerStage, envPairs, envValue, stageStates, type StageState } from "../../src/engine/stage";
import { isPythonImage } from "../multi-stage/commands";
import { sourceMatcher } from "../../src/explain/dockerignore";
import { leftOutBy } from "../../src/engine/ignore-file";
import type { BuildContext } from "../../src/engine/context";
import { meta } from "./meta";
import { otherDefaultGroups, unlockedDependencies } from "./lock";
import { allowsImage, pinnedVersion, pinSatisfied, pythonVersionCopy, stagePython } from "../python-version";
import { requiresPython } from "../multi-stage/requires-python";
import { allowsVersion } from "../pep440";
import { pathReset, systemPathsNamed } from "../multi-stage/runtime";
import { PIP_IN_SCRIPT, SPACY_DOWNLOAD } from "../multi-stage/edits";
import { scriptsRun } from "../alpine-to-trixie/scripts";
import { editChain, insertAfter, insertBefore, removeInstruction, replaceRange } from "../../src/engine/fixer";

export const UV_CACHE = "/root/.cache/uv";
const UV_IMAGE = "ghcr.io/astral-sh/uv";

/** uv pip install options that carry over to uv sync unchanged. */
const CARRIED = new Set(["--compile-bytecode", "--all-extras", "--extra", "-q", "--quiet", "-v", "--verbose"]);
/** uv pip install options that uv sync makes pointless. */
const DROPPED = new Set(["--system", "--break-system-packages"]);
/** Dropped when uv's cache lives in a cache mount; carried over (uv sync takes them) otherwise. */
const NO_CACHE = new Set(["--no-cache", "-n"]);

/** A `uv pip install` that becomes `uv sync`. */
interface Conversion {
  fact: CommandFacts;
  install: DependencyInstall;
  /** Installs the project itself (`.` / `-e .`), not only its dependencies. */
  project: boolean;
  editable: boolean;
  carried: string[];
  /** Variable assignments in front of the command (`UV_INDEX_X_PASSWORD="$(cat ...)" `), kept in front of uv sync. */
  assignments: string;
}

/** Edits of RUNs' top-level lists: items removed or replaced, gathered per RUN and made at the end. */
class ChainEdits {
  readonly removals = new Map<Instruction, Set<number>>();
  readonly replacements = new Map<Instruction, Map<number, string>>();

  remove(instruction: Instruction, item: number): void {
    this.removals.set(instruction, (this.removals.get(instruction) ?? new Set<number>()).add(item));
  }

  replace(instruction: Instruction, item: number, text: string): void {
    this.replacements.set(
      instruction,
      (this.replacements.get(instruction) ?? new Map<number, string>()).set(item, text),
    );
  }
}

/** One stage being converted: what it is, and what the conversion produces. */
interface Work {
  ctx: Context;
  stage: Stage;
  facts: StageFacts;
  states: Map<Instruction, StageState>;
  edits: Edit[];
  notes: NoteInput[];
  declares: ConfigKey[];
  chains: ChainEdits;
}

/** Where the environment that uv sync fills lives. */
interface Environment {
  /** Resolved folder of the environment. */
  env: string;
  /** The project's default environment (`.venv` in the working directory of the first install). */
  projectEnv: string;
  /** `ENV UV_PROJECT_ENVIRONMENT=...` to add when the image used another folder and no ENV sets it. */
  envLine: string | undefined;
  /** Top-level items of each RUN that the venv set-up removal takes away. */
  removed: Map<Instruction, Set<number>>;
}

export const uvSync: Transform = {
  id: "uv-sync",
  summary: "uv pip install + venv/pip scaffolding -> uv sync --frozen --no-dev --no-install-project with a cache mount",
  meta,
  apply: (ctx) => changePerStage(ctx, convertStage),
};

/** The commands of a RUN that parsed cleanly. */
function cleanCommands(work: Work, instruction: Instruction): CommandFacts[] {
  const commands = work.facts.of(instruction);
  return commands[0]?.script.hasError ? [] : commands;
}

function convertStage(ctx: Context, stage: Stage, edits: Edit[], notes: NoteInput[], declares: ConfigKey[]): void {
  const facts = stageFacts(stage);
  const work: Work = {
    ctx,
    stage,
    facts,
    states: stageStates(stage),
    edits,
    notes,
    declares,
    chains: new ChainEdits(),
  };
  replaceUvSelfInstalls(work);
  const at = stage.instructions.find((i) => cleanCommands(work, i).some((f) => f.install?.tool === "uv-pip"));
  const old = at && olderUv(ctx.dockerfile, stage);
  const range = at && !old ? uvRange(work) : undefined;
  if (at && (old || range)) {
    notes.push({
      id: "uv-too-old",
      severity: "warning",
      line: at.line,
      message: old
        ? `\`uv pip install\` not converted to uv sync: the stage's uv is ${old}, older than 0.4, whose project handling (uv sync of a project that is not a package, uv.lock as uv writes it now) the uv sync dfmod writes needs. Move the uv image to a current version, then run dfmod again`
        : `\`uv pip install\` not converted to uv sync: the stage installs ${range}, a range without uv ${ctx.options.uvVersion}, and dfmod writes uv sync for current uv (an older one may not read the uv.lock current uv writes). Move uv to a current version, then run dfmod again`,
    });
    applyChainEdits(work);
    return;
  }
  const conversions = findConversions(work);
  const left = conversions.length > 0 ? conversionsLeft(work, conversions) : undefined;
  if (left) notes.push(left);
  else if (conversions.length > 0) convertInstalls(work, conversions);
  applyChainEdits(work);
}

/**
 * Why the stage's uv pip installs stay as they are, as a note, or undefined: another pip install
 * beside them, or a path of the image's own Python that the stage names after them.
 */
function conversionsLeft(work: Work, conversions: Conversion[]): NoteInput | undefined {
  const line = conversions[0]!.fact.instruction.line;
  const other = otherInstall(work, conversions);
  if (other)
    return {
      id: "other-install-left",
      severity: "warning",
      line,
      message: `\`uv pip install\` not converted to uv sync: the stage also installs with \`${other.text}\` (line ${other.line}), which would not go into the virtual environment uv sync makes (it has no pip, and \`--system\` means the image's Python). Install everything through uv sync, then run dfmod again`,
    };
  // A base image with a Python of its own and packages in it (pytorch/pytorch, a framework's
  // image): the virtual environment uv sync makes would not see them, nor would the base's scripts
  // see what uv sync installs.
  const base = work.ctx.dockerfile.baseImage(baseStage(work.ctx.dockerfile, work.stage));
  if (!isPythonImage(base))
    return {
      id: "uv-sync-would-differ",
      severity: "warning",
      line,
      message: `\`uv pip install\` not converted to uv sync: the stage is built on ${base}, not the official python image (python:*) or a uv image; uv sync would install into a new virtual environment that does not see the packages of the image's own Python, and the image's own scripts would not see what it installs`,
    };
  const shape = shapeLeft(work, conversions);
  if (shape)
    return {
      id: "uv-sync-would-differ",
      severity: "warning",
      line,
      message: `\`uv pip install\` not converted to uv sync: ${shape}`,
    };
  const elsewhere = usedByOtherStages(work);
  if (elsewhere)
    return {
      id: "system-path-left",
      severity: "warning",
      line,
      message: `\`uv pip install\` not converted to uv sync: ${elsewhere}, which relies on the install going into the image's Python; uv sync installs into a virtual environment instead. Change that stage, then run dfmod again`,
    };
  const pip = pipNeeded(work, conversions);
  if (pip)
    return {
      id: "uv-sync-would-differ",
      severity: "warning",
      line,
      message: `\`uv pip install\` not converted to uv sync: ${pip}; the virtual environment uv sync makes has no pip (the image's own pip would install beside it). Leave the install as it is, or install with uv there, then run dfmod again`,
    };
  const reset = pathReset(work.stage, work.ctx.context, ".venv") ?? pathDropped(work, conversions);
  if (reset)
    return {
      id: "uv-sync-would-differ",
      severity: "warning",
      line,
      message: `\`uv pip install\` not converted to uv sync: ${reset}: a PATH without the virtual environment uv sync would install into, where the image's own Python found the packages under any PATH. Run the programs by their full path, then run dfmod again`,
    };
  const named = systemPathsNamed(work.stage, work.ctx.context, conversions[0]!.fact.instruction)[0];
  if (named)
    return {
      id: "system-path-left",
      severity: "warning",
      line,
      message: `\`uv pip install\` not converted to uv sync: ${named.where} names ${named.path}, where the install put things; uv sync installs into a virtual environment instead. Change the path, then run dfmod again`,
    };
  return undefined;
}

/**
 * Another stage of the file that relies on the install going into the image's Python: one that
 * copies /usr/local/bin, /usr/local/lib or site-packages out of this stage (`COPY --from=builder
 * /usr/local/lib/python3.12 ...`), or one built FROM this stage that installs more with pip.
 */
function usedByOtherStages(work: Work): string | undefined {
  const copied = copiedOut(work, /^\/usr\/local\/(?:bin|lib)(?:\/|$)|site-packages/);
  if (copied) return `the COPY at line ${copied.line} copies ${copied.source} out of this stage`;
  const names = stageNames(work.stage);
  for (const other of work.ctx.dockerfile.stages)
    if (other !== work.stage && names.has(other.image.toLowerCase()))
      for (const i of other.instructions)
        if (i.keyword === "RUN" && /\bpip[\d.]*\s+install\b/.test(i.args))
          return `the stage built FROM this one installs more with pip at line ${i.line}`;
  return undefined;
}

/**
 * What runs pip after the install: spaCy's model download (`python -m spacy download`, which runs
 * `python -m pip install`), or a pip install when the container starts. The environment uv sync
 * makes has no pip, and the image's own pip would install beside it.
 */
function pipNeeded(work: Work, conversions: Conversion[]): string | undefined {
  const install = conversions[0]!.fact.instruction;
  const runsPip = (text: string): boolean => SPACY_DOWNLOAD.test(text) || PIP_IN_SCRIPT.test(text);
  const after = (i: Instruction): boolean => i.index > install.index;
  // This stage and the later ones (a runtime stage that gets the environment).
  for (const stage of work.ctx.dockerfile.stages.filter((s) => s.index >= work.stage.index)) {
    for (const i of stage.instructions) {
      if (i.keyword === "RUN" && after(i) && SPACY_DOWNLOAD.test(i.args))
        return `the RUN at line ${i.line} runs spaCy's model download, which installs the model with the environment's pip`;
      if ((i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && runsPip(i.args))
        return `the ${i.keyword} at line ${i.line} runs pip`;
    }
    for (const script of scriptsRun(stage, work.ctx.context))
      if ((script.instruction.keyword !== "RUN" || after(script.instruction)) && runsPip(script.text))
        return `${script.file} (run by line ${script.instruction.line}) runs pip`;
  }
  return undefined;
}

/** How other stages name this one: its index, and its name (lower case, as Docker matches it). */
const stageNames = (stage: Stage): Set<string> =>
  new Set([String(stage.index), ...(stage.name ? [stage.name.toLowerCase()] : [])]);

/** The first path matching `pattern` that another stage copies out of this one (`COPY --from=builder ...`). */
function copiedOut(work: Work, pattern: RegExp): { line: number; source: string } | undefined {
  const names = stageNames(work.stage);
  for (const other of work.ctx.dockerfile.stages) {
    if (other === work.stage) continue;
    for (const i of other.instructions) {
      const from = i.keyword === "COPY" ? i.flag("from")?.value?.toLowerCase() : undefined;
      if (from === undefined || !names.has(from)) continue;
      const source = i.copySources().find((s) => pattern.test(s));
      if (source) return { line: i.line, source };
    }
  }
  return undefined;
}

/** An ENV after the install that sets PATH outright (`ENV PATH=/opt/tools/bin:/usr/local/bin:...`), dropping the environment's bin. */
function pathDropped(work: Work, conversions: Conversion[]): string | undefined {
  const install = conversions[0]!.fact.instruction;
  for (const i of work.stage.instructions)
    if (i.keyword === "ENV" && i.index > install.index)
      for (const p of envPairs(i))
        if (p.key === "PATH" && !/\$\{?PATH\b/.test(p.value) && !/venv\/bin/.test(p.value))
          return `the ENV at line ${i.line} sets PATH to ${p.value}`;
  return undefined;
}

/** Commands after the install in its RUN that do not need what it installed (clean-ups). */
const AFTER_INSTALL_HARMLESS = new Set(["rm", "find", "uv", "true", ":", "echo", "chmod", "chown", "mkdir"]);

/** A clean-up, or `python -m compileall` (the image's Python compiles the code alike). */
function harmlessAfter(f: CommandFacts): boolean {
  const words = f.command.words.map((w) => w.text);
  if (AFTER_INSTALL_HARMLESS.has(words[0] ?? "")) return true;
  return /^python[\d.]*$/.test(words[0] ?? "") && words[1] === "-m" && words[2] === "compileall";
}

/** Whether an ENV before the instruction already puts a virtual environment on PATH. */
function venvOnPathBefore(work: Work, instruction: Instruction): boolean {
  for (const i of work.stage.instructions) {
    if (i === instruction) return false;
    if (i.keyword === "ENV" && envPairs(i).some((p) => p.key === "PATH" && /venv\/bin/.test(p.value))) return true;
  }
  return false;
}

/**
 * Why uv sync would not do what the stage's install did, or undefined: uv sync makes `.venv` in the
 * folder it runs in, ignores VIRTUAL_ENV, installs a project only when it is a package, and needs
 * uv.lock beside pyproject.toml.
 */
function shapeLeft(work: Work, conversions: Conversion[]): string | undefined {
  for (const c of conversions) {
    const { instruction, item } = c.fact;
    const commands = cleanCommands(work, instruction);
    const at = commands.indexOf(c.fact);
    const cd = commands.slice(0, at).find((f) => f.command.words[0]?.raw === "cd");
    if (cd)
      return `the RUN changes folder (\`${cd.line.written}\`) before it; uv sync makes .venv in the folder it runs in, which the image's PATH would not name`;
    const activated = commands.slice(0, at).some((f) => f.venvActivated !== undefined);
    if (activated && item !== undefined && commands.slice(at + 1).some((f) => f.item !== undefined && !f.venvActivated))
      return "the RUN activates the virtual environment and runs more commands after the install, which would lose it (the activation goes with the venv set-up)";
    // A command after the install in its RUN (not one inside it: `X="$(cat secret)" uv pip install`).
    const after = commands
      .slice(at + 1)
      .find(
        (f) => f.command.start >= c.fact.command.end && !conversions.some((o) => o.fact === f) && !harmlessAfter(f),
      );
    if (after && !activated && !venvOnPathBefore(work, instruction))
      return `the RUN runs \`${after.line.written}\` after the install; uv sync puts the packages into a virtual environment, which the ENV PATH after the RUN puts on PATH only for the instructions after it`;
  }
  for (const f of work.facts.commands) {
    if (venvCreationArgs(f.line)?.includes(undefined))
      return `the virtual environment's folder is an expansion (\`${f.line.written}\`), and uv sync fills the one it is told by name`;
  }
  if (conversions.some((c) => c.project) && !isPackage(work)) {
    return "pyproject.toml has no [build-system] (and no `[tool.uv] package = true`): uv sync does not install a project that is not a package, which `uv pip install .` built and installed with its scripts";
  }
  const unlocked = work.ctx.context ? unlockedDependencies(work.ctx.context) : [];
  if (unlocked.length > 0) {
    const names = unlocked.join(", ");
    return `uv.lock does not have ${names}, which pyproject.toml depends on (locked before ${unlocked.length > 1 ? "they were" : "it was"} added): uv sync would install the lock as it is, without ${unlocked.length > 1 ? "them" : "it"}. Run \`uv lock\`, commit uv.lock, and run dfmod again`;
  }
  return undefined;
}

/** The context's pyproject.toml makes a package (or cannot be read: assumed to). */
function isPackage(work: Work): boolean {
  const text = work.ctx.context?.read("pyproject.toml");
  if (text === undefined) return true;
  let doc: Record<string, unknown>;
  try {
    doc = (require("smol-toml") as typeof import("smol-toml")).parse(text) as Record<string, unknown>;
  } catch {
    return true;
  }
  const uv = ((doc.tool as Record<string, unknown> | undefined)?.uv ?? {}) as Record<string, unknown>;
  if (typeof uv.package === "boolean") return uv.package;
  return doc["build-system"] !== undefined;
}

/** An install of dependencies with pip or uv pip that is not one of the conversions (`pip install --no-deps .` after them). */
function otherInstall(work: Work, conversions: Conversion[]): { text: string; line: number } | undefined {
  const converted = new Set(conversions.map((c) => c.fact.command));
  for (const instruction of work.stage.instructions)
    for (const fact of cleanCommands(work, instruction)) {
      const install = fact.install;
      if (!install || install.tooling || converted.has(fact.command)) continue;
      if (install.tool !== "pip" && install.tool !== "uv-pip") continue;
      const text = fact.command.words.map((w) => w.raw).join(" ");
      return { text: text.length > 60 ? `${text.slice(0, 57)}...` : text, line: instruction.line };
    }
  return undefined;
}

/**
 * The version of uv the stage gets from the uv image (`COPY --from=ghcr.io/astral-sh/uv:0.2.37`, a
 * FROM of a uv image) or from `pip install uv==0.2.37`, when it is older than 0.4.
 */
function olderUv(file: Dockerfile, stage: Stage): string | undefined {
  const images = [file.baseImage(stage), ...stage.instructions.map((i) => i.flag("from")?.value ?? "")];
  const versions = images
    .filter((image) => image.startsWith(UV_IMAGE + ":"))
    .map((image) => image.slice(UV_IMAGE.length + 1));
  for (const i of stage.instructions)
    if (i.keyword === "RUN") versions.push(...[...i.args.matchAll(/\buv==([0-9][0-9.]*)/g)].map((m) => m[1]!));
  return versions.find(olderThan04);
}

/** A uv version (or image tag: `0.2.37-python3.12-alpine`) older than 0.4. */
const olderThan04 = (version: string): boolean => {
  const m = /^0\.(\d+)(?:[.-]|$)/.exec(version);
  return m !== null && Number(m[1]) < 4;
};

/**
 * 1. `pip install uv` -> COPY --from the uv image (independent of the lockfile), when the stage
 * calls uv by its name: the image puts it in /bin, not where pip put it.
 */
function replaceUvSelfInstalls(work: Work): void {
  const { ctx, stage } = work;
  let uvCopyAdded = stage.instructions.some(
    (i) => i.keyword === "COPY" && (i.flag("from")?.value ?? "").startsWith(UV_IMAGE),
  );
  // Asked only of a stage that installs uv with pip (most stages do not).
  let byPath: { name: string | undefined } | undefined;
  const uvByPath = (): string | undefined => {
    if (!byPath) {
      const locked = !ctx.context || PROJECT_FILES.every((f) => !notSent(ctx, ctx.context!, f));
      // Or another stage copies pip's uv out of this one (`COPY --from=builder /usr/local/bin/uv ...`).
      byPath = {
        name: calledOrCopied(work, locked),
      };
    }
    return byPath.name;
  };
  for (const instruction of stage.instructions) {
    for (const fact of cleanCommands(work, instruction)) {
      const install = fact.install;
      if (!install || !isUvSelfInstall(install)) continue;
      const version = selfInstallVersion(work, fact, install, uvByPath());
      if (version === undefined) continue;
      work.chains.remove(instruction, fact.item!);
      if (!uvCopyAdded) {
        work.edits.push(insertAfter(stage.from, [`COPY --from=${UV_IMAGE}:${version} /uv /uvx /bin/`]));
        uvCopyAdded = true;
      }
      work.notes.push({
        id: "uv-binary-copy",
        severity: "info",
        line: instruction.line,
        message: `\`pip install uv\` -> COPY --from=${UV_IMAGE}:${version}: the static uv binary, no pip install into the image's Python`,
      });
    }
  }
}

/** The uv version a `pip install uv` that goes away installs, or undefined (with a note) when it stays. */
function selfInstallVersion(
  work: Work,
  fact: CommandFacts,
  install: DependencyInstall,
  uvByPath: string | undefined,
): string | undefined {
  const { instruction } = fact;
  if (uvByPath || install.options.hasFlag("--user", "--target", "--prefix")) {
    work.notes.push({
      id: "pip-install-uv-left",
      severity: "info",
      line: instruction.line,
      message: `\`pip install uv\` left as it is: ${uvByPath ? `${uvByPath}, which the uv image would not provide` : "it installs uv somewhere of its own"}`,
    });
    return undefined;
  }
  const compound = (message: string): undefined => {
    work.notes.push({ id: "pip-install-uv-compound", severity: "warning", line: instruction.line, message });
    return undefined;
  };
  if (fact.item === undefined) return compound("`pip install uv` inside a compound command is left as it is");
  const spec = install.packages.find((p) => packageName(p) === "uv") ?? "uv";
  const version = uvImageVersion(spec, work.ctx.options.uvVersion);
  if (!("tag" in version)) {
    work.notes.push({
      id: "pip-install-uv-left",
      severity: "info",
      line: instruction.line,
      message: `\`pip install uv\` left as it is: ${version.why}`,
    });
    return undefined;
  }
  if (!editChain(instruction, fact.script, new Set([fact.item])))
    return compound("`pip install uv` joined with `||` or a pipe is left as it is");
  return version.tag;
}

/** What follows the name (and extras) of a requirement: its version specifiers (`==0.4.1`, `<0.5`), or "". */
const specifierOf = (spec: string): string =>
  spec
    .replace(/^[A-Za-z0-9._-]+(?:\[[^\]]*\])?\s*/, "")
    .split(";")[0]!
    .trim();

/** A version's numbers (`0.4.1` -> [0, 4, 1]); undefined for anything else. */
const numbersOf = (version: string): number[] | undefined =>
  /^\d+(?:\.\d+)*$/.test(version) ? version.split(".").map(Number) : undefined;

/**
 * The uv image tag that stands for a `pip install uv` requirement: its exact pin, or the default
 * when it has none or its range allows the default; else why none does (a pin older than 0.4, whose
 * image lacks what the copy takes and whose uv sync dfmod does not write; a range no tag names).
 */
function uvImageVersion(spec: string, fallback: string): { tag: string } | { why: string } {
  const specifier = specifierOf(spec);
  if (specifier === "") return { tag: fallback };
  const exact = /^===?\s*([0-9][0-9A-Za-z.]*)$/.exec(specifier)?.[1];
  if (exact !== undefined) return olderThan04(exact) ? { why: `uv ${exact} is older than 0.4` } : { tag: exact };
  const wanted = numbersOf(fallback);
  if (wanted && allowsVersion(specifier, wanted)) return { tag: fallback };
  return { why: `it asks for uv ${specifier}, which uv ${fallback} (the image dfmod would copy) does not meet` };
}

/**
 * A `pip install uv` of the stage that no uv image stands for (`uv<0.5`, `uv~=0.4.0`; an old pin
 * olderUv names first): dfmod cannot tell its uv is 0.4 or newer, so its uv pip install stays.
 */
function uvRange(work: Work): string | undefined {
  for (const instruction of work.stage.instructions)
    for (const fact of cleanCommands(work, instruction)) {
      const install = fact.install;
      if (!install || !isUvSelfInstall(install)) continue;
      const spec = install.packages.find((p) => packageName(p) === "uv") ?? "uv";
      if ("why" in uvImageVersion(spec, work.ctx.options.uvVersion)) return `uv${specifierOf(spec)}`;
    }
  return undefined;
}

/** 2. The uv pip installs that can become uv sync. */
function findConversions(work: Work): Conversion[] {
  const { ctx, stage } = work;
  const conversions: Conversion[] = [];
  for (const instruction of stage.instructions) {
    if (
      instruction.heredoc &&
      /\buv\s+pip\s+install\b/.test(ctx.dockerfile.text.slice(instruction.start, instruction.end))
    ) {
      work.notes.push({
        id: "heredoc-not-rewritten",
        severity: "warning",
        line: instruction.line,
        message: "`uv pip install` in a heredoc RUN is left as it is: dfmod does not rewrite heredoc bodies yet",
      });
    }
    for (const fact of cleanCommands(work, instruction)) {
      if (fact.install?.tool !== "uv-pip") continue;
      const conversion = classify(fact, fact.install, work.notes, mounted(work, instruction), firstVenv(work));
      if (conversion) conversions.push(conversion);
    }
  }
  return conversions;
}

/** Removals and replacements, RUN by RUN. */
function applyChainEdits(work: Work): void {
  const { removals, replacements } = work.chains;
  for (const instruction of new Set([...removals.keys(), ...replacements.keys()])) {
    const script = instruction.shell()!;
    const chain = editChain(instruction, script, removals.get(instruction) ?? new Set(), replacements.get(instruction));
    if (!chain) {
      work.notes.push({
        id: "venv-setup-compound",
        severity: "warning",
        line: instruction.line,
        message: "venv/pip set-up joined with `||` or a pipe is left as it is",
      });
      const only = replacements.get(instruction);
      const fallback = only && editChain(instruction, script, new Set(), only);
      if (fallback) work.edits.push(...fallback);
      continue;
    }
    work.edits.push(...chain);
  }
}

/**
 * The image's Python minor, when the stage copies a .python-version that names another version
 * (another minor, or a patch the image's tag does not pin: uv takes `3.12.3` as that patch only): uv
 * sync reads it (uv pip install --system did not) and would look for that Python, failing where uv
 * may not fetch one (UV_PYTHON_DOWNLOADS=0) and building on another Python where it may.
 * `--python 3.N` keeps the install on the image's Python, as before. Undefined when the stage sets
 * UV_PYTHON, or either version is not known.
 */
function imagePythonOverPin(work: Work): { image: number; pinned: string } | undefined {
  const { ctx, stage } = work;
  const pin = pinnedVersion(ctx.context);
  if (pin === undefined || envValue(stage, "UV_PYTHON") !== undefined) return undefined;
  const image = stagePython(work.ctx.dockerfile, work.stage);
  if (image === undefined || pinSatisfied(pin, image) || !pythonVersionCopy(stage.instructions)) return undefined;
  return { image: image[1]!, pinned: pin.join(".") };
}

/**
 * uv sync refuses an interpreter that the project's requires-python excludes (uv pip install
 * -r pyproject.toml read only the dependencies): such an install is left as it is.
 */
function imagePythonAllowed(work: Work, install: Instruction): boolean {
  const spec = requiresPython(work.ctx.context);
  const image = stagePython(work.ctx.dockerfile, work.stage);
  if (spec === undefined || image === undefined || allowsImage(spec, image)) return true;
  work.notes.push({
    id: "uv-sync-would-differ",
    severity: "warning",
    line: install.line,
    message: `\`uv pip install\` not converted to uv sync: pyproject.toml requires Python ${spec}, which the image's ${image.join(".")} is not, and uv sync refuses a Python the project excludes; move the image to a Python the project allows, then run dfmod again`,
  });
  return false;
}

function convertInstalls(work: Work, conversions: Conversion[]): void {
  const first = conversions[0]!.fact.instruction;
  if (!projectFilesPresent(work, conversions) || !imagePythonAllowed(work, first) || !lockCopied(work, first)) return;
  const python = imagePythonOverPin(work);
  if (python) {
    for (const c of conversions) c.carried.push(`--python 3.${python.image}`);
    work.notes.push({
      id: "uv-python-pinned",
      severity: "info",
      line: conversions[0]!.fact.instruction.line,
      message: `added --python 3.${python.image} to uv sync: the image copies .python-version, which names ${python.pinned}, and uv sync would look for that Python (none is in the image), where the install used the image's 3.${python.image}`,
    });
  }
  const groups = work.ctx.context ? otherDefaultGroups(work.ctx.context) : [];
  if (groups.length > 0) {
    for (const c of conversions) c.carried.push(...groups.map((g) => `--no-group ${g}`));
    work.notes.push({
      id: "uv-default-groups-left-out",
      severity: "info",
      line: conversions[0]!.fact.instruction.line,
      message: `added ${groups.map((g) => `--no-group ${g}`).join(" ")} to uv sync: pyproject.toml's default-groups would have uv sync install ${groups.length > 1 ? "those groups" : "that group"} too, and --no-dev leaves out only dev; the install had no group`,
    });
  }
  const environment = removeVenvSetup(work, conversions[0]!);
  for (const c of conversions) writeSync(work, c, environment, c === conversions[0]);
  fixEnv(work, conversions, environment.env);
}

/** What uv sync --frozen reads from the build context. */
const PROJECT_FILES = ["pyproject.toml", "uv.lock"];

/** Why a file of the context does not reach the build: not there, or left out by the ignore file (its name). */
function notSent(ctx: Context, context: BuildContext, file: string): "missing" | string | undefined {
  return context.exists(file) ? leftOutBy(context, ctx.file, file) : "missing";
}

/** 3. uv sync needs pyproject.toml and uv.lock in the build context. */
function projectFilesPresent(work: Work, conversions: Conversion[]): boolean {
  const { ctx } = work;
  if (!ctx.context) {
    work.notes.push({
      id: "no-build-context",
      severity: "info",
      line: conversions[0]!.fact.instruction.line,
      message:
        "no build context (stdin): assumed that pyproject.toml and uv.lock are in the context; if not, run `uv lock` first",
    });
    return true;
  }
  const why = PROJECT_FILES.map((f) => notSent(ctx, ctx.context!, f));
  if (why.every((w) => w === undefined)) return true;
  const elsewhere = why[0] === "missing" && subfolderProject(work, conversions[0]!.fact.instruction);
  if (elsewhere) {
    work.notes.push({
      id: "uv-sync-would-differ",
      severity: "warning",
      line: conversions[0]!.fact.instruction.line,
      message: `\`uv pip install\` not converted to uv sync: the COPY at line ${elsewhere.line} takes pyproject.toml from ${elsewhere.folder}/ of the build context, and dfmod converts a project at the context's root only`,
    });
    return false;
  }
  const ignored = PROJECT_FILES.filter((_, k) => why[k] !== undefined && why[k] !== "missing");
  const message =
    why[0] === "missing"
      ? "no pyproject.toml in the build context: `uv sync` needs a project. Run `uv init` and `uv add -r requirements.txt`, then `uv lock`, and run dfmod again"
      : why[1] === "missing"
        ? "no uv.lock in the build context: `uv sync --frozen` needs the lockfile. Run `uv lock`, commit uv.lock, and run dfmod again"
        : `${ignored.join(" and ")} ${ignored.length > 1 ? "are" : "is"} left out of the build context by ${why.find((w) => w !== undefined)}: \`uv sync --frozen\` needs ${ignored.length > 1 ? "them" : "it"}. Let ${ignored.length > 1 ? "them" : "it"} in (${ignored.map((f) => `!${f}`).join(", ")}), and run dfmod again`;
  for (const c of conversions)
    work.notes.push({ id: "uv-project-missing", severity: "action-needed", line: c.fact.instruction.line, message });
  return false;
}

/** A COPY before the install that takes pyproject.toml from a folder of the context (`COPY backend/pyproject.toml ./`). */
function subfolderProject(work: Work, install: Instruction): { line: number; folder: string } | undefined {
  for (const i of work.stage.instructions) {
    if (i === install) break;
    if ((i.keyword !== "COPY" && i.keyword !== "ADD") || i.flag("from")) continue;
    const source = i.copySources().find((s) => /^(?:\.\/)?[^*?[]+\/pyproject\.toml$/.test(s));
    if (source) return { line: i.line, folder: source.replace(/^\.\//, "").replace(/\/pyproject\.toml$/, "") };
  }
  return undefined;
}

/** A COPY source (a path, a pattern, `.`) copies a file of the context's root. */
const copies = (source: string, file: string): boolean => sourceMatcher(source)(file);

/**
 * uv sync --frozen reads uv.lock beside pyproject.toml: the stage must have copied it (or the whole
 * context) or bind-mount it by the install. A COPY of pyproject.toml alone into a folder gets
 * uv.lock beside it; any other COPY leaves the install as it is.
 */
function lockCopied(work: Work, install: Instruction): boolean {
  if (
    install.flags.some(
      (f) => f.name === "mount" && /(?:^|,)(?:source|src)=(?:\.\/)?uv\.lock(?:,|$)/.test(f.value ?? ""),
    )
  )
    return true;
  let manifest: Instruction | undefined;
  for (const i of work.stage.instructions) {
    if (i === install) break;
    if ((i.keyword !== "COPY" && i.keyword !== "ADD") || i.flag("from")) continue;
    const sources = i.copySources();
    if (sources.some((s) => copies(s, "uv.lock"))) return true;
    if (sources.some((s) => copies(s, "pyproject.toml"))) manifest = i;
  }
  const word = manifest?.jsonArgs() ? undefined : manifest?.words().find((w) => copies(w.text, "pyproject.toml"));
  const into = manifest?.copyDestination() ?? "";
  if (manifest && word && (into.endsWith("/") || into === ".")) {
    work.edits.push(...replaceRange(manifest, word.end, word.end, " uv.lock"));
    work.notes.push({
      id: "uv-lock-copied",
      severity: "info",
      line: manifest.line,
      message: "uv.lock copied beside pyproject.toml: uv sync --frozen installs what it pins",
    });
    return true;
  }
  work.notes.push({
    id: "uv-sync-would-differ",
    severity: "warning",
    line: install.line,
    message: manifest
      ? `\`uv pip install\` not converted to uv sync: uv sync --frozen needs uv.lock beside pyproject.toml, and the COPY at line ${manifest.line} does not copy it; copy it there, then run dfmod again`
      : "`uv pip install` not converted to uv sync: uv sync --frozen needs pyproject.toml and uv.lock, and the stage copies neither before the install; copy them, then run dfmod again",
  });
  return false;
}

/** 4. Where does the environment live? The venv creation, activation and pip upgrades go away. */
function removeVenvSetup(work: Work, first: Conversion): Environment {
  const { states } = work;
  const projectEnv = resolvePath(states.get(first.fact.instruction)!.workdir, ".venv");
  let venv: string | undefined;
  const removed = new Map<Instruction, Set<number>>();
  for (const instruction of work.stage.instructions) {
    for (const fact of cleanCommands(work, instruction)) {
      const { venvCreated, venvActivated, install, item } = fact;
      const scaffolding =
        venvCreated !== undefined || venvActivated !== undefined || (install && isPipUpgrade(install));
      if (!scaffolding || item === undefined) continue;
      if (venvCreated !== undefined) venv ??= resolvePath(states.get(instruction)!.workdir, venvCreated);
      work.chains.remove(instruction, item);
      removed.set(instruction, (removed.get(instruction) ?? new Set<number>()).add(item));
      work.notes.push({
        id: "venv-setup-removed",
        severity: "info",
        line: instruction.line,
        message: `removed \`${fact.line.written}\`: uv sync makes and fills the virtual environment itself`,
      });
    }
  }
  const hasEnvSetting = work.stage.instructions.some(
    (i) => i.keyword === "ENV" && envPairs(i).some((p) => p.key === "UV_PROJECT_ENVIRONMENT"),
  );
  const envLine = venv && venv !== projectEnv && !hasEnvSetting ? `ENV UV_PROJECT_ENVIRONMENT=${venv}` : undefined;
  // An environment the stage names already is where uv sync puts it.
  const set = envValue(work.stage, "UV_PROJECT_ENVIRONMENT", first.fact.instruction);
  const named = set && !set.includes("$") ? resolvePath(states.get(first.fact.instruction)!.workdir, set) : undefined;
  return { env: venv ?? named ?? projectEnv, projectEnv, envLine, removed };
}

function addEnvironmentSetting(work: Work, c: Conversion, environment: Environment): void {
  const instruction = c.fact.instruction;
  work.edits.push(insertBefore(instruction, [environment.envLine!]));
  work.declares.push("env UV_PROJECT_ENVIRONMENT");
  work.notes.push({
    id: "uv-project-environment",
    severity: "info",
    line: instruction.line,
    message: `added ${environment.envLine}: uv sync fills the virtual environment the image already used, not ${environment.projectEnv}`,
  });
}

/** 5. One install becomes uv sync: dependencies first, then the project itself when it installed that too. */
function writeSync(work: Work, c: Conversion, environment: Environment, first: boolean): void {
  const { options } = work.ctx;
  const { instruction, item } = c.fact;
  const check = options.uvCheck === "locked" ? "--locked" : "--frozen";
  const carried = c.carried.length ? " " + c.carried.join(" ") : "";
  const deps = `${c.assignments}uv sync ${check} --no-dev --no-install-project${carried}`;
  const project = `${c.assignments}uv sync ${check} --no-dev${c.editable ? "" : " --no-editable"}${carried}`;
  const user = work.states.get(instruction)!.user;
  const mount = cacheMount(instruction, mounted(work, instruction));
  const frontend = oldFrontend(work.ctx.dockerfile);
  if (options.cacheMounts && frontend && !user) {
    work.notes.push({
      id: "no-uv-cache-mount",
      severity: "info",
      line: instruction.line,
      message: `no uv cache mount: the file's frontend, ${frontend} (its # syntax line), has no RUN --mount, which docker/dockerfile:1.2 and later have`,
    });
  }
  if (options.cacheMounts && user) {
    work.notes.push({
      id: "no-uv-cache-mount",
      severity: "info",
      line: instruction.line,
      message: `no uv cache mount: the install runs as ${user}, whose cache folder is not ${UV_CACHE}`,
    });
  }
  if (environment.envLine && first) addEnvironmentSetting(work, c, environment);
  const before = environment.removed.get(instruction) ?? new Set<number>();
  const splitAway = c.project && item !== undefined && [...Array(item).keys()].every((i) => before.has(i));
  let text: string;
  if (splitAway) {
    const flags = instruction.logical.slice(instruction.keywordText.length, instruction.argsStart).trim();
    const runFlags = [flags, mount.trim()].filter(Boolean).join(" ");
    work.edits.push(insertBefore(instruction, [`RUN ${runFlags ? runFlags + " " : ""}${deps}`]));
    text = project;
  } else {
    text = c.project ? `${deps} && ${project}` : deps;
  }
  if (mount) work.edits.push(...replaceRange(instruction, instruction.argsStart, instruction.argsStart, mount));
  if (item !== undefined) work.chains.replace(instruction, item, text);
  else work.edits.push(...replaceRange(instruction, c.fact.command.start, c.fact.command.end, text));
  work.notes.push({
    id: "uv-sync",
    severity: "info",
    line: instruction.line,
    message: c.project
      ? "`uv pip install .` -> uv sync from uv.lock: dependencies first (--no-install-project), then the project itself"
      : "`uv pip install -r pyproject.toml` -> `uv sync`: installs exactly what uv.lock pins, into the project's virtual environment",
  });
}

/**
 * uv's cache goes into a cache mount at this install: --cache-mounts is on and the install runs as
 * root (another user's cache folder is not /root/.cache/uv). Without a mount, `--no-cache` and
 * UV_NO_CACHE stay, or uv's cache would stay in the image.
 */
function mounted(work: Work, instruction: Instruction): boolean {
  return work.ctx.options.cacheMounts && !work.states.get(instruction)!.user && !oldFrontend(work.ctx.dockerfile);
}

/**
 * The file pins a Dockerfile frontend without RUN --mount: `# syntax=docker/dockerfile:1.0` or 1.1
 * (their -experimental tags have it, and the mainline has it from 1.2).
 */
function oldFrontend(file: Dockerfile): string | undefined {
  const syntax = file.directive("syntax");
  return syntax && /^(?:docker\.io\/)?docker\/dockerfile:1\.[01](?:\.\d+)?$/.test(syntax) ? syntax : undefined;
}

/** 7. ENV: UV_NO_CACHE is pointless when every install has a cache mount; PATH must reach the environment. */
function fixEnv(work: Work, conversions: Conversion[], env: string): void {
  const { stage } = work;
  const allMounted = conversions.every((c) => mounted(work, c.fact.instruction));
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== "ENV") continue;
    const pairs = envPairs(instruction);
    for (const pair of pairs) {
      if (pair.key === "UV_NO_CACHE" && allMounted) {
        if (pairs.length === 1) work.edits.push(removeInstruction(instruction));
        else work.edits.push(...replaceRange(instruction, pair.start, trailingSpace(instruction, pair.end), ""));
        work.declares.push("env UV_NO_CACHE");
        work.notes.push({
          id: "uv-no-cache-removed",
          severity: "info",
          line: instruction.line,
          message: "removed UV_NO_CACHE: uv's cache lives in a cache mount, not in the image",
        });
      }
      if (pair.key === "UV_SYSTEM_PYTHON") {
        work.notes.push({
          id: "uv-system-python-ignored",
          severity: "info",
          line: instruction.line,
          message: "UV_SYSTEM_PYTHON has no effect on uv sync, which installs into the project's virtual environment",
        });
      }
    }
  }
  const hasPath = stage.instructions.some(
    (i) => i.keyword === "ENV" && envPairs(i).some((p) => p.key === "PATH" && p.value.includes(`${env}/bin`)),
  );
  if (hasPath) return;
  const last = conversions[conversions.length - 1]!.fact.instruction;
  work.edits.push(insertAfter(last, [`ENV PATH="${env}/bin:$PATH"`]));
  work.declares.push("env PATH");
  work.notes.push({
    id: "venv-path-added",
    severity: "info",
    line: last.line,
    message: `added ENV PATH="${env}/bin:$PATH": python and the installed tools now live in the virtual environment`,
  });
}

/** Why pip's uv is needed where pip put it: the stage runs it by that path, or another stage copies it out. */
function calledOrCopied(work: Work, locked: boolean): string | undefined {
  const called = uvCalledByPath(work, locked);
  if (called) return `the stage runs \`${called}\``;
  const copied = copiedOut(work, /^\/usr\/local\/bin(?:\/uvx?)?\/?$/);
  return copied && `the COPY at line ${copied.line} copies ${copied.source} out of the stage`;
}

/** How the stage calls uv other than by its name (`/usr/local/bin/uv`, `python -m uv`), if it does. */
function uvCalledByPath(work: Work, locked: boolean): string | undefined {
  for (const instruction of work.stage.instructions) {
    for (const fact of work.facts.of(instruction)) {
      // A `uv pip install` that becomes `uv sync` calls uv by its name from then on.
      const install = fact.install;
      if (
        locked &&
        install?.tool === "uv-pip" &&
        classify(fact, install, [], mounted(work, instruction), firstVenv(work))
      )
        continue;
      const [name, a, b] = fact.command.words.map((w) => w.text ?? w.raw);
      if (/\/uvx?$/.test(name ?? "") && !/^\/bin\/uvx?$/.test(name!)) return name;
      if (/^(?:.*\/)?python[\d.]*$/.test(name ?? "") && a === "-m" && b === "uv") return `${name} -m uv`;
    }
    if (["CMD", "ENTRYPOINT"].includes(instruction.keyword)) {
      const m = /(?:^|[\s"[])((?:\/|~|\$HOME)[^\s",]*\/uvx?)(?=[\s",\]]|$)/.exec(instruction.args);
      if (m && !/^\/bin\/uvx?$/.test(m[1]!)) return m[1];
    }
  }
  return undefined;
}

function trailingSpace(instruction: Instruction, end: number): number {
  let i = end;
  while (i < instruction.logical.length && /\s/.test(instruction.logical[i]!)) i++;
  return i;
}

/** The cache-mount flag text to insert before the RUN's command, or "" when it has one already or none is wanted. */
function cacheMount(instruction: Instruction, wanted: boolean): string {
  if (!wanted) return "";
  const has = instruction.flags.some((f) => f.name === "mount" && (f.value ?? "").includes(`target=${UV_CACHE}`));
  return has ? "" : `--mount=type=cache,target=${UV_CACHE} `;
}

/** The first venv the stage creates (the environment uv sync fills: removeVenvSetup), resolved. */
function firstVenv(work: Work): string | undefined {
  for (const instruction of work.stage.instructions)
    for (const fact of work.facts.of(instruction))
      if (fact.venvCreated !== undefined) return resolvePath(work.states.get(instruction)!.workdir, fact.venvCreated);
  return undefined;
}

/**
 * `uv pip install` as a uv sync, or undefined (with a note why, when it is one dfmod leaves). `venv`:
 * the environment the stage creates, which a `VIRTUAL_ENV=` in front of the install may name.
 */
function classify(
  fact: CommandFacts,
  install: DependencyInstall,
  notes: NoteInput[],
  mount: boolean,
  venv: string | undefined,
): Conversion | undefined {
  const leave = (why: string): undefined => {
    notes.push({
      id: "uv-pip-left",
      severity: "info",
      line: fact.instruction.line,
      message: `\`uv pip install\` not converted to uv sync: ${why}`,
    });
    return undefined;
  };
  const why = whyNotSync(install);
  if (why) return leave(why);
  const first = fact.command.words[0];
  let assignments = first ? fact.instruction.logical.slice(fact.command.start, first.start) : "";
  // `VIRTUAL_ENV=/srv/venv uv pip install` into the venv the stage creates: uv sync fills that one
  // (UV_PROJECT_ENVIRONMENT), so the assignment goes.
  assignments = assignments.replace(/(?:^|(?<=\s))VIRTUAL_ENV=(\/[\w./-]*)\s+/g, (m, dir: string) =>
    venv !== undefined && path.posix.normalize(dir).replace(/\/$/, "") === venv ? "" : m,
  );
  const location = [...assignments.matchAll(/(?:^|\s)([A-Za-z_]\w*)\+?=/g)]
    .map((m) => m[1]!)
    .find((name) => LOCATION_VARIABLES.has(name));
  if (location) return leave(`\`${location}=\` in front of it sets where it installs, which uv sync decides otherwise`);
  const projectPaths = [...install.packages, ...install.editables];
  if (!install.requirements.length && projectPaths.length === 0) return undefined;
  const carried: string[] = [];
  for (const option of install.options.flags) {
    if (["-r", "--requirement", "-e", "--editable"].includes(option.name)) continue;
    if (DROPPED.has(option.name) || (mount && NO_CACHE.has(option.name))) continue;
    if (CARRIED.has(option.name) || NO_CACHE.has(option.name)) {
      carried.push(written(option.words));
      continue;
    }
    return leave(`\`${option.name}\` has no uv sync counterpart that dfmod knows`);
  }
  return {
    fact,
    install,
    project: projectPaths.length > 0,
    editable: install.editables.length > 0,
    carried,
    assignments,
  };
}

/** Variables that decide where, or into which Python, uv installs: uv sync goes by its own. */
const LOCATION_VARIABLES = new Set([
  "VIRTUAL_ENV",
  "UV_PROJECT_ENVIRONMENT",
  "UV_SYSTEM_PYTHON",
  "UV_PYTHON",
  "UV_PREFIX",
  "UV_TARGET",
  "UV_BREAK_SYSTEM_PACKAGES",
  "PATH",
  "PYTHONPATH",
]);

/** Why a `uv pip install` cannot become `uv sync` (its files and arguments), or undefined when it can. */
function whyNotSync(install: DependencyInstall): string | undefined {
  if (install.dynamic) return "it uses shell expansions";
  const isPyproject = (r: string): boolean => /(^|\/)pyproject\.toml$/.test(r);
  const others = install.requirements.filter((r) => !isPyproject(r));
  if (others.length > 0) {
    return `it installs from ${others.join(", ")}, not from pyproject.toml; to use the lockfile, run \`uv add -r ${others[0]}\` and \`uv lock\`, then install with \`uv sync\``;
  }
  if (install.constraints.length > 0) return "it uses constraint files, which uv sync does not take";
  const projectPaths = [...install.packages, ...install.editables];
  if (projectPaths.some((p) => p !== "." && p !== "./")) return "it installs packages by name or from other paths";
  // uv sync works on the project of the folder it runs in: a pyproject.toml elsewhere is another project.
  const elsewhere = install.requirements.find((r) => r !== "pyproject.toml" && r !== "./pyproject.toml");
  if (elsewhere)
    return `it installs from ${elsewhere}, not the working directory's pyproject.toml; uv sync installs the project of the folder it runs in`;
  return undefined;
}
