/**
 * alpine-to-trixie: Alpine base images -> Debian trixie (slim by default), apk -> apt-get with
 * Debian package names, BusyBox user commands -> shadow, and the paths that differ (tini,
 * su-exec, ash). Stages whose base cannot be seen, or that are not Python stages, stay as they are,
 * with a note. A stage is migrated whole or not at all: when anything in it (or in a stage built
 * on it) cannot be converted, it stays on Alpine, FROM included, with action-needed notes.
 * Stages already on Debian are checked for what is left of Alpine in them.
 */
import * as path from "node:path";
import { applyEdits } from "../../src/engine/edits";
import { containerCommand, Dockerfile, healthcheckCmd, Instruction, Stage } from "../../src/engine/dockerfile";
import type { Change, NoteInput } from "../../src/engine/types";
import type { ConfigKey } from "../../src/engine/image";
import type { BuildContext } from "../../src/engine/context";
import type { Context, Transform } from "../options";
import {
  type PipInstall,
  parsePipInstall,
  parsePoetryInstall,
  parseUvSync,
  venvActivation,
  venvCreation,
} from "../../src/engine/commands";
import { baseStage, copySourceStage, envPairs, stagesBuiltOn, venvOnPath } from "../../src/engine/stage";
import { BUSYBOX_USER_COMMANDS } from "../../src/engine/users";
import { packageName } from "../../src/engine/facts";
import { mapPackages, parseApk } from "./apk";
import { migrateImage, parseImage, type ImageRef, type Migration, type PythonTarget } from "./images";
import { globalArg, imageMinor, pinEdits, pythonRefusal, targetMinor } from "../python-version";
import { tagFromArgs } from "../tag-args";
import { leftovers } from "./leftovers";
import {
  addCertificates,
  aptInstallRun,
  convertRun,
  mentionsApkOrBusyboxUsers,
  noteCertificates,
  RENAMES,
  renameFor,
  sink,
  Sink,
  StageState,
} from "./run";
import {
  alpineIsms,
  bashism,
  contextCopies,
  contextPathAt,
  contextScripts,
  CROND,
  filesCopiedNear,
  type Copy,
} from "./scripts";
import { muslWheels } from "./wheels";
import { baseName, runsOf, stageRuns, unwrap } from "./commands-run";
import { alpineOnlyGroups, alpineOnlyUsers, debianTakenNames } from "./groups";
import { busyboxTools } from "./tools";
import { meta } from "./meta";
import { insertAfter, replaceRange } from "../../src/engine/fixer";

interface Decision {
  migrated: boolean;
  /** The stage runs on a python:* image (its own Python, wheels from PyPI). */
  python: boolean;
}

const NONE: Decision = { migrated: false, python: false };

export const alpineToTrixie: Transform = {
  id: "alpine-to-trixie",
  summary: "Alpine images and apk -> Debian slim-trixie and apt-get, BusyBox users -> useradd",
  meta,
  apply(ctx: Context): Change {
    const file = ctx.dockerfile;
    const target = targetMinor(ctx.options);
    const refused = target === undefined ? undefined : pythonRefusal(file, ctx.context, target, "alpine-to-trixie");
    if (refused) return { edits: [], notes: refused };
    const out = sink();
    const decisions = new Map<Stage, Decision>();
    for (const family of families(file)) {
      let local = migrateFamily(ctx, family, decisions);
      const staying = family.filter((s) => !decisions.get(s)?.migrated && onAlpine(file, s));
      if (staying.length > 0 && family.some((s) => decisions.get(s)?.migrated)) {
        // Files cross between these stages (COPY --from): what was built against musl does not run
        // on glibc, nor the other way round. All of them move to Debian, or none.
        local = migrateFamily({ ...ctx, options: { ...ctx.options, allStages: true } }, family, decisions);
        for (const s of family.filter((x) => !decisions.get(x)?.migrated && onAlpine(file, x))) {
          const why = migrateImage(file.baseImage(s), ctx.options.targetVariant, pythonTarget(ctx, file.baseImage(s)));
          local.blockers.push({
            id: "left-on-alpine-copy",
            severity: "action-needed",
            line: s.from.line,
            message: `this stage stays on Alpine${why.kind === "leave" ? ` (${why.message})` : ""}, and files are copied between it and stages that would move to Debian: what is built against musl does not run on glibc`,
          });
        }
      }
      if (local.blockers.length === 0) {
        merge(out, local);
        continue;
      }
      const wouldMigrate = family.some((s) => decisions.get(s)?.migrated);
      for (const s of family) decisions.set(s, NONE);
      if (wouldMigrate) {
        out.notes.push({
          id: "left-on-alpine",
          severity: "action-needed",
          line: family[0]!.from.line,
          message:
            "left on Alpine as a whole, FROM included: on Debian it would not build or not run as it is. Fix what the other notes name, then run dfmod again",
        });
      }
      out.notes.push(...local.blockers);
    }
    for (const stage of file.stages) if (!decisions.get(stage)?.migrated) out.notes.push(...leftovers(file, stage));
    if (target !== undefined) merge(out, { ...sink(), ...pinEdits(file, target) });
    return { edits: out.edits, notes: out.notes, declares: out.declares };
  },
};

/** --python for an image: the minor asked for, and the image's own. */
function pythonTarget(ctx: Context, image: string): PythonTarget | undefined {
  const target = targetMinor(ctx.options);
  return target === undefined ? undefined : { target, minor: imageMinor(ctx.dockerfile, image) };
}

/** Decides and converts every stage of a family; the decisions go into `decisions`. */
function migrateFamily(ctx: Context, family: Stage[], decisions: Map<Stage, Decision>): Sink {
  const local = sink();
  const editedArgs = new Set<Instruction>();
  for (const stage of family) {
    const decision = decideStage(ctx, stage, decisions, editedArgs, local);
    decisions.set(stage, decision);
    if (decision.migrated) convertStage(ctx, stage, decision.python, local);
  }
  return local;
}

/** A stage on an Alpine image (its own, or that of the stage it is built on). */
function onAlpine(file: Dockerfile, stage: Stage): boolean {
  const image = file.baseImage(baseStage(file, stage));
  return migrateImage(image, "slim-trixie").kind !== "not-alpine";
}

function merge(into: Sink, from: Sink): void {
  into.edits.push(...from.edits);
  into.notes.push(...from.notes);
  into.declares.push(...from.declares);
}

/**
 * Stages that migrate together: a stage and those built on it, stages that copy from one another
 * (what a musl stage built does not run on glibc), and stages whose base images come from the same
 * global ARG (its default can change for all or none).
 */
function families(file: Dockerfile): Stage[][] {
  const root = new Map<Stage, Stage>();
  const find = (s: Stage): Stage => (root.get(s) === s ? s : find(root.get(s)!));
  const join = (a: Stage, b: Stage): void => {
    const [x, y] = [find(a), find(b)];
    if (x !== y) root.set(x.index > y.index ? x : y, x.index > y.index ? y : x);
  };
  const byArg = new Map<Instruction, Stage>();
  for (const stage of file.stages) {
    root.set(stage, stage);
    const parent = file.parentStage(stage);
    if (parent) join(stage, parent);
    for (const copy of stage.instructions) {
      const source = copySourceStage(file, copy);
      if (source) join(stage, source);
    }
    const arg = file.baseImageArg(stage)?.arg;
    if (!arg) continue;
    const other = byArg.get(arg);
    if (other) join(stage, other);
    else byArg.set(arg, stage);
  }
  const groups = new Map<Stage, Stage[]>();
  for (const stage of file.stages) groups.set(find(stage), [...(groups.get(find(stage)) ?? []), stage]);
  return [...groups.values()].sort((a, b) => a[0]!.index - b[0]!.index);
}

/**
 * An image that is Alpine only with its global ARGs' defaults put in (`python:${TAG}` with
 * TAG=3.12-alpine): the ARG names the variant, and dfmod does not change an ARG that may serve
 * more than this image, so the stage stays, with a note.
 */
function alpineThroughArgs(ctx: Context, stage: Stage, image: string, out: Sink): void {
  if (!image.includes("$")) return;
  const given: string[] = [];
  const resolved = image.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
    const value = globalArg(ctx.dockerfile, name)?.value;
    if (value !== undefined) given.push(`${name}=${value}`);
    return value ?? whole;
  });
  if (resolved === image || resolved.includes("$")) return;
  const literal = migrateImage(resolved, ctx.options.targetVariant, pythonTarget(ctx, resolved));
  if (literal.kind !== "migrate") return;
  const name = parseImage(resolved).name;
  const python = name === "python" || (name === "uv" && /python/.test(resolved));
  if (!python && !installsPython(ctx, stage) && !ctx.options.allStages) return;
  out.notes.push({
    id: "alpine-from-arg",
    severity: "warning",
    line: stage.from.line,
    message: `${image} with ${given.join(", ")} is ${resolved}, an Alpine image, through the ARG's default: left as it is, because dfmod does not change an ARG that may serve more than this image. Set the default so that the image is ${literal.image}, then run dfmod again`,
  });
}

/**
 * Whether a stage moves to Debian: a stage built on another decides with it; a stage on an Alpine
 * image the migration knows moves when it is a Python stage (or --all-stages). Notes say why not.
 */
function decideStage(
  ctx: Context,
  stage: Stage,
  decisions: Map<Stage, Decision>,
  editedArgs: Set<Instruction>,
  out: Sink,
): Decision {
  const { options } = ctx;
  const parent = ctx.dockerfile.parentStage(stage);
  if (parent) return decisions.get(parent) ?? NONE;
  if (stage.image.toLowerCase() === "scratch") return NONE;

  // The image as written, or the default of the global ARG it names.
  const fromArg = ctx.dockerfile.baseImageArg(stage);
  if (/^\$\{?\w+\}?$/.test(stage.image) && !fromArg) {
    if (/alpine/i.test(ctx.dockerfile.text)) {
      out.notes.push({
        id: "base-image-unknown",
        severity: "info",
        line: stage.from.line,
        message: `the base image ${stage.image} has no default that dfmod can see: stage left as it is`,
      });
    }
    return NONE;
  }
  const image = fromArg?.value ?? stage.image;
  const migration = migrateImage(image, options.targetVariant, pythonTarget(ctx, image));
  if (migration.kind === "not-alpine") {
    alpineThroughArgs(ctx, stage, image, out);
    return NONE;
  }
  if (migration.kind === "leave") {
    out.notes.push({
      id: migration.id,
      severity: migration.severity,
      line: stage.from.line,
      message: migration.message,
    });
    return NONE;
  }
  const unpublished = variableTagCheck(ctx, stage, image, migration, out);
  if (unpublished) {
    out.notes.push(unpublished);
    return NONE;
  }
  const name = parseImage(image).name;
  const python = name === "python" || (name === "uv" && /python/.test(image));
  if (!python && !installsPython(ctx, stage) && !options.allStages) {
    out.notes.push({
      id: "alpine-stage-left",
      severity: "info",
      line: stage.from.line,
      message: `${image}: an Alpine stage that installs no Python dependencies is left as it is (--all-stages migrates it too)`,
    });
    return NONE;
  }
  writeBaseImage({ stage, image, fromArg, migration, python }, editedArgs, out);
  return { migrated: true, python };
}

/**
 * An image whose tag takes a global ARG (`python:${PYTHON_VERSION}-alpine`): the default is checked
 * as a literal tag would be (tagFromArgs); a variable with no default is said in a note.
 */
function variableTagCheck(
  ctx: Context,
  stage: Stage,
  image: string,
  migration: Extract<Migration, { kind: "migrate" }>,
  out: Sink,
): NoteInput | undefined {
  if (targetMinor(ctx.options) !== undefined) return undefined;
  const check = tagFromArgs(ctx.dockerfile, image, migration.image, (resolved) =>
    migrateImage(resolved, ctx.options.targetVariant),
  );
  if (check?.kind === "unset") {
    out.notes.push({ ...check.note, line: stage.from.line });
    return undefined;
  }
  return check && { ...check.note, line: stage.from.line };
}

/** A stage's base image and where it is written: in its FROM, or as the default of a global ARG. */
interface BaseImageChange {
  stage: Stage;
  /** The image as written (or the ARG's default). */
  image: string;
  fromArg: ReturnType<Dockerfile["baseImageArg"]>;
  migration: Extract<Migration, { kind: "migrate" }>;
  python: boolean;
}

/** The new image in the FROM (or in the ARG, once for all the stages it serves), with its notes. */
function writeBaseImage(change: BaseImageChange, editedArgs: Set<Instruction>, out: Sink): void {
  const { stage, image, fromArg, migration, python } = change;
  if (fromArg) {
    if (!editedArgs.has(fromArg.arg)) {
      editedArgs.add(fromArg.arg);
      out.edits.push(...replaceRange(fromArg.arg, fromArg.start, fromArg.end, migration.image));
    }
  } else {
    const word = stage.from.words()[0]!;
    out.edits.push(...replaceRange(stage.from, word.start, word.end, migration.image));
  }
  const line = fromArg ? fromArg.arg.line : stage.from.line;
  out.notes.push({
    id: "image-migrated",
    severity: "info",
    line,
    message: python
      ? `${image} -> ${migration.image}: glibc, so pip and uv install manylinux wheels instead of compiling`
      : `${image} -> ${migration.image}`,
  });
  for (const n of migration.notes) out.notes.push({ ...n, line });
}

/** A stage (or a stage built on it) that installs Python packages or Python itself. */
function installsPython(ctx: Context, stage: Stage): boolean {
  for (const s of [stage, ...stagesBuiltOn(ctx.dockerfile, stage)]) {
    for (const instruction of s.instructions) {
      for (const command of instruction.shell()?.commands ?? []) {
        if (parsePipInstall(command) || parseUvSync(command) || parsePoetryInstall(command)) return true;
        const apk = parseApk(command);
        if (apk?.verb === "add" && apk.packages.some((p) => /^(?:python3|py3-)/.test(p.text ?? ""))) return true;
      }
    }
  }
  return false;
}

/**
 * Files copied from an Alpine image outside the file (`COPY --from=crazymax/alpine-s6-dist / /`):
 * unless they are static, what was built against musl does not run on glibc, and dfmod cannot see
 * which they are. uv's images are known (its binary is static).
 */
function alpineImageCopies(file: Dockerfile, stage: Stage): NoteInput[] {
  const out: NoteInput[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== "COPY" && instruction.keyword !== "ADD") continue;
    const from = instruction.flag("from")?.value;
    if (from === undefined || file.stageByName(from) || /^\d+$/.test(from)) continue;
    if (!/alpine/i.test(from) || /(?:^|\/)astral-sh\/uv(?::|@|$)/.test(from)) continue;
    out.push({
      id: "copy-from-alpine-image",
      severity: "action-needed",
      line: instruction.line,
      message: `files copied from ${from}, an Alpine image: unless they are static binaries, what was built against musl does not run on glibc, and dfmod cannot tell. Copy from a Debian (glibc) build of it, or check the files and migrate by hand`,
    });
  }
  return out;
}

/** Debian trixie's python3: a stage on Debian's own Python has this minor and no other. */
const TRIXIE_PYTHON = "python3.13";

/**
 * A stage on the distribution's Python (not a python:* image) that runs a Python by its minor
 * (`python3.11`, `python${PYTHON_VERSION}`): Alpine's python3 of that release, which trixie does
 * not have (its python3 is 3.13).
 */
function pythonMinorRuns(stage: Stage): NoteInput[] {
  const out: NoteInput[] = [];
  for (const instruction of stage.instructions) {
    if (!["RUN", "CMD", "ENTRYPOINT"].includes(instruction.keyword)) continue;
    const named = instruction.isJson
      ? (instruction.jsonArgs() ?? []).map((a) => a.split(/\s+/)[0]!)
      : (instruction.shell()?.commands ?? []).map((c) => c.words[0]?.raw ?? "");
    const minor = named
      .map((w) => w.slice(w.lastIndexOf("/") + 1))
      .find((w) => /^python(?:3\.\d+|\$\{?\w+\}?)$/.test(w) && w !== TRIXIE_PYTHON);
    if (minor === undefined) continue;
    out.push({
      id: "python-minor-not-in-trixie",
      severity: "action-needed",
      line: instruction.line,
      message: `\`${minor}\`: the stage runs the distribution's Python by its minor version; Debian trixie's python3 is ${TRIXIE_PYTHON.slice(6)}, with no other. Run python3, or build on a python:*-slim-trixie image, then run dfmod again`,
    });
  }
  return out;
}

/**
 * ENV LANG / LC_* naming a locale other than C or POSIX: musl accepts any name, glibc only the
 * locales generated in the image, and Debian images have none but C.UTF-8 (setlocale fails).
 */
function localeSettings(stage: Stage): NoteInput[] {
  const out: NoteInput[] = [];
  for (const i of stage.instructions.filter((x) => x.keyword === "ENV"))
    for (const p of envPairs(i)) {
      const value = p.value.replace(/^["']|["']$/g, "");
      if (!/^(?:LANG|LANGUAGE|LC_[A-Z]+)$/.test(p.key) || /^(?:C|POSIX|C\.UTF-?8|C\.utf-?8|)$/.test(value)) continue;
      if (p.key === "LANGUAGE" || value.includes("$")) continue;
      out.push({
        id: "locale-not-generated",
        severity: "warning",
        line: i.line,
        message: `${p.key}=${value}: Alpine's musl takes any locale name, Debian's glibc only locales generated in the image, and it has none but C.UTF-8; a program that sets the locale fails (Python: locale.Error). Use C.UTF-8, or install locales and generate it (localedef -i ${value.split(".")[0]} -f UTF-8 ${value})`,
      });
    }
  return out;
}

/**
 * BusyBox adduser without -u in a stage with a VOLUME: BusyBox numbers users from 100 up (system
 * users) or 1000 up, useradd --system from 999 down, so files a volume kept from the Alpine image
 * belong to another uid than the user's on Debian.
 */
function uidsOnVolumes(stage: Stage): NoteInput[] {
  if (!stage.instructions.some((i) => i.keyword === "VOLUME")) return [];
  for (const i of stage.instructions)
    for (const c of i.shell()?.commands ?? []) {
      const w = c.words.map((x) => x.text ?? "");
      if (w[0] !== "adduser" || !w.some((x) => /^-[A-Za-z]*S/.test(x))) continue;
      if (w.some((x) => /^-[A-Za-z]*u/.test(x) || x.startsWith("--uid"))) continue;
      return [
        {
          id: "user-uid-changes",
          severity: "warning",
          line: i.line,
          message: `\`${w.join(" ")}\` gives no uid: BusyBox numbered the system user from 100 up, useradd --system numbers it from 999 down, so files a volume of the stage kept from the Alpine image belong to another uid; give the user its old uid (-u) if volumes outlive the image`,
        },
      ];
    }
  return [];
}

/** The python3 of Alpine releases (3.11 to 3.23), by release. */
const ALPINE_PYTHON: Record<string, string> = {
  "3.11": "3.8",
  "3.12": "3.8",
  "3.13": "3.8",
  "3.14": "3.9",
  "3.15": "3.9",
  "3.16": "3.10",
  "3.17": "3.10",
  "3.18": "3.11",
  "3.19": "3.11",
  "3.20": "3.12",
  "3.21": "3.12",
  "3.22": "3.12",
  "3.23": "3.12",
};

/** An alpine:3.N stage's apk python3 becomes trixie's python3, another minor: a warning that says which. */
function distroPythonMove(ref: ImageRef, stage: Stage): NoteInput[] {
  const release = ref.name === "alpine" ? /^(3\.\d+)(?:\.\d+)?$/.exec(ref.tag ?? "")?.[1] : undefined;
  const minor = release && ALPINE_PYTHON[release];
  const trixie = TRIXIE_PYTHON.slice(6);
  if (!minor || minor === trixie) return [];
  return [
    {
      id: "distro-python-changes",
      severity: "warning",
      line: stage.from.line,
      message: `python3 moves from ${minor} (Alpine ${release}) to ${trixie} (Debian trixie): pinned dependencies without ${trixie} wheels, and code that uses what Python removed since ${minor}${Number(minor.split(".")[1]) < 12 ? " (distutils and imp in 3.12, cgi, crypt and telnetlib in 3.13)" : " (cgi, crypt, telnetlib and the other modules 3.13 removed)"}, may fail${minor === "3.8" ? "" : `; build on python:${minor}-slim-trixie to keep ${minor}`}`,
    },
  ];
}

/** Folders Alpine's packages read their configuration from, and what Debian's read instead. */
const NGINX_HTTP_D = /^\/etc\/nginx\/http\.d(?:\/|$)/;
const SUPERVISOR_D = /^\/etc\/supervisor\.d(?:\/|$)/;
const ALPINE_CONFIG_DIRS: [RegExp, string][] = [
  [NGINX_HTTP_D, "Alpine's nginx reads /etc/nginx/http.d; Debian's reads /etc/nginx/conf.d and sites-enabled"],
  [SUPERVISOR_D, "Alpine's supervisord reads /etc/supervisor.d/*.ini; Debian's reads /etc/supervisor/conf.d/*.conf"],
];

/** Alpine's config folders, as image paths. */
const CONFIG_FOLDERS = ["/etc/nginx/http.d", "/etc/supervisor.d"];

/**
 * The texts of the image's own config files that the stage copies from the build context to
 * `into` (a folder, or the file's path), by the name of the file (`nginx.conf`).
 */
function ownConfigs(
  stage: Stage,
  context: BuildContext | undefined,
  into: RegExp,
  name: RegExp,
  at?: string,
): string[] {
  const direct = stage.instructions.flatMap((i) => copiedConfigs(i, context, into, name));
  // Or brought by a folder's copy (`COPY rootfs/ /` with rootfs/etc/supervisord.conf).
  const file = at && context ? contextPathAt(contextCopies(stage), at, context) : undefined;
  return file ? [...direct, context!.read(file) ?? ""] : direct;
}

/** What one COPY or ADD of the build context puts there (see ownConfigs). */
function copiedConfigs(i: Instruction, context: BuildContext | undefined, into: RegExp, name: RegExp): string[] {
  if ((i.keyword !== "COPY" && i.keyword !== "ADD") || i.flag("from") || !into.test(i.copyDestination())) return [];
  return i
    .copySources()
    .filter((f) => name.test(f))
    .map((f) => context?.read(f.replace(/^\.\//, "")) ?? "");
}

const NGINX_CONF = /^\/etc\/nginx\/(?:nginx\.conf)?$/;

/** The image's own supervisord.conf reads /etc/supervisor.d, as Alpine's does: Debian's supervisord then reads it too. */
const ownSupervisorD = (stage: Stage, context: BuildContext | undefined): boolean =>
  ownConfigs(stage, context, /^\/etc\/(?:supervisord\.conf)?$/, /supervisord\.conf$/, "/etc/supervisord.conf").some(
    (t) => /^\s*files\s*=.*\/etc\/supervisor\.d\//m.test(t),
  ) ||
  // Or written whole by a RUN that includes it (`echo_supervisord_conf > ... && printf '[include]...'`).
  stage.instructions.some(
    (i) =>
      i.keyword === "RUN" &&
      writtenWhole(i.args).includes("/etc/supervisord.conf") &&
      /files\s*=\s*\/etc\/supervisor\.d\//.test(i.args),
  );

/**
 * Configuration copied where Alpine's packages look for it, and an nginx.conf that runs nginx as
 * Alpine's `nginx` user (Debian's is www-data): on Debian, the service would start without it.
 */
function alpineConfigCopies(stage: Stage, context: BuildContext | undefined): NoteInput[] {
  const out: NoteInput[] = [];
  const copies = stage.instructions.filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !i.flag("from"));
  // A config of the image's own that includes http.d (supervisor.d) reads it on Debian too: read
  // when a copy goes there (most stages have none).
  let ownHttpD: boolean | undefined;
  let ownSupervisor: boolean | undefined;
  const own = (re: RegExp): boolean =>
    re === NGINX_HTTP_D
      ? (ownHttpD ??= ownConfigs(stage, context, NGINX_CONF, /nginx\.conf$/, "/etc/nginx/nginx.conf").some((t) =>
          /^\s*include\s+\/etc\/nginx\/http\.d\//m.test(t),
        ))
      : (ownSupervisor ??= ownSupervisorD(stage, context));
  const alpineDir = (folder: string): string | undefined =>
    ALPINE_CONFIG_DIRS.find(([re]) => re.test(folder) && !own(re))?.[1];
  // The config folder a copy's files land in directly, through a context folder it copies.
  let contextCopiesOf: Map<Instruction, Copy> | undefined;
  const folderCopyInto = (instruction: Instruction): string | undefined => {
    const copy = (contextCopiesOf ??= new Map(contextCopies(stage).map((c) => [c.instruction, c]))).get(instruction);
    if (!copy || !context) return undefined;
    const folder = filesCopiedNear(copy, context, CONFIG_FOLDERS)
      .map((f) => path.posix.dirname(f))
      .find((d) => CONFIG_FOLDERS.includes(d));
    return folder && alpineDir(folder);
  };
  for (const instruction of copies) {
    const into = instruction.copyDestination();
    // Into the folder itself, or a context folder whose subfolders land there (`COPY docker/etc/ /etc/`).
    let why = alpineDir(into) ?? (into.startsWith("/") ? folderCopyInto(instruction) : undefined);
    if (
      !why &&
      copiedConfigs(instruction, context, NGINX_CONF, /nginx\.conf$/).some((t) => /^\s*user\s+nginx\b/m.test(t))
    )
      why = "the nginx.conf runs nginx as user nginx, Alpine's; Debian's nginx user is www-data";
    // An odbcinst.ini copied in (to its path, or into a folder) that names Alpine's driver file.
    const inis = instruction
      .copySources()
      .filter((f) =>
        into.endsWith("/") ? path.posix.basename(f) === "odbcinst.ini" : /(?:^|\/)odbcinst\.ini$/.test(into),
      );
    if (
      inis.some((f) =>
        /^\s*Driver\s*=\s*(?:\/usr\/lib\/libtdsodbc\.so|libtdsodbc\.so\.\d)/m.test(
          context?.read(f.replace(/^\.\//, "")) ?? "",
        ),
      )
    ) {
      out.push({
        id: "alpine-config-layout",
        severity: "action-needed",
        line: instruction.line,
        message:
          "the odbcinst.ini names the FreeTDS ODBC driver as Alpine's freetds has it; Debian's tdsodbc has only /usr/lib/<arch>-linux-gnu/odbc/libtdsodbc.so (a bare `Driver = libtdsodbc.so` finds it), so ODBC would not find the driver. Change the name for Debian, then run dfmod again",
      });
      continue;
    }
    if (why)
      out.push({
        id: "alpine-config-layout",
        severity: "action-needed",
        line: instruction.line,
        message: `${why}: the service would start without this configuration. Change the path (or the user) for Debian, then run dfmod again`,
      });
  }
  return out;
}

/** s6-overlay v2's tarballs (`s6-overlay-amd64.tar.gz`) and installer; v3's are `.tar.xz`. */
const S6_OVERLAY_V2 = /s6-overlay-[^\s"'/]*?(?:\.tar\.gz|\.tgz|-installer)(?=$|[\s"';&|)])/;

/**
 * s6-overlay v2 unpacked over / (`tar xzf s6-overlay-amd64.tar.gz -C /`, or ADD of the tarball):
 * its ./bin folder replaces Debian's /bin, a link to /usr/bin (merged /usr; tar and ADD both
 * replace a link with a folder), and /bin/sh is gone. Unpacked with `--exclude=./bin` (the
 * s6-overlay instructions for merged /usr) it is left alone.
 */
function s6OverlayV2(stage: Stage): NoteInput[] {
  // The merged-/usr form (`--exclude=./bin`, then ./bin into /usr), anywhere in the stage, is fine.
  if (stage.instructions.some((i) => /--exclude[= ]["']?\.\/bin\b/.test(i.args))) return [];
  const named = stage.instructions.find((i) => {
    if (!S6_OVERLAY_V2.test(i.args)) return false;
    // ADD unpacks a local tarball only (a URL is downloaded as it is), into /.
    if (i.keyword === "ADD")
      return (
        /^\/?$/.test(i.copyDestination()) && i.copySources().some((f) => !/^https?:/.test(f) && S6_OVERLAY_V2.test(f))
      );
    // tar into / (`-C /`, `--directory=/`), or run from / (WORKDIR / is the default).
    return (
      i.keyword === "RUN" &&
      /\btar\b/.test(i.args) &&
      (/(?:-C|--directory[= ])\s*\/(?=\s|$|;|&)/.test(i.args) || !/(?:-C|--directory)\b/.test(i.args))
    );
  });
  if (!named) return [];
  return [
    {
      id: "s6-overlay-v2",
      severity: "action-needed",
      line: named.line,
      message:
        "s6-overlay v2 unpacked over /: its ./bin folder would replace Debian's /bin, a link to /usr/bin, and /bin/sh would be gone. Unpack it with --exclude=./bin and its ./bin into /usr (s6-overlay's instructions for merged /usr), or move to s6-overlay v3, then run dfmod again",
    },
  ];
}

/**
 * sshd from Alpine's openssh (which has both ends of ssh): Debian's openssh-client has no sshd,
 * and Debian's openssh-server needs more than a rename (/run/sshd made before sshd starts).
 */
function sshdRuns(stage: Stage, apkAdded: Set<string>): NoteInput[] {
  if (!apkAdded.has("openssh")) return [];
  const named = stage.instructions.find(
    (i) =>
      ["RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(i.keyword) &&
      /(?:^|[\s"'/;&|(])sshd(?:_config)?(?=$|[\s"';&|)])/.test(i.args),
  );
  if (!named) return [];
  return [
    {
      id: "sshd-not-converted",
      severity: "action-needed",
      line: named.line,
      message:
        "the stage runs or configures sshd, which Alpine's openssh has: Debian's is in openssh-server, which also needs /run/sshd made before sshd starts. Move the stage to Debian by hand, then run dfmod again",
    },
  ];
}

/** crond run by the stage (RUN, ENTRYPOINT, CMD, behind tini or su-exec): no Debian command does what it did. */
function crondRuns(stage: Stage): NoteInput[] {
  const lines = new Set<number>();
  for (const run of stageRuns(stage)) {
    const name = unwrap(run.words)[0];
    if (name !== undefined && baseName(name) === "crond") lines.add(run.instruction.line);
  }
  return [...lines].map((line) => ({
    id: "crond-not-converted",
    severity: "action-needed" as const,
    line,
    message: `${CROND}; move the stage to Debian's cron by hand (or to a scheduler outside the image), then run dfmod again`,
  }));
}

/** OpenRC's commands: Debian images have no OpenRC (and dfmod drops the openrc package). */
const OPENRC = new Set(["rc-service", "rc-update", "rc-status", "openrc"]);

function openrcRuns(stage: Stage): NoteInput[] {
  const lines = new Set<number>();
  for (const run of stageRuns(stage)) {
    const name = unwrap(run.words)[0];
    if (name !== undefined && OPENRC.has(baseName(name))) lines.add(run.instruction.line);
  }
  return [...lines].map((line) => ({
    id: "openrc-not-converted",
    severity: "action-needed" as const,
    line,
    message:
      "OpenRC (rc-service, rc-update, openrc), which Debian images do not have: start the service's own program instead (`redis-server --daemonize yes`, or a process supervisor), then run dfmod again",
  }));
}

/** Commands the migration rewrites or replaces: inside a shell's string in a RUN it does not. */
const REWRITTEN = new Set(["apk", "adduser", "addgroup", "deluser", "delgroup", "su-exec"]);

/** `RUN sh -c "apk add curl"`: a command the migration would rewrite, in a string it does not rewrite. */
function alpineInShellStrings(stage: Stage): NoteInput[] {
  const out: NoteInput[] = [];
  for (const run of stageRuns(stage)) {
    const name = baseName(run.name);
    if (!run.nested || !REWRITTEN.has(name) || out.some((n) => n.line === run.instruction.line)) continue;
    out.push({
      id: "alpine-in-shell-string",
      severity: "action-needed",
      line: run.instruction.line,
      message: `the RUN runs \`${name}\` inside a shell's string (\`sh -c "..."\`), which dfmod does not rewrite: on Debian it would fail. Run it outside the string, then run dfmod again`,
    });
  }
  return out;
}

/** Commands that run the command their arguments name (`xargs apk add < list`, `env apk ...`). */
const RUNS_ITS_ARGUMENTS = new Set([
  "xargs",
  "env",
  "command",
  "nice",
  "timeout",
  "sudo",
  "doas",
  "ionice",
  "nohup",
  "stdbuf",
  "time",
  "exec",
  "busybox",
]);

const APK_PATH = /^\/(?:usr\/)?s?bin\/apk$/;

/**
 * apk where the migration does not rewrite it: by its path (`/sbin/apk add`), behind a command that
 * runs it (`xargs apk add < packages.txt`, `sudo apk add`), or in an ONBUILD. Debian has no apk:
 * the stage stays on Alpine.
 */
function apkNotRewritten(stage: Stage): NoteInput[] {
  const lines = new Set<number>();
  for (const run of stageRuns(stage)) {
    if (run.nested || run.atRuntime) continue;
    const [first, ...rest] = run.words;
    if (first === undefined || first === "apk") continue;
    const name = baseName(first);
    if (
      APK_PATH.test(first) ||
      (RUNS_ITS_ARGUMENTS.has(name) &&
        !(name === "command" && /^-[vV]$/.test(rest[0] ?? "")) &&
        rest.some((w) => w !== undefined && (w === "apk" || APK_PATH.test(w))))
    )
      lines.add(run.instruction.line);
  }
  for (const i of stage.instructions)
    if (
      i.keyword === "ONBUILD" &&
      /(?:^|[\s;&|(`])(?:(?:\/usr)?\/s?bin\/apk|(?:xargs|env|sudo|nice|timeout)(?:\s+-\S+)*\s+apk)\s/.test(i.args)
    )
      lines.add(i.line);
  return [...lines].map((line) => ({
    id: "apk-not-rewritten",
    severity: "action-needed" as const,
    line,
    message:
      "the RUN runs apk by its path or behind another command (`/sbin/apk`, `xargs apk`, `sudo apk`), which dfmod does not rewrite: Debian has no apk, so the build would fail. Write it as `apk add ...` with the package names in the RUN, then run dfmod again",
  }));
}

/**
 * Paths of Alpine's layout that Debian's differs from, named by the stage (ENV values, RUNs, what
 * the container runs): library files (`/usr/lib/libgdal.so.34`; Debian keeps them under
 * /usr/lib/<arch>-linux-gnu, often with other sonames), the site-packages of Alpine's own python3
 * (Debian's is /usr/lib/python3/dist-packages), and, on a python image, Alpine's /usr/bin/python3
 * (the python images have theirs in /usr/local/bin; Debian's python3 is not there); and Alpine's
 * /etc/alpine-release, which a stage tests to tell Alpine apart.
 */
const ALPINE_PATHS: [RegExp, string, "library" | "site" | "python" | "config" | "other"][] = [
  [
    /(?:^|[\s"'=:])(\/etc\/supervisord\.conf)(?=$|[\s"';:\]])/g,
    "Alpine's supervisord config, which Debian's supervisor does not have (its own is /etc/supervisor/supervisord.conf, which reads /etc/supervisor/conf.d/*.conf): appended to, it is a config with no [supervisord] section; edited in place or given to `supervisord -c`, it is not there",
    "config",
  ],
  [
    /(?:^|[\s"'=:[,])(\/sbin\/(?:runsvdir|runsv|sv|chpst|svlogd))(?=$|[\s"',;:\]])/g,
    "runit's program where Alpine has it: Debian's runit has it in /usr/bin, and its package enables a default-syslog service in /etc/service (a link into /etc/runit/runsvdir), which runsvdir would start beside the image's own",
    "other",
  ],
  [
    /(?:^|[\s"'=:])(\/etc\/supervisor\.d)(?=$|[\s"'/;:\]])/g,
    "the folder Alpine's supervisord reads its programs from (*.ini): Debian's reads /etc/supervisor/conf.d/*.conf",
    "config",
  ],
  [
    /(?:^|[\s"'=:])(\/etc\/alpine-release)(?=$|[\s"';:\]])/g,
    "Alpine's release file, which Debian does not have (it has /etc/debian_version): a test for it (`[ -f /etc/alpine-release ] && ...`) takes the other branch there",
    "other",
  ],
  [
    /(?:^|[\s"'=:])(\/etc\/ssl\/cert\.pem)(?=$|[\s"';:\]])/g,
    "Alpine's CA bundle, which Debian does not have (its bundle is /etc/ssl/certs/ca-certificates.crt): SSL_CERT_FILE or REQUESTS_CA_BUNDLE pointing there fails every TLS check",
    "other",
  ],
  [
    /(?:^|[\s"'=:])(\/usr\/lib\/libtdsodbc\.so(?:\.\d+)*|libtdsodbc\.so(?:\.\d+)+)(?=$|[\s"':;\\])/g,
    "the FreeTDS ODBC driver as Alpine's freetds has it: Debian's tdsodbc has only /usr/lib/<arch>-linux-gnu/odbc/libtdsodbc.so (unixODBC finds a bare `libtdsodbc.so` there)",
    "library",
  ],
  [
    /(?:^|[\s"'=:])(\/(?:usr\/)?lib\/lib[\w+.-]*\.so(?:\.[\d.]+)?)(?=$|[\s"':;*])/g,
    "an Alpine library path: Debian keeps libraries under /usr/lib/<arch>-linux-gnu, often with other sonames",
    "library",
  ],
  [
    /(?:^|[\s"'=:])(\/usr\/lib\/python3\.\d+\/site-packages)(?=$|[\s"'/:;])/g,
    "the site-packages of Alpine's python3: Debian's python3 has its packages in /usr/lib/python3/dist-packages, and Python's images have none there",
    "site",
  ],
  [
    /(?:^|[\s"'=:[,])(\/usr\/bin\/python(?:3(?:\.\d+)?)?)(?=$|[\s"',:;\]])/g,
    "Alpine's own python3 (from apk's python3 or a py3- package): the Debian python image has its Python in /usr/local/bin only",
    "python",
  ],
];

/** The files a RUN's text writes whole (`> /etc/supervisord.conf`), not those it appends to (>>) nor a stream's (2>, &>). */
const writtenWhole = (text: string): string[] =>
  [...text.matchAll(/(?<![>&\d])>\|?\s*(\/[\w./-]+)/g)].map((m) => m[1]!);

/** What each path of ALPINE_PATHS and packageDataPaths contains, for a quick look first. */
const ALPINE_PATH_HINT =
  /alpine-release|cert\.pem|\.so\b|site-packages|\/usr\/bin\/python|supervisor|\/sbin\/|tessdata|\/usr\/share\/fonts/;

/**
 * Paths the stage makes itself, which are there on Debian too: the targets of `ln`, what COPY and
 * ADD write, files a RUN writes whole (`> file`); and whether a build installs into /usr (`./configure --prefix=/usr`: its libraries
 * land in /usr/lib on Debian as well).
 */
function madePaths(stage: Stage): { paths: Set<string>; usrPrefix: boolean } {
  const paths = new Set<string>();
  let usrPrefix = false;
  for (const instruction of stage.instructions) {
    if ((instruction.keyword === "COPY" || instruction.keyword === "ADD") && !instruction.heredoc) {
      const dest = instruction.copyDestination();
      for (const source of instruction.copySources())
        paths.add(dest.endsWith("/") ? `${dest}${path.posix.basename(source)}` : dest);
    }
    if (instruction.keyword !== "RUN") continue;
    if (/--prefix[= ]\/usr(?![\w/])|\bPREFIX=\/usr(?![\w/])/.test(instruction.args)) usrPrefix = true;
    // A file written whole (`echo_supervisord_conf > /etc/supervisord.conf`), not appended to (>>)
    // nor a stream's (2>, &>), wherever it stands in a chain.
    for (const file of writtenWhole(instruction.args)) paths.add(file);
    for (const run of runsOf(instruction)) {
      if (baseName(run.name) !== "ln") continue;
      const target = run.words.filter((w, i) => i > 0 && w !== undefined && !w.startsWith("-")).pop();
      if (target) paths.add(target);
    }
  }
  return { paths, usrPrefix };
}

/** A text as a regular expression that matches it literally. */
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/**
 * Data folders of packages the stage installs with apk that Debian's packages keep elsewhere:
 * tesseract's language data, and the folders of Alpine's font packages (font-dejavu ->
 * /usr/share/fonts/dejavu; Debian's are under /usr/share/fonts/truetype or opentype).
 */
function packageDataPaths(apkAdded: Set<string>): [RegExp, string, "data"][] {
  const out: [RegExp, string, "data"][] = [];
  const tesseract = [...apkAdded].some((p) => p.startsWith("tesseract-ocr"));
  if (tesseract)
    out.push([
      /(?:^|[\s"'=:])(\/usr\/share\/tessdata)(?=$|[\s"'/:;])/g,
      "where Alpine's tesseract-ocr keeps its language data: Debian's keeps it in /usr/share/tesseract-ocr/5/tessdata",
      "data",
    ]);
  const families = new Set(
    [...apkAdded]
      .filter((p) => /^(?:font|ttf)-[a-z0-9]/.test(p))
      .map((p) => p.replace(/^(?:font|ttf)-/, "").split("-")[0]!),
  );
  if (families.size > 0)
    out.push([
      new RegExp(
        `(?:^|[\\s"'=:])(\\/usr\\/share\\/fonts\\/(?:${[...families].map(escaped).join("|")}))(?=$|[\\s"'/:;])`,
        "g",
      ),
      "the folder of an Alpine font package: Debian's font packages put their files under /usr/share/fonts/truetype or /usr/share/fonts/opentype (`fc-list` shows where)",
      "data",
    ]);
  return out;
}

function alpinePaths(
  stage: Stage,
  python: boolean,
  apkAdded: Set<string>,
  context: BuildContext | undefined,
): NoteInput[] {
  const out: NoteInput[] = [];
  let ownSupervisor: boolean | undefined;
  // Alpine's own python3 and its site-packages are there only when apk installs them.
  const distroPython = [...apkAdded].some((p) => p === "python3" || p.startsWith("py3-"));
  const known = [...ALPINE_PATHS, ...packageDataPaths(apkAdded)];
  let made: ReturnType<typeof madePaths> | undefined;
  for (const instruction of stage.instructions) {
    // A COPY too: `COPY --from=builder /usr/lib/libpq.so.5* /usr/lib/` finds nothing on Debian, and
    // site-packages copied into Alpine's python3 layout are not where Debian's python3 looks.
    if (!["ENV", "RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "ARG", "COPY", "ADD"].includes(instruction.keyword))
      continue;
    const text = instruction.args;
    // Every path of ALPINE_PATHS and packageDataPaths has one of these in it: most instructions have none.
    if (!ALPINE_PATH_HINT.test(text)) continue;
    const found = known
      .flatMap(([re, why, kind]) => {
        if ((kind === "python" && !python) || ((kind === "site" || kind === "python") && !distroPython)) return [];
        // Copies into Alpine's config folders are alpineConfigCopies'; the image's own
        // supervisord.conf may read /etc/supervisor.d, as Alpine's does.
        if (kind === "config" && (instruction.keyword === "COPY" || instruction.keyword === "ADD")) return [];
        const matches = [...text.matchAll(re)];
        if (kind === "config" && matches.some((m) => m[1] === "/etc/supervisor.d"))
          if ((ownSupervisor ??= ownSupervisorD(stage, context))) return [];
        return matches.map((m) => ({ path: m[1]!, why, kind }));
      })
      .find((f) => {
        made ??= madePaths(stage);
        // A config the image brings itself, in a folder's copy (`COPY rootfs/ /`), is there on Debian too.
        if (f.kind === "config" && context && contextPathAt(contextCopies(stage), f.path, context)) return false;
        // Alpine's site-packages stays wrong when the stage fills it: Debian's python3 does not read it.
        return (f.kind === "site" || !made.paths.has(f.path)) && !(f.kind === "library" && made.usrPrefix);
      });
    if (!found) continue;
    out.push({
      id: "alpine-path",
      severity: "action-needed",
      line: instruction.line,
      message: `${instruction.keyword} names ${found.path}, ${found.why}. Change the path for Debian, then run dfmod again`,
    });
  }
  return out;
}

/** What the conversion of a stage's instructions knows of the stage as a whole. */
function stageState(
  ctx: Context,
  stage: Stage,
  python: boolean,
  scripts: ReturnType<typeof contextScripts>,
  base: ReturnType<typeof parseImage>,
): StageState {
  let ldconfig: boolean | undefined;
  return {
    python,
    wheels: python && !forbidsWheels(stage),
    packages: ctx.options.packages,
    virtuals: new Map(),
    pending: missingTools(stage, python, scripts.tools, ctx.options.packages),
    apkAdded: apkAdded(ctx.dockerfile, stage),
    bareDebian: base.name === "alpine",
    // Asked only by a stage that installs a build: most have none.
    ldconfig: () =>
      (ldconfig ??= stageRuns(stage).some((r) => baseName(r.name) === "ldconfig") || madePaths(stage).usrPrefix),
  };
}

function convertStage(ctx: Context, stage: Stage, python: boolean, out: Sink): void {
  const scripts = contextScripts(stage, ctx.context);
  // The image the stage is built on, through the stages of the file it is built on.
  const base = parseImage(ctx.dockerfile.baseImage(baseStage(ctx.dockerfile, stage)));
  const state = stageState(ctx, stage, python, scripts, base);
  out.blockers.push(
    ...alpineOnlyGroups(stage),
    ...alpineOnlyUsers(stage),
    ...debianTakenNames(stage),
    ...crondRuns(stage),
    ...openrcRuns(stage),
    ...alpineImageCopies(ctx.dockerfile, stage),
    ...alpineConfigCopies(stage, ctx.context),
    ...muslWheels(stage, ctx.context),
    ...alpineInShellStrings(stage),
    ...apkNotRewritten(stage),
    ...alpinePaths(stage, python, state.apkAdded, ctx.context),
  );
  out.blockers.push(...sshdRuns(stage, state.apkAdded), ...s6OverlayV2(stage));
  if (!python) out.blockers.push(...pythonMinorRuns(stage));
  if (!python && state.apkAdded.has("python3")) out.notes.push(...distroPythonMove(base, stage));
  out.notes.push(...localeSettings(stage), ...uidsOnVolumes(stage));
  for (const f of scripts.findings) {
    out.blockers.push({
      id: "script-uses-alpine",
      severity: "action-needed",
      line: f.instruction.line,
      message: `${f.file}:${f.line}: ${f.what}; the image runs this script, so it must change with the image`,
    });
  }
  for (const instruction of stage.instructions) {
    if (instruction.keyword === "RUN" && !python) pep668(ctx, stage, instruction, state.apkAdded, out.blockers);
    if (instruction.heredoc) heredoc(ctx, instruction, out);
    else if (instruction.keyword === "RUN" && instruction.isJson) convertExecRun(ctx, instruction, state, out);
    else if (instruction.keyword === "RUN") convertRun(ctx, instruction, state, out);
    else if (instruction.keyword === "ONBUILD") convertOnbuild(ctx, instruction, state, out);
    else if (instruction.keyword === "ENV") renameEnv(instruction, state, out);
    else if (["ENTRYPOINT", "CMD", "SHELL", "HEALTHCHECK"].includes(instruction.keyword)) {
      if (instruction.keyword === "SHELL") state.shell = true;
      else commandBashism(instruction, out);
      const count = out.edits.length;
      renameExec(instruction, state, out);
      if (out.edits.length > count) out.declares.push(CONFIG_KEYS[instruction.keyword]!);
    }
  }
  if (
    state.uvImage &&
    !stage.instructions.some((i) => /^ghcr\.io\/astral-sh\/uv(?::|$)/.test(i.flag("from")?.value ?? ""))
  ) {
    const copy = `COPY --from=ghcr.io/astral-sh/uv:${ctx.options.uvVersion} /uv /uvx /bin/`;
    out.edits.push(insertAfter(stage.from, [copy]));
    out.notes.push({
      id: "uv-binary-added",
      severity: "info",
      line: stage.from.line,
      message: `added ${copy}: Debian has no uv package; the uv image's static binary takes the place of \`apk add uv\``,
    });
  }
  if (state.pending.packages.length > 0) {
    const packages = [...state.pending.packages];
    // This RUN goes first in the stage: before any install that added ca-certificates.
    if (addCertificates(packages, state.bareDebian)) noteCertificates(out, stage.from.line);
    out.edits.push(insertAfter(stage.from, [aptInstallRun(packages)]));
    out.notes.push({
      id: "busybox-tools-added",
      severity: "info",
      line: stage.from.line,
      message: `added a RUN that installs ${state.pending.packages.join(", ")}: the image needs ${state.pending.packages.length > 1 ? "them" : "it"}, and Alpine had ${state.pending.packages.length > 1 ? "them" : "it"} built in; Debian slim does not`,
    });
  }
}

/**
 * The stage's pip or uv installs build from source what they could get as wheels (`--no-binary`,
 * PIP_NO_BINARY, UV_NO_BINARY): Rust extensions among them need the Rust toolchain on Debian too.
 */
function forbidsWheels(stage: Stage): boolean {
  return stage.instructions.some(
    (i) =>
      (i.keyword === "RUN" || i.keyword === "ENV" || i.keyword === "ARG") &&
      /--no-binary|\b(?:PIP|UV)_NO_BINARY\b/.test(i.args),
  );
}

/** The config key an edit of a run-time instruction changes. */
const CONFIG_KEYS: Record<string, ConfigKey> = {
  ENTRYPOINT: "entrypoint",
  CMD: "cmd",
  SHELL: "shell",
  HEALTHCHECK: "healthcheck",
};

/** Alpine packages that `apk add` installs in the stage and in the stages of the file it is built on. */
function apkAdded(file: Dockerfile, stage: Stage): Set<string> {
  const out = new Set<string>();
  for (let s: Stage | undefined = stage; s; s = file.parentStage(s))
    for (const instruction of s.instructions)
      for (const command of instruction.shell()?.commands ?? []) {
        const apk = parseApk(command);
        if (apk?.verb === "add")
          for (const p of apk.packages) if (p.text !== undefined) out.add(p.text.split(/[=<>~]/)[0]!);
      }
  return out;
}

/** BusyBox tools the stage runs that its installs do not bring on Debian, and the first instruction that needs one. */
function missingTools(
  stage: Stage,
  python: boolean,
  scriptTools: { pkg: string; instruction: Instruction }[],
  packages: StageState["packages"],
): StageState["pending"] {
  const used = busyboxTools(stage);
  for (const { pkg, instruction } of scriptTools) {
    if (!used.some((u) => u.pkg === pkg))
      used.push({ tool: pkg, pkg, first: instruction, atRuntime: instruction.keyword !== "RUN" });
  }
  // Alpine's python3 has venv; Debian's needs python3-venv (python:* images have their own Python).
  const venv = python
    ? undefined
    : stage.instructions.find((i) =>
        i.shell()?.commands.some((c) => venvCreation(c) !== undefined && /python/.test(c.words[0]?.text ?? "")),
      );
  if (venv) used.push({ tool: "python3 -m venv", pkg: "python3-venv", first: venv, atRuntime: false });
  if (used.length === 0) return { packages: [], before: Infinity };
  const installed = new Set<string>();
  for (const instruction of stage.instructions) {
    for (const command of instruction.shell()?.commands ?? []) {
      const apk = parseApk(command);
      if (apk?.verb !== "add") continue;
      const specs = apk.packages.flatMap((p) => (p.text === undefined ? [] : [p.text]));
      for (const pkg of mapPackages(specs, python, "build", packages).packages) installed.add(pkg);
    }
  }
  const needed = used.filter((t) => !installed.has(t.pkg));
  return {
    packages: needed.map((t) => t.pkg),
    before: Math.min(Infinity, ...needed.map((t) => (t.atRuntime ? Infinity : t.first.index))),
  };
}

/**
 * Heredoc bodies are not rewritten: one with apk or BusyBox user commands keeps the stage on Alpine,
 * and so does one that needs Alpine to run (ash as its interpreter, su-exec, /sbin/tini, crond):
 * a RUN heredoc runs at build time, a COPY heredoc is a file the image may run.
 */
function heredoc(ctx: Context, instruction: Instruction, out: Sink): void {
  const text = ctx.dockerfile.text.slice(instruction.start, instruction.end);
  if (instruction.keyword === "RUN" && mentionsApkOrBusyboxUsers(text)) {
    out.blockers.push({
      id: "heredoc-not-rewritten",
      severity: "action-needed",
      line: instruction.line,
      message: "a heredoc RUN with apk or BusyBox user commands: dfmod does not rewrite heredoc bodies yet",
    });
    return;
  }
  if (instruction.keyword !== "RUN" && !scriptLike(instruction, text)) return;
  const what = heredocAlpineIsm(instruction.keyword, text);
  if (what)
    out.blockers.push({
      id: "heredoc-uses-alpine",
      severity: "action-needed",
      line: instruction.line,
      message: `a heredoc ${instruction.keyword}: ${what}; dfmod does not rewrite heredoc bodies`,
    });
}

/**
 * A COPY heredoc the image may run: a `#!` first line, an executable --chmod, or a .sh name. Any
 * other is a data file (a config, a template), whose text runs nothing.
 */
function scriptLike(instruction: Instruction, text: string): boolean {
  const body = text.split(/\r?\n/)[1] ?? "";
  const mode = instruction.flag("chmod")?.value ?? "";
  const executable = /x/.test(mode) || (/^[0-7]{3,4}$/.test(mode) && /[1357]/.test(mode.slice(-3)));
  return (
    body.startsWith("#!") || (mode !== "" && executable) || /\.(?:sh|ash|bash)$/.test(instruction.copyDestination())
  );
}

/** What in a heredoc needs Alpine: ash named on its RUN line (`RUN <<EOF ash`, `RUN ash <<EOF`), or in its body. */
function heredocAlpineIsm(keyword: string, text: string): string | undefined {
  const [first = "", ...rest] = text.split(/\r?\n/);
  if (keyword === "RUN" && /(?:^|[\s/])ash(?:\s|$)/.test(first.replace(/^\s*\S+/, "")))
    return "it runs ash, which Debian does not have";
  return alpineIsms(rest.join("\n"))[0]?.what;
}

/** Debian's own python3 refuses `pip install` into the system (PEP 668); Alpine's older ones did not. */
/**
 * The distributions in the system Python that apt installs in place of the stage's py3- packages
 * (py3-pip -> pip), by normalised name: Debian's have no RECORD file, so pip cannot replace them.
 */
function aptPythonDists(apkAdded: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const p of apkAdded) {
    if (!p.startsWith("py3-")) continue;
    const name = p.slice(4).toLowerCase().replace(/[._]+/g, "-");
    out.add(name).add(`python-${name}`).add(`py${name}`);
  }
  return out;
}

/**
 * A system `pip install` that would replace a distribution apt installed: one named with a version
 * (`requests==2.32.5`, also in a requirement file the build context has), or any with
 * --upgrade / -U. Undefined when it names none.
 */
function replacesAptDist(ctx: Context, install: PipInstall, apt: Set<string>): string | undefined {
  const words = install.command.words.map((w) => w.text ?? "");
  // Installs that replace nothing where apt put its packages.
  const elsewhere = /^(?:--ignore-installed|-I|--user|--target|-t|--prefix|--root)(?:=|$)/;
  if (words.some((w) => elsewhere.test(w))) return undefined;
  const upgrade = words.some((w) => w === "--upgrade" || w === "-U");
  const lines = install.requirements.flatMap((f) =>
    (ctx.context?.read(f.replace(/^\.\//, "")) ?? ctx.context?.read(path.posix.basename(f)) ?? "")
      .split(/\r?\n/)
      .map((l) => l.replace(/\s#.*$/, "").trim()),
  );
  return [...install.packages, ...lines].find((spec) => {
    const name = packageName(spec);
    return name !== undefined && apt.has(name) && (upgrade || /[=<>~!]/.test(spec));
  });
}

function pep668(
  ctx: Context,
  stage: Stage,
  instruction: Instruction,
  apkAdded: Set<string>,
  blockers: NoteInput[],
): void {
  // A virtual environment on PATH (or VIRTUAL_ENV) before this RUN: `pip` is its pip.
  const activeVenv = venvOnPath(stage, instruction);
  let activated = false;
  for (const command of instruction.shell()?.commands ?? []) {
    if (venvActivation(command) !== undefined) activated = true;
    const install = parsePipInstall(command);
    if (!install || install.tool !== "pip") continue;
    const name = command.words[0]?.text ?? "";
    const inVenv = activeVenv || activated || (/\/bin\/(?:pip3?|python3?)$/.test(name) && !name.startsWith("/usr/"));
    if (inVenv) continue;
    if (command.words.some((w) => w.text === "--break-system-packages")) {
      const replaced = replacesAptDist(ctx, install, aptPythonDists(apkAdded));
      if (replaced)
        blockers.push({
          id: "system-pip-replaces-apt",
          severity: "action-needed",
          line: instruction.line,
          message: `\`pip install\` would replace ${replaced.split(/[=<>~!;\s[]/)[0]}, which apt installs here (from a py3- package): Debian's python3- packages have no RECORD file, so pip stops (uninstall-no-record-file). Install into a virtual environment (python3 -m venv), add --ignore-installed, or build on a python:*-slim-trixie image`,
        });
      continue;
    }
    blockers.push({
      id: "system-pip-refused",
      severity: "action-needed",
      line: instruction.line,
      message:
        "Debian's python3 refuses `pip install` into the system (PEP 668, externally-managed-environment): install into a virtual environment (python3 -m venv), add --break-system-packages, or build on a python:*-slim-trixie image",
    });
    return;
  }
}

/**
 * A RUN body converted on its own (the RUN inside ONBUILD, an exec-form RUN's command): it is put
 * in a file of its own, converted like any RUN, and its new text returned (undefined: unchanged).
 */
function convertBody(ctx: Context, host: Instruction, body: string, state: StageState, out: Sink): string | undefined {
  const prefix = `${host.file.escape === "`" ? "# escape=`\n" : ""}FROM scratch\nRUN `;
  let file: Dockerfile;
  try {
    file = new Dockerfile(prefix + body);
  } catch {
    file = new Dockerfile("FROM scratch\n");
  }
  const run = file.instructions[1];
  if (!run || file.instructions.length !== 2 || run.keyword !== "RUN") {
    out.blockers.push({
      id: "unreadable-run",
      severity: "action-needed",
      line: host.line,
      message: "a RUN with apk that dfmod cannot read",
    });
    return undefined;
  }
  const local = sink();
  // BusyBox tools the stage lacks go into the stage's own installs, never into a trigger or a body like this.
  convertRun({ ...ctx, dockerfile: file }, run, { ...state, pending: { packages: [], before: 0 } }, local);
  const at = (n: NoteInput): NoteInput => ({ ...n, line: host.line });
  out.notes.push(...local.notes.map(at));
  out.blockers.push(...local.blockers.map(at));
  if (local.edits.length === 0) return undefined;
  return applyEdits(file.text, local.edits, "\n", "alpine-to-trixie").slice(prefix.length);
}

/** `ONBUILD RUN apk ...`: the RUN it triggers is converted like any other. */
function convertOnbuild(ctx: Context, instruction: Instruction, state: StageState, out: Sink): void {
  const inner = instruction.words()[0];
  if (!inner || inner.text.toUpperCase() !== "RUN") return;
  let bodyStart = inner.end;
  while (/\s/.test(instruction.logical[bodyStart] ?? "")) bodyStart++;
  const from = instruction.fileOffset(bodyStart);
  const body = ctx.dockerfile.text.slice(from, instruction.end);
  const converted = convertBody(ctx, instruction, body, state, out);
  if (converted === undefined) return;
  out.edits.push({ start: from, end: instruction.end, text: converted });
  out.declares.push("onbuild");
}

/** `RUN ["apk", "add", ...]` becomes a shell-form RUN; `RUN ["/bin/sh", "-c", "apk ..."]` keeps its form. */
function convertExecRun(ctx: Context, instruction: Instruction, state: StageState, out: Sink): void {
  const json = instruction.jsonArgs();
  if (!json || json.length === 0) return;
  const shellForm = /^(?:\/bin\/)?(?:sh|ash|bash)$/.test(json[0]!) && json[1] === "-c" && json.length === 3;
  if (shellForm) {
    const converted = convertBody(ctx, instruction, json[2]!, state, out);
    const shell = renameFor(json[0]!, state) ?? json[0]!;
    if (converted === undefined && shell === json[0]) return;
    const args = [shell, "-c", converted ?? json[2]!].map((a) => JSON.stringify(a)).join(", ");
    out.edits.push(...replaceRange(instruction, instruction.argsStart, instruction.logical.length, `[${args}]`));
    return;
  }
  if (json[0] !== "apk" && !BUSYBOX_USER_COMMANDS.has(json[0]!)) return;
  if (!json.every((a) => /^[A-Za-z0-9_.,:=@%+/-]+$/.test(a))) {
    out.blockers.push({
      id: "exec-run-not-converted",
      severity: "action-needed",
      line: instruction.line,
      message: `an exec-form \`${json[0]}\` RUN with words dfmod cannot carry over to a shell command`,
    });
    return;
  }
  const converted = convertBody(ctx, instruction, json.join(" "), state, out);
  if (converted === undefined) return;
  out.edits.push(...replaceRange(instruction, instruction.argsStart, instruction.logical.length, converted));
  out.notes.push({
    id: "exec-run-to-shell",
    severity: "info",
    line: instruction.line,
    message: "the exec-form RUN is now a shell-form RUN: apt-get needs `apt-get update && ... && rm -rf` in one shell",
  });
}

/**
 * /sbin/tini, su-exec and ash in ENTRYPOINT / CMD / SHELL / HEALTHCHECK, exec form or shell form. A SHELL that
 * runs ash, or sh with `-o pipefail`, becomes bash: Debian's sh is dash, bash is what ash's
 * extensions (`[[ ]]`, `source`, pipefail) need.
 */
function renameExec(instruction: Instruction, state: StageState, out: Sink): void {
  if (instruction.keyword === "HEALTHCHECK") return renameHealthcheck(instruction, state, out);
  const json = instruction.jsonArgs();
  const line = instruction.line;
  if (json && instruction.keyword === "SHELL") {
    const [shell] = json;
    const pipefail = /^(?:\/bin\/)?sh$/.test(shell ?? "") && json.some((a) => a === "pipefail");
    if (!shell || (!/^(?:\/bin\/)?ash$/.test(shell) && !pipefail)) return;
    const to = shell.startsWith("/") ? "/bin/bash" : "bash";
    const at = instruction.logical.indexOf(JSON.stringify(shell), instruction.argsStart);
    if (at === -1) return;
    out.edits.push(...replaceRange(instruction, at + 1, at + 1 + shell.length, to));
    out.notes.push({
      id: "shell-ash-to-bash",
      severity: "info",
      line,
      message: `SHELL ${shell} -> ${to}: Debian's sh is dash; bash runs what ash ran${pipefail ? " (pipefail included)" : ""}`,
    });
    return;
  }
  renameTokens(instruction, instruction.argsStart, state, out);
}

/**
 * Shell code the container runs (CMD, ENTRYPOINT, HEALTHCHECK: the shell form under sh, or the
 * script of an exec form's `sh -c`, behind tini or the like too, or a CMD that an ENTRYPOINT of
 * `sh -c` runs) with syntax Alpine's sh (ash) runs and Debian's (dash) does not: the image would
 * build and then fail at start, or take another branch (`[ "$MODE" == worker ]`). `ash -c` is
 * not among them: dfmod makes it bash.
 */
function commandBashism(instruction: Instruction, out: Sink): void {
  const command = containerCommand(instruction);
  if (!command) return;
  const { text, json } = command;
  const all = instruction.stage?.instructions ?? [];
  let code: string | undefined;
  if (!json) {
    const shell = all
      .slice(0, all.indexOf(instruction))
      .reverse()
      .find((i) => i.keyword === "SHELL");
    if (!shell || shellScript(shell.jsonArgs() ?? [], 0) !== undefined) code = text;
  } else {
    code = json.map((_, k) => shellScript(json, k)).find((c) => c !== undefined);
    const entrypoint = [...all]
      .reverse()
      .find((i) => i.keyword === "ENTRYPOINT")
      ?.jsonArgs();
    if (code === undefined && instruction.keyword === "CMD" && entrypoint && shellScript([...entrypoint, ""], 0) === "")
      code = json[0];
  }
  const bash = code === undefined ? undefined : bashism(code);
  if (bash)
    out.blockers.push({
      id: "command-bashism",
      severity: "action-needed",
      line: instruction.line,
      message: `this ${instruction.keyword} runs shell code with ${bash}, which Alpine's sh (ash) runs and Debian's sh (dash) does not: the image would fail at start or take another branch; write it in POSIX sh, or run it with bash`,
    });
}

/**
 * The script `words[at]` runs when it is sh with -c among its options (`sh -c`, `sh -ec`, `sh -e -c`):
 * the word after them; "" when none follows; undefined when it is no such sh.
 */
function shellScript(words: string[], at: number): string | undefined {
  if (!/^(?:\/usr)?(?:\/bin\/)?sh$/.test(words[at] ?? "")) return undefined;
  let k = at + 1;
  let c = false;
  for (; k < words.length && /^-[a-z]+$/.test(words[k]!); k++) c ||= words[k]!.includes("c");
  return c ? (words[k] ?? "") : undefined;
}

/** HEALTHCHECK [options] CMD ...: its command, exec form or shell form, as ENTRYPOINT's. */
function renameHealthcheck(instruction: Instruction, state: StageState, out: Sink): void {
  const cmd = healthcheckCmd(instruction);
  if (cmd) renameTokens(instruction, cmd.end, state, out);
}

/** The names RENAMES knows, longest first (`/sbin/su-exec` before `su-exec`). */
const RENAMED = Object.keys(RENAMES).sort((a, b) => b.length - a.length);
const RENAMED_TOKEN = new RegExp(`(?<=^|[\\s"'(;&|])(${RENAMED.map(escaped).join("|")})(?=$|[\\s"';&|)])`, "g");

/** The paths RENAMES knows, as an ENV value or a part of one (`CHROME_BIN=/usr/bin/chromium-browser`, a PATH list). */
const RENAMED_PATH = new RegExp(
  `(?<=[\\s"'=:])(${RENAMED.filter((k) => k.startsWith("/"))
    .map(escaped)
    .join("|")})(?=$|[\\s"':])`,
  "g",
);

/** An ENV value that names a path RENAMES knows (a browser's path for Selenium, tini's): Debian's path. */
function renameEnv(instruction: Instruction, state: StageState, out: Sink): void {
  const renamed = renameTokens(instruction, instruction.argsStart, state, out, RENAMED_PATH);
  // The guard holds the image's config to what the transform says it changes.
  for (const pair of envPairs(instruction))
    if ([...renamed].some((name) => pair.value.includes(name))) out.declares.push(`env ${pair.key}`);
}

/**
 * Renames what RENAMES knows wherever it stands as a word after `from`: an exec-form array's
 * strings, a shell-form command, the command after `exec`, or inside `sh -c "..."` (or what
 * `pattern` finds). Returns the names it renamed.
 */
function renameTokens(
  instruction: Instruction,
  from: number,
  state: StageState,
  out: Sink,
  pattern = RENAMED_TOKEN,
): Set<string> {
  const text = instruction.logical;
  const re = new RegExp(pattern.source, "g");
  re.lastIndex = from;
  const noted = new Set<string>();
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1]!;
    const to = renameFor(name, state);
    if (to === undefined) continue;
    out.edits.push(...replaceRange(instruction, m.index, m.index + name.length, to));
    if (noted.has(name)) continue;
    noted.add(name);
    out.notes.push({
      id: "command-renamed",
      severity: "info",
      line: instruction.line,
      message: `${name} -> ${to}: where Debian has it`,
    });
  }
  return noted;
}
