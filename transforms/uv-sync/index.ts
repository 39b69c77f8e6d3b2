/**
 * uv-sync: pip-interface uv (and the venv / pip scaffolding around it) -> the lockfile workflow,
 * `uv sync --frozen --no-dev --no-install-project`, with uv's cache in a BuildKit cache mount.
 */
import type { Edit } from "../../src/engine/edits";
import type { Instruction, Stage } from "../../src/engine/dockerfile";
import type { ChainItem, ShellCommand } from "../../src/engine/shell";
import type { NoteInput } from "../../src/engine/types";
import type { Context, Transform } from "../options";
import type { ConfigKey } from "../../src/engine/image";
import {
  packageName,
  parsePipInstall,
  PipInstall,
  resolvePath,
  venvActivation,
  venvCreation,
} from "../../src/engine/commands";
import { changePerStage, envPairs, stageStates } from "../../src/engine/stage";
import { meta } from "./meta";

export const UV_CACHE = "/root/.cache/uv";
const UV_IMAGE = "ghcr.io/astral-sh/uv";

/** uv pip install options that carry over to uv sync unchanged. */
const CARRIED = new Set(["--compile-bytecode", "--all-extras", "--extra", "-q", "--quiet", "-v", "--verbose"]);
/** uv pip install options that uv sync makes pointless. */
const DROPPED = new Set(["--system", "--break-system-packages"]);
/** Dropped when uv's cache lives in a cache mount; carried over (uv sync takes them) otherwise. */
const NO_CACHE = new Set(["--no-cache", "-n"]);

interface Conversion {
  instruction: Instruction;
  install: PipInstall;
  item: number | undefined;
  /** Installs the project itself (`.` / `-e .`), not only its dependencies. */
  project: boolean;
  editable: boolean;
  carried: string[];
}

export const uvSync: Transform = {
  id: "uv-sync",
  summary: "uv pip install + venv/pip scaffolding -> uv sync --frozen --no-dev --no-install-project with a cache mount",
  meta,
  apply: (ctx) => changePerStage(ctx, convertStage),
};

function itemIndex(items: ChainItem[], command: ShellCommand): number | undefined {
  const i = items.findIndex((item) => item.command === command);
  return i === -1 ? undefined : i;
}

/** The names a plain `pip install NAME...` installs (pip itself, not uv pip), or undefined for any other install. */
function pipPackageNames(install: PipInstall): (string | undefined)[] | undefined {
  if (install.tool !== "pip" || install.requirements.length || install.editables.length || install.dynamic) {
    return undefined;
  }
  return install.packages.map(packageName);
}

const PIP_ITSELF = new Set(["pip", "setuptools", "wheel"]);

function isUvSelfInstall(install: PipInstall): boolean {
  const names = pipPackageNames(install);
  return !!names && names.includes("uv") && names.every((n) => n === "uv" || PIP_ITSELF.has(n!));
}

function isPipUpgrade(install: PipInstall): boolean {
  const names = pipPackageNames(install);
  return !!names && names.length > 0 && names.every((n) => n !== undefined && PIP_ITSELF.has(n));
}

function convertStage(ctx: Context, stage: Stage, edits: Edit[], notes: NoteInput[], declares: ConfigKey[]): void {
  const { options } = ctx;
  const conversions: Conversion[] = [];
  const hasUvCopy = stage.instructions.some(
    (i) => i.keyword === "COPY" && (i.flag("from")?.value ?? "").startsWith(UV_IMAGE),
  );
  let uvCopyAdded = hasUvCopy;
  const removals = new Map<Instruction, Set<number>>();
  const remove = (instruction: Instruction, item: number): void => {
    const set = removals.get(instruction) ?? new Set<number>();
    set.add(item);
    removals.set(instruction, set);
  };
  const replacements = new Map<Instruction, Map<number, string>>();

  // 1. `pip install uv` -> COPY --from the uv image (independent of the lockfile), when the stage
  // calls uv by its name: the image puts it in /bin, not where pip put it.
  const locked = !ctx.context || ["pyproject.toml", "uv.lock"].every((f) => ctx.context!.exists(f));
  const uvByPath = uvCalledByPath(stage, ctx.options.cacheMounts, locked);
  for (const instruction of stage.instructions) {
    const script = instruction.shell();
    if (!script || script.hasError) continue;
    for (const command of script.commands) {
      const install = parsePipInstall(command);
      if (!install || !isUvSelfInstall(install)) continue;
      if (
        uvByPath ||
        install.options.some((o) => o.name === "--user" || o.name === "--target" || o.name === "--prefix")
      ) {
        notes.push({
          id: "pip-install-uv-left",
          severity: "info",
          line: instruction.line,
          message: `\`pip install uv\` left as it is: ${uvByPath ? `the stage runs \`${uvByPath}\`, which the uv image would not provide` : "it installs uv somewhere of its own"}`,
        });
        continue;
      }
      const item = itemIndex(script.items, command);
      if (item === undefined) {
        notes.push({
          id: "pip-install-uv-compound",
          severity: "warning",
          line: instruction.line,
          message: "`pip install uv` inside a compound command is left as it is",
        });
        continue;
      }
      const spec = install.packages.find((p) => packageName(p) === "uv") ?? "uv";
      const pinned = /==\s*([0-9][0-9A-Za-z.]*)$/.exec(spec)?.[1];
      const version = pinned ?? options.uvVersion;
      if (!instruction.editChain(script, new Set([item]))) {
        notes.push({
          id: "pip-install-uv-compound",
          severity: "warning",
          line: instruction.line,
          message: "`pip install uv` joined with `||` or a pipe is left as it is",
        });
        continue;
      }
      remove(instruction, item);
      if (!uvCopyAdded) {
        edits.push(ctx.dockerfile.insertAfter(stage.from, [`COPY --from=${UV_IMAGE}:${version} /uv /uvx /bin/`]));
        uvCopyAdded = true;
      }
      notes.push({
        id: "uv-binary-copy",
        severity: "info",
        line: instruction.line,
        message: `\`pip install uv\` -> COPY --from=${UV_IMAGE}:${version}: the static uv binary, no pip install into the image's Python`,
      });
    }
  }

  // 2. Find the uv pip installs that can become uv sync.
  for (const instruction of stage.instructions) {
    if (
      instruction.heredoc &&
      /\buv\s+pip\s+install\b/.test(ctx.dockerfile.text.slice(instruction.start, instruction.end))
    ) {
      notes.push({
        id: "heredoc-not-rewritten",
        severity: "warning",
        line: instruction.line,
        message: "`uv pip install` in a heredoc RUN is left as it is: dfmod does not rewrite heredoc bodies yet",
      });
    }
    const script = instruction.shell();
    if (!script || script.hasError) continue;
    for (const command of script.commands) {
      const install = parsePipInstall(command);
      if (!install || install.tool !== "uv") continue;
      const conversion = classify(instruction, install, script.items, notes, options.cacheMounts);
      if (conversion) conversions.push(conversion);
    }
  }
  if (conversions.length > 0) convertInstalls(ctx, stage, conversions, remove, replacements, edits, notes, declares);

  // Removals and replacements, RUN by RUN.
  for (const instruction of new Set([...removals.keys(), ...replacements.keys()])) {
    const script = instruction.shell()!;
    const chain = instruction.editChain(script, removals.get(instruction) ?? new Set(), replacements.get(instruction));
    if (!chain) {
      notes.push({
        id: "venv-setup-compound",
        severity: "warning",
        line: instruction.line,
        message: "venv/pip set-up joined with `||` or a pipe is left as it is",
      });
      const only = replacements.get(instruction);
      const fallback = only && instruction.editChain(script, new Set(), only);
      if (fallback) edits.push(...fallback);
      continue;
    }
    edits.push(...chain);
  }
}

function convertInstalls(
  ctx: Context,
  stage: Stage,
  conversions: Conversion[],
  remove: (instruction: Instruction, item: number) => void,
  replacements: Map<Instruction, Map<number, string>>,
  edits: Edit[],
  notes: NoteInput[],
  declares: ConfigKey[],
): void {
  const { options } = ctx;
  const states = stageStates(stage);

  // 3. uv sync needs pyproject.toml and uv.lock in the build context.
  if (ctx.context) {
    const missing = ["pyproject.toml", "uv.lock"].filter((f) => !ctx.context!.exists(f));
    if (missing.length > 0) {
      for (const c of conversions) {
        notes.push({
          id: "uv-project-missing",
          severity: "action-needed",
          line: c.instruction.line,
          message: missing.includes("pyproject.toml")
            ? "no pyproject.toml in the build context: `uv sync` needs a project. Run `uv init` and `uv add -r requirements.txt`, then `uv lock`, and run dfmod again"
            : "no uv.lock in the build context: `uv sync --frozen` needs the lockfile. Run `uv lock`, commit uv.lock, and run dfmod again",
        });
      }
      return;
    }
  } else {
    notes.push({
      id: "no-build-context",
      severity: "info",
      line: conversions[0]!.instruction.line,
      message:
        "no build context (stdin): assumed that pyproject.toml and uv.lock are in the context; if not, run `uv lock` first",
    });
  }

  // 4. Where does the environment live?
  const first = conversions[0]!;
  const workdir = states.get(first.instruction)!.workdir;
  const projectEnv = resolvePath(workdir, ".venv");
  let venv: string | undefined;
  const removed = new Map<Instruction, Set<number>>();
  for (const instruction of stage.instructions) {
    const script = instruction.shell();
    if (!script || script.hasError) continue;
    const at = states.get(instruction)!.workdir;
    for (const command of script.commands) {
      const created = venvCreation(command);
      const activated = venvActivation(command);
      const install = parsePipInstall(command);
      const scaffolding = created !== undefined || activated !== undefined || (install && isPipUpgrade(install));
      if (!scaffolding) continue;
      const item = itemIndex(script.items, command);
      if (item === undefined) continue;
      if (created !== undefined) venv ??= resolvePath(at, created);
      remove(instruction, item);
      removed.set(instruction, (removed.get(instruction) ?? new Set<number>()).add(item));
      notes.push({
        id: "venv-setup-removed",
        severity: "info",
        line: instruction.line,
        message: `removed \`${command.words.map((w) => w.raw).join(" ")}\`: uv sync makes and fills the virtual environment itself`,
      });
    }
  }
  const env = venv ?? projectEnv;
  const envLine = venv && venv !== projectEnv ? `ENV UV_PROJECT_ENVIRONMENT=${venv}` : undefined;
  const hasEnvSetting = stage.instructions.some(
    (i) => i.keyword === "ENV" && envPairs(i).some((p) => p.key === "UV_PROJECT_ENVIRONMENT"),
  );

  // 5. The installs themselves.
  const check = options.uvCheck === "locked" ? "--locked" : "--frozen";
  for (const c of conversions) {
    const carried = c.carried.length ? " " + c.carried.join(" ") : "";
    const deps = `uv sync ${check} --no-dev --no-install-project${carried}`;
    const project = `uv sync ${check} --no-dev${c.editable ? "" : " --no-editable"}${carried}`;
    const user = states.get(c.instruction)!.user;
    const mount = cacheMount(c.instruction, options.cacheMounts && !user);
    if (options.cacheMounts && user) {
      notes.push({
        id: "no-uv-cache-mount",
        severity: "info",
        line: c.instruction.line,
        message: `no uv cache mount: the install runs as ${user}, whose cache folder is not ${UV_CACHE}`,
      });
    }
    if (envLine && !hasEnvSetting && c === first) {
      edits.push(ctx.dockerfile.insertBefore(c.instruction, [envLine]));
      declares.push("env UV_PROJECT_ENVIRONMENT");
      notes.push({
        id: "uv-project-environment",
        severity: "info",
        line: c.instruction.line,
        message: `added ${envLine}: uv sync fills the virtual environment the image already used, not ${projectEnv}`,
      });
    }
    const before = removed.get(c.instruction) ?? new Set<number>();
    const item = c.item;
    const splitAway = c.project && item !== undefined && [...Array(item).keys()].every((i) => before.has(i));
    let text: string;
    if (splitAway) {
      const flags = c.instruction.logical.slice(c.instruction.keywordText.length, c.instruction.argsStart).trim();
      const runFlags = [flags, mount.trim()].filter(Boolean).join(" ");
      edits.push(ctx.dockerfile.insertBefore(c.instruction, [`RUN ${runFlags ? runFlags + " " : ""}${deps}`]));
      text = project;
    } else {
      text = c.project ? `${deps} && ${project}` : deps;
    }
    if (mount) edits.push(...c.instruction.replace(c.instruction.argsStart, c.instruction.argsStart, mount));
    if (c.item !== undefined) {
      const map = replacements.get(c.instruction) ?? new Map<number, string>();
      map.set(c.item, text);
      replacements.set(c.instruction, map);
    } else {
      edits.push(...c.instruction.replace(c.install.command.start, c.install.command.end, text));
    }
    notes.push({
      id: "uv-sync",
      severity: "info",
      line: c.instruction.line,
      message: c.project
        ? "`uv pip install .` -> uv sync from uv.lock: dependencies first (--no-install-project), then the project itself"
        : "`uv pip install -r pyproject.toml` -> `uv sync`: installs exactly what uv.lock pins, into the project's virtual environment",
    });
  }

  // 7. ENV: UV_NO_CACHE is pointless with a cache mount; PATH must reach the environment.
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== "ENV") continue;
    const pairs = envPairs(instruction);
    for (const pair of pairs) {
      if (pair.key === "UV_NO_CACHE" && options.cacheMounts) {
        if (pairs.length === 1) edits.push(ctx.dockerfile.remove(instruction));
        else edits.push(...instruction.replace(pair.start, trailingSpace(instruction, pair.end), ""));
        declares.push("env UV_NO_CACHE");
        notes.push({
          id: "uv-no-cache-removed",
          severity: "info",
          line: instruction.line,
          message: "removed UV_NO_CACHE: uv's cache lives in a cache mount, not in the image",
        });
      }
      if (pair.key === "UV_SYSTEM_PYTHON") {
        notes.push({
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
  if (!hasPath) {
    const last = conversions[conversions.length - 1]!.instruction;
    edits.push(ctx.dockerfile.insertAfter(last, [`ENV PATH="${env}/bin:$PATH"`]));
    declares.push("env PATH");
    notes.push({
      id: "venv-path-added",
      severity: "info",
      line: last.line,
      message: `added ENV PATH="${env}/bin:$PATH": python and the installed tools now live in the virtual environment`,
    });
  }
}

/** How the stage calls uv other than by its name (`/usr/local/bin/uv`, `python -m uv`), if it does. */
function uvCalledByPath(stage: Stage, cacheMounts: boolean, locked: boolean): string | undefined {
  for (const instruction of stage.instructions) {
    const script = instruction.shell();
    const commands = script?.commands ?? [];
    for (const command of commands) {
      const t = command.words.map((w) => w.text ?? w.raw);
      // A `uv pip install` that becomes `uv sync` calls uv by its name from then on.
      const install = parsePipInstall(command);
      if (locked && install?.tool === "uv" && classify(instruction, install, script!.items, [], cacheMounts)) continue;
      if (/\/uvx?$/.test(t[0] ?? "") && !/^\/bin\/uvx?$/.test(t[0]!)) return t[0];
      if (/^(?:.*\/)?python[\d.]*$/.test(t[0] ?? "") && t[1] === "-m" && t[2] === "uv") return `${t[0]} -m uv`;
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

function classify(
  instruction: Instruction,
  install: PipInstall,
  items: ChainItem[],
  notes: NoteInput[],
  cacheMounts: boolean,
): Conversion | undefined {
  const leave = (why: string): undefined => {
    notes.push({
      id: "uv-pip-left",
      severity: "info",
      line: instruction.line,
      message: `\`uv pip install\` left as it is: ${why}`,
    });
    return undefined;
  };
  if (install.dynamic) return leave("it uses shell expansions");
  const pyproject = install.requirements.filter((r) => /(^|\/)pyproject\.toml$/.test(r));
  const others = install.requirements.filter((r) => !/(^|\/)pyproject\.toml$/.test(r));
  const projectPaths = [...install.packages, ...install.editables];
  const isProjectPath = (p: string): boolean => p === "." || p === "./";
  if (others.length > 0) {
    return leave(
      `it installs from ${others.join(", ")}, not from pyproject.toml; to use the lockfile, run \`uv add -r ${others[0]}\` and \`uv lock\`, then install with \`uv sync\``,
    );
  }
  if (install.constraints.length > 0) return leave("it uses constraint files, which uv sync does not take");
  if (projectPaths.some((p) => !isProjectPath(p))) return leave("it installs packages by name or from other paths");
  // uv sync works on the project of the folder it runs in: a pyproject.toml elsewhere is another project.
  const elsewhere = pyproject.find((r) => r !== "pyproject.toml" && r !== "./pyproject.toml");
  if (elsewhere)
    return leave(
      `it installs from ${elsewhere}, not the working directory's pyproject.toml; uv sync installs the project of the folder it runs in`,
    );
  if (pyproject.length === 0 && projectPaths.length === 0) return undefined;
  const carried: string[] = [];
  for (const option of install.options) {
    if (["-r", "--requirement", "-e", "--editable"].includes(option.name)) continue;
    if (DROPPED.has(option.name) || (cacheMounts && NO_CACHE.has(option.name))) continue;
    if (CARRIED.has(option.name) || NO_CACHE.has(option.name)) {
      carried.push(option.words.map((w) => w.raw).join(" "));
      continue;
    }
    return leave(`\`${option.name}\` has no uv sync counterpart that dfmod knows`);
  }
  const project = projectPaths.length > 0;
  return {
    instruction,
    install,
    item: itemIndex(items, install.command),
    project,
    editable: install.editables.length > 0,
    carried,
  };
}
