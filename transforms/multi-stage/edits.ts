/**
 * The split as edits into the original text. The stage stays where it is and becomes the builder:
 * its FROM gets the builder's name, the instructions only the runtime needs leave it, and the
 * venv set-up goes in above the install. The runtime stage goes in after the last install RUN:
 * its FROM, copies of what it shares with the builder, the system packages and the environment.
 * Everything after that RUN is already the runtime stage's, and stays where it is. Instructions
 * keep their own bytes (comments, blank lines above them, case, continuations, line endings).
 */
import { afterLineBreak } from "../../src/engine/source";
import { applyEdits, type Edit } from "../../src/engine/edits";
import { isWholeContextCopy, type Instruction } from "../../src/engine/dockerfile";
import { aptInstalls, hasPathEnv } from "./commands";
import { installOf, parsePipInstall } from "../../src/engine/commands";
import { isUvSelfInstall } from "../../src/engine/facts";
import { envValue, type Build, type Scene, type Venv } from "./plan";
import type { Placed, Placement } from "./place";
import type { VenvOwner } from "./runtime";
import { replaceRange } from "../../src/engine/fixer";
import { shipsSetuptools, stagePython } from "../python-version";
import { scriptsRun } from "../alpine-to-trixie/scripts";
import { DISTROLESS_BUILDER, DISTROLESS_IMAGE, stageLibrariesRun, type Distroless } from "./distroless";

/** Everything the edits need to know about the split. */
export interface SplitPlan {
  build: Build;
  venv: Venv;
  placement: Placement;
  owner: VenvOwner;
  /** System packages the runtime stage installs. */
  packages: string[];
  /** The build part upgrades the image's packages: the runtime stage does too. */
  upgraded: boolean;
  /** `--runtime distroless`, when the file allows it. */
  distroless?: Distroless;
}

export function splitEdits(scene: Scene, plan: SplitPlan): Edit[] {
  const placed = plan.placement.placed;
  const buildEnd = scene.list.indexOf(plan.build.lastBuildRun);
  const edits = [...builderFromEdits(scene, plan), ...builderSetup(scene, plan)];
  for (const p of placed.slice(0, buildEnd)) {
    if (p.role === "runtime" || p.role === "drop") edits.push(removal(scene, p.instruction));
    else edits.push(...(p.builderEdits ?? []));
  }
  // After the build: the runtime stage's part, but for what belongs to the builder.
  const toBuilder: string[] = [];
  for (const p of placed.slice(buildEnd + 1)) {
    const { instruction, role } = p;
    const own = plan.distroless?.runtime.get(instruction);
    if (role === "builder" || role === "both") toBuilder.push(chunk(scene, instruction, p.builderEdits));
    if (role === "builder" || role === "drop" || movedUp(plan, p) || own === "drop")
      edits.push(removal(scene, instruction));
    else if (own) edits.push(...own);
    else edits.push(...(p.runtimeEdits ?? []));
  }
  if (plan.distroless && plan.distroless.libraries.length > 0)
    toBuilder.push(stageLibrariesRun(plan.distroless.libraries, scene.file.escape));
  // What distroless cannot run after the code copy, the builder runs (on the code as the context has it).
  for (const i of plan.distroless?.toBuilder ?? []) toBuilder.push(chunk(scene, i, withoutChown(i)));
  edits.push(...endOfBuilder(scene, placed[buildEnd]!, [...toBuilder, "", ...runtimeHeader(scene, plan)]));
  return edits;
}

/** The builder's FROM: the stage's own (Debian's for a distroless runtime), named for the builder. */
function builderFromEdits(scene: Scene, plan: SplitPlan): Edit[] {
  const from = scene.stage.from;
  const name = scene.ctx.options.builderStageName;
  const [image, , named] = from.words();
  // A distroless runtime's builder installs its Python right after FROM (on the FROM's own edit, so
  // that removing the instruction after it cannot overlap).
  const python = builderPython(plan)
    .map((l) => "\n" + l)
    .join("");
  const swap = plan.distroless ? replaceRange(from, image!.start, image!.end, DISTROLESS_BUILDER) : [];
  if (scene.stage.name && named) return [...swap, ...replaceRange(from, named.start, named.end, name + python)];
  const end = from.logical.trimEnd().length;
  if (plan.distroless)
    return replaceRange(from, image!.start, end, `${DISTROLESS_BUILDER} ${asKeyword(from)} ${name}${python}`);
  return replaceRange(from, image!.end, end, ` ${asKeyword(from)} ${name}`);
}

/** A RUN of the stage runs pip (`pip install`, `python -m pip`), other than to install uv itself. */
function runsPip(scene: Scene): boolean {
  const ranByStage = scene.list.some((i) =>
    (i.shell()?.commands ?? []).some((c) => {
      const [name, m, module] = c.words.map((w) => w.text);
      const pip =
        /(?:^|\/)pip[\d.]*$/.test(name ?? "") ||
        (/(?:^|\/)python[\d.]*$/.test(name ?? "") && m === "-m" && module === "pip");
      const install = pip ? installOf(c) : undefined;
      return (
        (pip && !(install && isUvSelfInstall(install))) || SPACY_DOWNLOAD.test(c.words.map((w) => w.text).join(" "))
      );
    }),
  );
  // The scripts the image runs: `pip install $EXTRA_PACKAGES` at start, spaCy's model download.
  const runs = (text: string): boolean => PIP_IN_SCRIPT.test(text) || SPACY_DOWNLOAD.test(text);
  return (
    ranByStage ||
    scene.list.some((i) => (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && runs(i.args)) ||
    scriptsRun(scene.stage, scene.ctx.context).some((s) => runs(s.text))
  );
}

/** `spacy download` / `python -m spacy download` runs `python -m pip install` of the model. */
export const SPACY_DOWNLOAD = /(?:^|[\s;&|("'])(?:\S*python[\d.]*\s+-m\s+)?spacy\s+download\b/m;
export const PIP_IN_SCRIPT = /(?:^|[\s;&|("'])(?:\S*\/)?(?:pip[\d.]*|python[\d.]*\s+-m\s+pip)\s+install\b/m;

/**
 * A new uv environment gets pip (and on Python 3.11 and older setuptools and wheel, which
 * Python's images have there: `import pkg_resources` works): when something runs pip, or the image's
 * Python is 3.11 or older, the environment needs what the image's Python had.
 */
function seedVenv(scene: Scene): boolean {
  return runsPip(scene) || shipsSetuptools(stagePython(scene.file, scene.stage));
}

/** What the builder sets up just above the install: uv's Python, a new venv, Poetry's in-project venv. */
function builderSetup(scene: Scene, plan: SplitPlan): Edit[] {
  const { tool } = plan.build.install;
  const venv = plan.venv.path;
  const lines: string[] = [];
  // uv must use the base image's Python: the runtime stage has no other.
  if ((tool === "uv-sync" || tool === "uv-pip") && envValue(scene, "UV_PYTHON_DOWNLOADS") === undefined)
    lines.push("ENV UV_PYTHON_DOWNLOADS=0");
  if (plan.venv.created && tool === "uv-pip")
    // --seed: pip in the environment, for a later `pip install` (uv's venvs have none), and on
    // Python 3.11 and older the setuptools and wheel the image's Python had.
    lines.push(
      `RUN uv venv${seedVenv(scene) ? " --seed" : ""} ${venv}`,
      `ENV VIRTUAL_ENV=${venv} PATH="${venv}/bin:$PATH"`,
    );
  else if (plan.venv.created)
    // Debian's python3 (distroless' interpreter path) for a distroless runtime: it has no `python`.
    lines.push(`RUN ${plan.distroless ? "python3" : "python"} -m venv ${venv}`, `ENV PATH="${venv}/bin:$PATH"`);
  if (tool === "poetry") lines.push("ENV POETRY_VIRTUALENVS_CREATE=true POETRY_VIRTUALENVS_IN_PROJECT=true");
  // Right after the instruction before the install (or before an earlier pip RUN of the build, such
  // as `pip install --upgrade pip setuptools wheel`, which is meant for the environment's pip), above
  // the install's comments and blank lines.
  const previous = scene.file.instructions[setupBefore(plan).index - 1]!;
  const at = afterLineBreak(scene.file.text, previous.end);
  if (lines.length === 0) return [];
  return [{ start: at, end: at, text: lines.map((l) => l + "\n").join("") }];
}

/**
 * The instruction the builder's new venv goes above: the install, or a pip install before it in the
 * builder (pip's own upgrade, setuptools and wheel for --no-build-isolation).
 */
function setupBefore(plan: SplitPlan): Instruction {
  const { depsRun, install } = plan.build;
  if (!plan.venv.created || install.tool !== "pip") return depsRun;
  const earlier = plan.placement.placed.find(
    (p) =>
      p.role === "builder" &&
      p.instruction.keyword === "RUN" &&
      p.instruction.index < depsRun.index &&
      (p.instruction.shell()?.commands ?? []).some(
        (c) => parsePipInstall(c)?.tool === "pip" && !(c.words[0]?.text ?? "").startsWith("/"),
      ),
  );
  return earlier?.instruction ?? depsRun;
}

/** A distroless runtime's builder gets Debian's Python, the one distroless has at /usr/bin/python3. */
function builderPython(plan: SplitPlan): string[] {
  if (!plan.distroless) return [];
  const { tool } = plan.build.install;
  return [
    `RUN apt-get update && apt-get install -y --no-install-recommends ${[...plan.distroless.pythonPackages, ...plan.distroless.libraries].join(" ")} && rm -rf /var/lib/apt/lists/*`,
    ...(tool === "uv-sync" || tool === "uv-pip" ? ["ENV UV_PYTHON=/usr/bin/python3"] : []),
  ];
}

/**
 * The runtime stage up to the end of the build part: its FROM, the system packages, the shared
 * instructions and the runtime's own from before the install, the environment, and the code.
 */
function runtimeHeader(scene: Scene, plan: SplitPlan): string[] {
  const { placed } = plan.placement;
  const { depsRun } = plan.build;
  const buildEnd = scene.list.indexOf(plan.build.lastBuildRun);
  const packages = packagesLine(scene, plan);
  const out: string[] = [runtimeFrom(scene, plan)];
  if (plan.distroless?.resetEntrypoint) out.push("ENTRYPOINT []");
  // Where the original installed the builder's system packages (as root there), else right after FROM.
  let packagesPlaced = packages === undefined || plan.placement.installed.length === 0;
  let venvPlaced = false;
  const deferred: string[] = [];
  for (const [i, p] of placed.slice(0, buildEnd + 1).entries()) {
    const { instruction, role } = p;
    if (
      !packagesPlaced &&
      (role === "builder" || role === "drop") &&
      (instruction.shell()?.commands ?? []).some((c) => aptInstalls(c).length > 0)
    ) {
      out.push(packages!);
      packagesPlaced = true;
    }
    if (instruction === depsRun) {
      // The user must exist before COPY --chown names it.
      if (plan.owner.chown)
        for (const u of plan.owner.userRuns) if (placed.indexOf(u) > i) out.push(chunk(scene, u.instruction));
      out.push(...venvLines(scene, plan), ...deferred);
      venvPlaced = true;
    }
    if (role !== "runtime" && role !== "both") continue;
    if (venvPlaced && movedUp(plan, p)) continue;
    const own = plan.distroless?.runtime.get(instruction);
    if (own === "drop") continue;
    // The code comes after the virtual environment, not before it.
    const edits = own ?? p.runtimeEdits;
    if (!venvPlaced && isWholeContextCopy(instruction)) deferred.push(chunk(scene, instruction, edits));
    else out.push(chunk(scene, instruction, edits));
  }
  if (packages !== undefined && !out.includes(packages))
    out.splice(plan.distroless?.resetEntrypoint ? 2 : 1, 0, packages);
  return out;
}

/** A user-creation RUN after the install that goes above the runtime's `COPY --chown` of the environment. */
function movedUp(plan: SplitPlan, p: Placed): boolean {
  return plan.owner.chown !== undefined && plan.owner.userRuns.includes(p);
}

function venvLines(scene: Scene, plan: SplitPlan): string[] {
  const venv = plan.venv.path;
  const chown = plan.distroless ? plan.distroless.chown : plan.owner.chown;
  return [
    `COPY --from=${scene.ctx.options.builderStageName}${chown ? ` --chown=${chown}` : ""} ${venv} ${venv}`,
    ...(hasPathEnv(scene.list, venv) ? [] : [`ENV PATH="${venv}/bin:$PATH"`]),
  ];
}

function packagesLine(scene: Scene, plan: SplitPlan): string | undefined {
  if (plan.distroless)
    return plan.distroless.libraries.length > 0
      ? `COPY --from=${scene.ctx.options.builderStageName} /runtime-libs/ /`
      : undefined;
  const steps = [
    ...(plan.upgraded ? ["apt-get upgrade -y"] : []),
    // Recommended packages as the original took them (ImageMagick's ghostscript, for one).
    ...(plan.packages.length > 0
      ? [
          `${plan.placement.aptEnv.map((a) => `${a} `).join("")}apt-get install -y ${plan.placement.recommends ? "" : "--no-install-recommends "}${plan.packages.join(" ")}`,
        ]
      : []),
  ];
  if (steps.length === 0) return undefined;
  return `RUN apt-get update && ${steps.join(" && ")} && rm -rf /var/lib/apt/lists/*`;
}

/**
 * Lines that go in after the build's last RUN, each on a line of its own ("" leaves a blank line).
 * When that RUN ends the file with an escape that runs on into its end, the escape goes first (it
 * would join the new lines to the RUN), and the line break it took with it comes back at the end.
 */
function endOfBuilder(scene: Scene, { instruction: last, builderEdits }: Placed, lines: string[]): Edit[] {
  const text = scene.file.text;
  const own = text.slice(last.start, last.end);
  const kept = scene.file.withoutDanglingEscape(own);
  const added = lines.map((l) => "\n" + l).join("");
  if (kept === own) return [...(builderEdits ?? []), { start: last.end, end: last.end, text: added }];
  const edited = chunkText(scene, last, last.start, builderEdits);
  const lastBreak = last.end === text.length && /\r?\n[ \t]*$/.test(own) ? "\n" : "";
  return [{ start: last.start, end: last.end, text: edited + added + lastBreak }];
}

/** Removes an instruction with the comment and blank lines above it, and the line break before them. */
function removal(scene: Scene, instruction: Instruction): Edit {
  const text = scene.file.text;
  const previous = scene.file.instructions[instruction.index - 1]!;
  const own = text.slice(instruction.start, instruction.end);
  // An escape that ran on into the end of the file took the last line break with it: it stays.
  const lastBreak = instruction.end === text.length && /\r?\n[ \t]*$/.test(own) ? "\n" : "";
  return { start: previous.end, end: instruction.end, text: lastBreak };
}

/** An instruction with the comment and blank lines above it, as written, to be put elsewhere. */
function chunk(scene: Scene, instruction: Instruction, edits?: Edit[]): string {
  const previous = scene.file.instructions[instruction.index - 1]!;
  return chunkText(scene, instruction, afterLineBreak(scene.file.text, previous.end), edits);
}

function chunkText(scene: Scene, instruction: Instruction, start: number, edits?: Edit[]): string {
  const own = scene.file.text.slice(start, instruction.end);
  // The edits are offsets into the file as it is: they apply before a dangling escape goes.
  const edited =
    edits && edits.length > 0
      ? applyEdits(
          own,
          edits.map((e) => ({ ...e, start: e.start - start, end: e.end - start })),
          "\n",
          "multi-stage",
        )
      : own;
  return scene.file.withoutDanglingEscape(edited);
}

function asKeyword(from: Instruction): string {
  const as = from.words()[1]?.text;
  return as && as.toUpperCase() === "AS" ? as : from.keywordText === from.keywordText.toLowerCase() ? "as" : "AS";
}

/** The runtime stage's FROM: the original line (distroless' image), renamed with --runtime-stage-name. */
function runtimeFrom(scene: Scene, plan: SplitPlan): string {
  const from = scene.stage.from;
  const name = scene.ctx.options.runtimeStageName;
  if (plan.distroless) {
    const kept = name ?? (scene.stage.name ? from.words()[2]?.text : undefined);
    return `${from.keywordText} ${DISTROLESS_IMAGE}${kept ? ` ${asKeyword(from)} ${kept}` : ""}`;
  }
  const own = scene.file.text.slice(from.start, from.end);
  if (!name) return own;
  const named = from.words()[2];
  if (scene.stage.name && named)
    return chunkText(scene, from, from.start, replaceRange(from, named.start, named.end, name));
  return `${own} ${asKeyword(from)} ${name}`;
}

/** The builder runs as root and creates no user: its copies keep root as owner. */
function withoutChown(instruction: Instruction): Edit[] | undefined {
  const flag = instruction.flag("chown");
  if (!flag) return undefined;
  let end = flag.end;
  while (/[ \t]/.test(instruction.logical[end] ?? "")) end++;
  return replaceRange(instruction, flag.start, end, "");
}
