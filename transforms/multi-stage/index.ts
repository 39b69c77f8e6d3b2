/**
 * multi-stage: a single-stage Python image carries its compilers, headers and package caches into
 * production. This splits it: a builder stage (system build packages, uv or pip, the manifests, the
 * install into a virtual environment, and the project install when there is one) and a runtime
 * stage on the same base that receives the virtual environment, the runtime libraries of the
 * builder's -dev packages, the user, the code, and every other instruction in its original order.
 * The split is made of edits into the file (see edits.ts), so what it does not change stays as written.
 */
import type { Edit } from "../../src/engine/edits";
import type { Stage } from "../../src/engine/dockerfile";
import type { NoteInput } from "../../src/engine/types";
import type { ConfigKey } from "../../src/engine/image";
import type { Context, Transform } from "../options";
import { meta } from "./meta";
import { splitEdits, type SplitPlan } from "./edits";
import { findBuild, installOwner, locateVenv, NotSplit, sceneOf, type Scene } from "./plan";
import { checkCodeCopyWorkdir, checkCopiesAfterCodeCopy, placeAll, runtimePurges } from "./place";
import {
  checkRuntimeRuns,
  checkSystemPaths,
  gitAtRuntime,
  runtimeCompiler,
  keptOut,
  runtimePackages,
  upgradesPackages,
  venvOwner,
} from "./runtime";
import { HEALTHCHECK_TOOLS } from "./commands";
import { DISTROLESS_BUILDER, DISTROLESS_IMAGE, NotDistroless, planDistroless } from "./distroless";

export const multiStage: Transform = {
  id: "multi-stage",
  summary: "split a single-stage Python build into a builder stage and a lean runtime stage",
  meta,
  apply(ctx: Context) {
    const notes: NoteInput[] = [];
    const file = ctx.dockerfile;
    if (file.stages.length > 1) {
      notes.push({
        id: "already-multi-stage",
        severity: "info",
        line: file.stages[1]!.from.line,
        message: "already multi-stage: left as it is",
      });
      return { edits: [], notes };
    }
    const stage = file.stages[0];
    if (!stage) return undefined;
    const edits = split(ctx, stage, notes);
    // The runtime stage reaches the copied virtual environment through PATH (and VIRTUAL_ENV for uv);
    // a distroless one also changes the user, the commands' form and the healthcheck.
    const distroless = notes.some((n) => n.id === "distroless");
    const declares: ConfigKey[] = ["env PATH", "env VIRTUAL_ENV"];
    if (distroless) declares.push("user", "entrypoint", "cmd", "healthcheck");
    return { edits: edits ?? [], notes, declares: edits ? declares : [] };
  },
};

/** Notes the plan makes about the runtime stage's packages: moot when the split is not made. */
const RUNTIME_STAGE_NOTES = new Set(["openmp-runtime-kept", "healthcheck-tool-added", "git-in-builder"]);

/** The split's edits, or undefined (with a `not-split` note saying why) when the stage stays as it is. */
function split(ctx: Context, stage: Stage, notes: NoteInput[]): Edit[] | undefined {
  const scene = sceneOf(ctx, stage, notes);
  const mark = notes.length;
  try {
    const plan = planSplit(scene);
    notesOfSplit(scene, plan);
    return splitEdits(scene, plan);
  } catch (err) {
    if (!(err instanceof NotSplit)) throw err;
    // What the plan said of the runtime stage of a split that is not made goes.
    for (let i = notes.length - 1; i >= mark; i--) if (RUNTIME_STAGE_NOTES.has(notes[i]!.id)) notes.splice(i, 1);
    notes.push({
      id: "not-split",
      // Asked for with --split always: not doing it is worth a warning.
      severity: err.severity === "info" && ctx.options.split === "always" ? "warning" : err.severity,
      line: stage.from.line,
      message: `not split into builder and runtime stages: ${err.message}`,
    });
    return undefined;
  }
}

/** Decides the split: the build, the environment, each instruction's stage, what the runtime stage needs. */
function planSplit(scene: Scene): SplitPlan & { keptOut: string[]; runtimePurged: boolean } {
  const build = findBuild(scene);
  const venv = locateVenv(scene, build);
  const { owner, ownerRun } = installOwner(scene, build);
  const placement = placeAll(scene, build, ownerRun);
  checkCodeCopyWorkdir(scene, build);
  checkCopiesAfterCodeCopy(scene, build, placement);
  checkRuntimeRuns(scene, placement);
  checkSystemPaths(scene, build, venv);
  // A split pays for itself by what the builder keeps out of the final image. Without any of it, the
  // runtime stage would hold the same packages plus the environment's own pip: it is not made.
  const out = keptOut(build, placement);
  const distroless = scene.ctx.options.runtime === "distroless";
  const nothingKept = scene.ctx.options.split !== "always" && out.length === 0;
  if (nothingKept && !distroless) throw new NotSplit(NOTHING_KEPT);
  const mark = scene.notes.length;
  const packages = runtimePackages(scene, placement);
  const ownerOfVenv = venvOwner(scene, build, placement, owner);
  gitAtRuntime(scene, build, placement, packages);
  const runtimePurged = runtimePurges(placement, packages.has);
  const upgraded = upgradesPackages(placement);
  const plan = {
    build,
    venv,
    placement,
    owner: ownerOfVenv,
    packages: packages.list,
    upgraded,
    keptOut: out,
    runtimePurged,
  };
  if (!distroless) return plan;
  // Distroless replaces the base image: a split pays for itself even when the builder keeps nothing else out.
  try {
    const tools = Object.values(HEALTHCHECK_TOOLS).filter((p) => !placement.installed.includes(p));
    const wanted = packages.list.filter((p) => !tools.includes(p));
    const d = planDistroless(scene, placement, wanted, { path: venv.path, chown: ownerOfVenv.chown });
    // The healthcheck's tool is not installed: distroless keeps the HEALTHCHECK only in exec form.
    const kept = scene.notes.filter((n, i) => i < mark || n.id !== "healthcheck-tool-added");
    scene.notes.splice(0, scene.notes.length, ...kept, ...d.notes);
    // distroless creates no users: the RUNs that did go, and nonroot owns what the original user did.
    const owner = { chown: d.chown, userRuns: [] };
    return { ...plan, owner, packages: d.libraries, upgraded: false, distroless: d };
  } catch (err) {
    if (!(err instanceof NotDistroless)) throw err;
    scene.notes.push({
      id: "not-distroless",
      severity: "warning",
      line: scene.stage.from.line,
      message: `--runtime distroless: ${nothingKept ? "left single-stage" : "the runtime stage keeps the original image"}: ${err.message}`,
    });
    if (nothingKept) throw new NotSplit(NOTHING_KEPT);
    return plan;
  }
}

const NOTHING_KEPT =
  "a builder stage would keep nothing out of the final image (no build packages, compiler step or build tool), and the runtime stage would carry the virtual environment's own pip; --split always splits it anyway";

function notesOfSplit(scene: Scene, plan: SplitPlan & { keptOut: string[]; runtimePurged: boolean }): void {
  const { notes } = scene;
  const { keptOut, packages, build } = plan;
  const venv = plan.venv.path;
  const builderName = scene.ctx.options.builderStageName;
  notes.push({
    id: "split",
    severity: "info",
    line: scene.stage.from.line,
    message:
      `split into a ${builderName} stage (${[...keptOut, `the install into ${venv}`].join(", ")}) and a runtime stage that gets the virtual environment` +
      (packages.length ? `, ${packages.join(" ")}` : "") +
      " and the code" +
      (keptOut.length
        ? `: ${keptOut.join(", ")} ${keptOut.length === 1 && keptOut[0] !== "build packages" ? "stays" : "stay"} out of the final image`
        : plan.distroless
          ? ": the distroless runtime has no shell, package manager or pip"
          : " (--split always: the builder keeps nothing else out of the final image)"),
  });
  if (plan.distroless) notesOfDistroless(scene, plan);
  notes.push(...runtimeCompiler(scene, build, plan.placement.installed, packages));
  if (build.install.tool === "poetry") {
    notes.push({
      id: "poetry-in-project-venv",
      severity: "info",
      line: build.depsRun.line,
      message: `Poetry installs into ${venv} in the builder (POETRY_VIRTUALENVS_CREATE=true, POETRY_VIRTUALENVS_IN_PROJECT=true), which the runtime stage copies`,
    });
  }
  if (plan.venv.created) {
    notes.push({
      id: "install-into-venv",
      severity: "info",
      line: build.depsRun.line,
      message: `the install went into the image's Python; it now goes into ${venv}, which the runtime stage copies`,
    });
  }
  if (plan.placement.purged.size > 0 || plan.runtimePurged) {
    notes.push({
      id: "build-package-purge-dropped",
      severity: "info",
      line: build.depsRun.line,
      message: "removing build packages is left out: the builder's packages never reach the runtime stage",
      // alpine-to-trixie's notes on how the removal became apt-get purge describe a step this removes.
      supersedes: ["apk-del-to-purge", "virtual-package-purged"],
    });
  }
}

function notesOfDistroless(scene: Scene, plan: SplitPlan): void {
  const d = plan.distroless!;
  const line = scene.stage.from.line;
  scene.notes.push({
    id: "distroless",
    severity: "info",
    line,
    message: `the runtime stage is ${DISTROLESS_IMAGE} (no shell, no package manager); the ${scene.ctx.options.builderStageName} stage is ${DISTROLESS_BUILDER} with Debian's Python (${d.pythonPackages.join(" ")}), so ${plan.venv.path}'s interpreter, /usr/bin/python3, exists in both`,
  });
  if (d.libraries.length > 0)
    scene.notes.push({
      id: "distroless-libraries",
      severity: "info",
      line,
      message: `${d.libraries.join(", ")} and every library ${d.libraries.length === 1 ? "it links" : "they link"} to are copied from the ${scene.ctx.options.builderStageName} stage (/runtime-libs): distroless has no apt`,
    });
}
