/**
 * dfmod explain: the build steps of a Dockerfile with what invalidates each step's cache, and which
 * steps a change to given files re-runs, following BuildKit's rules:
 *
 * - a step re-runs when the step before it in its stage re-ran;
 * - COPY / ADD re-run when a file they copy from the context (after .dockerignore) changed;
 *   RUN --mount=type=bind,source=... likewise; ADD of a URL always re-runs;
 * - COPY --from=<stage> re-runs when that stage's last step re-ran;
 * - FROM <stage> starts from that stage's last step;
 * - steps of stages the final image does not need are not built at all.
 *
 * Steps are what BuildKit numbers: FROM, RUN, COPY, ADD and WORKDIR. `label` is BuildKit's own
 * (`builder 3/6`, `stage-1 2/7`, or `3/5` in a one-stage file), so predictions can be compared with a
 * real build's progress output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Dockerfile, Instruction, isWholeContextCopy, Stage } from "../engine/dockerfile";
import { dependencyInstall } from "../engine/commands";
import { DockerIgnore, sourceMatcher } from "./dockerignore";

export interface ExplainStep {
  label: string;
  stage: number;
  /** 1-based position in the stage, FROM being 1 (as BuildKit counts). */
  index: number;
  line: number;
  text: string;
  /** What invalidates this step's cache, besides the step before it. */
  inputs: { files?: string[]; fromStage?: string; url?: string; vars?: string[] };
  rerun: boolean;
  expensive: string | undefined;
}

export interface ExplainStage {
  index: number;
  name: string | undefined;
  base: string;
  /** Built for the final image (reachable from the last stage). */
  needed: boolean;
  steps: ExplainStep[];
}

export interface Explanation {
  changed: string[];
  stages: ExplainStage[];
  /** Steps of needed stages, FROM left out. */
  total: number;
  rerun: ExplainStep[];
  expensive: ExplainStep[];
}

const STEP_KEYWORDS = new Set(["RUN", "COPY", "ADD", "WORKDIR"]);

/**
 * Every file of the build context (context-relative, `/`), after the ignore file: the
 * Dockerfile's own `<Dockerfile>.dockerignore` when there is one, else the context's .dockerignore.
 */
export function contextFiles(dir: string, dockerfile?: string): string[] {
  let ignoreText: string | undefined;
  try {
    const own = dockerfile && `${dockerfile}.dockerignore`;
    const file = own && fs.existsSync(own) ? own : path.join(dir, ".dockerignore");
    // Only a regular file is read: a FIFO would block forever.
    if (fs.statSync(file).isFile()) ignoreText = fs.readFileSync(file, "utf8");
  } catch {
    ignoreText = undefined;
  }
  const ignore = new DockerIgnore(ignoreText);
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (!ignore.ignores(child)) out.push(child);
    }
  };
  walk("");
  return out.sort();
}

function expensive(instruction: Instruction): string | undefined {
  const commands = instruction.shell()?.commands ?? [];
  if (commands.some((c) => dependencyInstall(c))) return "dependency install";
  for (const command of commands) {
    const [name, sub] = command.words.map((w) => w.text);
    if ((name === "apt-get" || name === "apk") && (sub === "install" || sub === "add" || sub === "upgrade"))
      return "system packages";
    if (name === "npm" && (sub === "ci" || sub === "install")) return "dependency install";
    if (["gcc", "g++", "make", "cmake", "cargo", "go", "mvn", "gradle"].includes(name ?? "")) return "compiler";
  }
  return undefined;
}

/** Variables ($X, ${X}) a step's text uses that an ARG or ENV of the stage (or a global ARG) defines. */
function usedVars(instruction: Instruction, defined: Set<string>): string[] {
  const found = new Set<string>();
  for (const m of instruction.logical.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
    if (defined.has(m[1]!)) found.add(m[1]!);
  return [...found];
}

/** What explaining one Dockerfile shares between its stages: the build context, the changed files and the stages' outcomes. */
interface ExplainContext {
  dockerfile: Dockerfile;
  stages: Stage[];
  /** The build context's files (undefined: not known, no file inputs shown). */
  files: string[] | undefined;
  changedSet: Set<string>;
  /** The stages the final image needs, by index. */
  needed: Set<number>;
  globalArgs: Set<string>;
  /** Whether each stage's last step re-ran, by index. */
  lastRerun: Map<number, boolean>;
}

/** Which stages the final image needs: the last one, its FROM parent and COPY --from sources, and theirs. */
function neededStages(dockerfile: Dockerfile): Set<number> {
  const stages = dockerfile.stages;
  const needed = new Set<number>();
  const need = (stage: Stage): void => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    const parent = dockerfile.parentStage(stage);
    if (parent) need(parent);
    for (const i of stage.instructions) {
      const from =
        i.keyword === "COPY" || i.keyword === "ADD" || i.keyword === "RUN" ? fromStage(i, stages, stage) : undefined;
      if (from) need(from);
    }
  };
  if (stages.length) need(stages[stages.length - 1]!);
  return needed;
}

/** The ARGs declared before the first FROM, which every stage can use. */
function globalArgsOf(dockerfile: Dockerfile): Set<string> {
  const globalArgs = new Set<string>();
  for (const i of dockerfile.instructions) {
    if (i.stage) break;
    if (i.keyword === "ARG") globalArgs.add(i.args.split("=")[0]!.trim());
  }
  return globalArgs;
}

/** The variables an ARG or ENV instruction defines join the stage's. */
function defineVars(instruction: Instruction, defined: Set<string>): void {
  if (instruction.keyword !== "ARG" && instruction.keyword !== "ENV") return;
  const names =
    instruction.keyword === "ARG"
      ? [instruction.args.split("=")[0]!.trim()]
      : instruction.args.split(/\s+/).map((p) => p.split("=")[0]!);
  for (const n of names) if (n) defined.add(n);
}

/**
 * A COPY / ADD's inputs: the stage it copies from, its URLs, or the context files its sources
 * take. Returns whether the step re-runs on its own (its stage re-ran, a URL, a changed file).
 */
function copyInputs(
  ctx: ExplainContext,
  instruction: Instruction,
  stage: Stage,
  inputs: ExplainStep["inputs"],
): boolean {
  let own = false;
  const source = fromStage(instruction, ctx.stages, stage);
  if (source) {
    inputs.fromStage = source.name ?? String(source.index);
    own = ctx.lastRerun.get(source.index) ?? false;
  } else if (!instruction.flag("from")) {
    const sources = instruction.copySources();
    const urls = sources.filter((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s));
    if (urls.length) {
      inputs.url = urls.join(" ");
      own = true;
    }
    const local = sources.filter((s) => !urls.includes(s)).map(sourceMatcher);
    if (ctx.files) {
      const taken = ctx.files.filter((f) => local.some((m) => m(f)));
      inputs.files = taken;
      if (taken.some((f) => ctx.changedSet.has(f))) own = true;
    }
  }
  return own;
}

/** A RUN's inputs: the context files its bind mounts take. Returns whether one of them changed. */
function bindMountInputs(ctx: ExplainContext, instruction: Instruction, inputs: ExplainStep["inputs"]): boolean {
  let own = false;
  for (const flag of instruction.flags) {
    if (flag.name !== "mount" || !/(?:^|,)type=bind/.test(flag.value ?? "")) continue;
    const from = /(?:^|,)from=([^,]+)/.exec(flag.value ?? "")?.[1];
    if (from) continue;
    const src = /(?:^|,)(?:source|src)=([^,]+)/.exec(flag.value ?? "")?.[1] ?? ".";
    const m = sourceMatcher(src);
    if (ctx.files) {
      const taken = ctx.files.filter(m);
      inputs.files = [...(inputs.files ?? []), ...taken];
      if (taken.some((f) => ctx.changedSet.has(f))) own = true;
    }
  }
  return own;
}

/** One stage's steps, each with its inputs and whether it re-runs; records whether the stage's last step re-ran. */
function explainStage(ctx: ExplainContext, stage: Stage): ExplainStage {
  const { stages } = ctx;
  const parent = ctx.dockerfile.parentStage(stage);
  let previous = parent ? (ctx.lastRerun.get(parent.index) ?? false) : false;
  const defined = new Set(ctx.globalArgs);
  const instructions = stage.instructions.filter((i) => i === stage.from || STEP_KEYWORDS.has(i.keyword));
  const count = instructions.length;
  const steps: ExplainStep[] = [];
  const label = (index: number): string => {
    if (stages.length === 1) return `${index}/${count}`;
    return `${stage.name ?? `stage-${stage.index}`} ${index}/${count}`;
  };
  for (const instruction of stage.instructions) {
    defineVars(instruction, defined);
    if (instruction === stage.from || !STEP_KEYWORDS.has(instruction.keyword)) continue;
    const index = instructions.indexOf(instruction) + 1;
    const inputs: ExplainStep["inputs"] = {};
    let own = false;
    if ((instruction.keyword === "COPY" || instruction.keyword === "ADD") && !instruction.heredoc)
      own = copyInputs(ctx, instruction, stage, inputs);
    if (instruction.keyword === "RUN") own = bindMountInputs(ctx, instruction, inputs);
    const vars = usedVars(instruction, defined);
    if (vars.length) inputs.vars = vars;
    const rerun = ctx.needed.has(stage.index) && (previous || own);
    steps.push({
      label: label(index),
      stage: stage.index,
      index,
      line: instruction.line,
      text: instruction.logical.replace(/\s+/g, " ").trim(),
      inputs,
      rerun,
      expensive: instruction.keyword === "RUN" ? expensive(instruction) : undefined,
    });
    previous = rerun;
  }
  ctx.lastRerun.set(stage.index, previous);
  return { index: stage.index, name: stage.name, base: stage.image, needed: ctx.needed.has(stage.index), steps };
}

/** The step table of a Dockerfile and which steps a change to `changed` re-runs. */
export function explain(dockerfile: Dockerfile, files: string[] | undefined, changed: string[]): Explanation {
  const ctx: ExplainContext = {
    dockerfile,
    stages: dockerfile.stages,
    files,
    changedSet: new Set(changed),
    needed: neededStages(dockerfile),
    globalArgs: globalArgsOf(dockerfile),
    lastRerun: new Map(),
  };
  const out = ctx.stages.map((stage) => explainStage(ctx, stage));
  const counted = out.filter((s) => s.needed).flatMap((s) => s.steps);
  const rerun = counted.filter((s) => s.rerun);
  return { changed, stages: out, total: counted.length, rerun, expensive: rerun.filter((s) => s.expensive) };
}

function fromStage(instruction: Instruction, stages: Stage[], current: Stage): Stage | undefined {
  const from = instruction.flag("from")?.value;
  if (!from) return undefined;
  const earlier = stages.slice(0, current.index);
  return (
    earlier.find((s) => s.name?.toLowerCase() === from.toLowerCase()) ??
    (/^\d+$/.test(from) ? earlier[Number(from)] : undefined)
  );
}

/**
 * The default change: the first .py file (in path order) that a code copy (COPY . .) takes, leaving
 * out local packages (folders below the root with their own pyproject.toml or setup.py), which are
 * dependencies rather than the application.
 */
export function typicalChange(dockerfile: Dockerfile, files: string[]): string | undefined {
  if (!dockerfile.instructions.some(isWholeContextCopy)) return undefined;
  const packages = files
    .filter((f) => /\/(?:pyproject\.toml|setup\.py)$/.test(f))
    .map((f) => f.slice(0, f.lastIndexOf("/") + 1));
  const app = files.filter((f) => !packages.some((p) => f.startsWith(p)));
  return app.find((f) => f.endsWith(".py")) ?? files.find((f) => f.endsWith(".py")) ?? app[0];
}

/** "4 of 6 steps re-run, 1 dependency install": what a change costs, in one line. */
export function rerunCounts(e: Explanation): string {
  const installs = e.rerun.filter((s) => s.expensive === "dependency install").length;
  return `${e.rerun.length} of ${e.total} steps re-run, ${installs === 0 ? "no" : installs} dependency install${installs === 1 ? "" : "s"}`;
}

/** A Dockerfile and what dfmod made of it, explained for the same build context and the same change. */
export interface CacheComparison {
  changed: string[];
  before: Explanation;
  after: Explanation;
}

/**
 * What `dfmod explain --migrate` shows, for two texts: both explained with the build context's files
 * and the change a code edit typically makes (the first application .py file the old text copies).
 */
export function compareCache(before: Dockerfile, after: Dockerfile, files: string[]): CacheComparison {
  const typical = typicalChange(before, files);
  const changed = typical ? [typical] : [];
  return { changed, before: explain(before, files, changed), after: explain(after, files, changed) };
}

export function summaryLine(e: Explanation): string {
  const what = e.changed.length === 1 ? e.changed[0] : `${e.changed.length} files`;
  const costly = e.expensive.map((s) => `\`${s.text}\``);
  return (
    `a change to ${what} re-runs ${e.rerun.length} of ${e.total} steps` +
    (costly.length ? `, including ${costly.join(", ")}` : ", none of them a dependency install, apt-get or compiler")
  );
}

export function formatExplanation(file: string, e: Explanation): string {
  let out = `${file}\n`;
  for (const stage of e.stages) {
    out += `  stage ${stage.index}${stage.name ? ` (${stage.name})` : ""}: FROM ${stage.base}${stage.needed ? "" : " — not needed by the final image, not built"}\n`;
    for (const step of stage.steps) {
      const inputs: string[] = [];
      if (step.inputs.files)
        inputs.push(
          step.inputs.files.length <= 4
            ? `files: ${step.inputs.files.join(", ") || "(none)"}`
            : `files: ${step.inputs.files.length} files`,
        );
      if (step.inputs.fromStage) inputs.push(`stage ${step.inputs.fromStage}`);
      if (step.inputs.url) inputs.push(`url (always re-checked)`);
      if (step.inputs.vars) inputs.push(`vars: ${step.inputs.vars.join(", ")}`);
      out += `    ${step.rerun ? "re-run" : "cached"}  ${step.label.padEnd(12)} ${step.text.slice(0, 80)}${step.text.length > 80 ? "…" : ""}${inputs.length ? `  [${inputs.join("; ")}]` : ""}${step.expensive ? `  (${step.expensive})` : ""}\n`;
    }
  }
  return out + `  ${summaryLine(e)}\n`;
}
