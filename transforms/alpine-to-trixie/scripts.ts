/**
 * Scripts from the build context that an image runs (an ENTRYPOINT script, `RUN ./install.sh`,
 * `sh /app/start.sh`): where the stage's COPY / ADD put them, and what in them needs Alpine
 * (`#!/bin/ash`, su-exec, apk, /sbin/tini, crond, BusyBox adduser / addgroup options).
 */
import * as path from "node:path";
import type { BuildContext } from "../../src/engine/context";
import { memo, type Instruction, type Stage } from "../../src/engine/dockerfile";
import { resolvePath } from "../../src/engine/commands";
import { envValue, stageStates } from "../../src/engine/stage";
import { baseName, runsOf, unwrap } from "./commands-run";
import { BUSYBOX_TOOLS } from "./tools";

export interface Finding {
  /** Context-relative path of the script. */
  file: string;
  line: number;
  what: string;
  /** The instruction that runs the script. */
  instruction: Instruction;
}

const SHELLS = new Set(["sh", "ash", "bash", "dash"]);
/** Where a command named without a folder is looked for (the PATH of Debian and Alpine images). */
const PATH_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/**
 * The file a process manager runs its programs from, which the image's commands run like a
 * script's: supervisord's config (`-c`, else Alpine's /etc/supervisord.conf), honcho's Procfile
 * (`-f`, else Procfile in the working folder) and uWSGI's ini (`--ini`: the user it runs as).
 * undefined for other commands.
 */
function processManagerConfig(words: (string | undefined)[]): string | undefined {
  const name = baseName(words[0] ?? "");
  if (name !== "supervisord" && name !== "honcho" && name !== "uwsgi") return undefined;
  const flags =
    name === "supervisord" ? ["-c", "--configuration"] : name === "uwsgi" ? ["--ini"] : ["-f", "--procfile"];
  // uWSGI's ini may name a section (`app.ini:prod`), or come as its only argument.
  const file = (w: string): string => (name === "uwsgi" ? w.replace(/:[\w-]+$/, "") : w);
  for (let k = 1; k < words.length; k++) {
    const w = words[k] ?? "";
    if (flags.includes(w)) return file(words[k + 1] ?? "");
    const joined = flags.find((f) => f.startsWith("--") && w.startsWith(`${f}=`));
    if (joined) return file(w.slice(joined.length + 1));
  }
  if (name === "uwsgi") return file(words.slice(1).find((w) => w !== undefined && /\.ini(?::[\w-]+)?$/.test(w)) ?? "");
  return name === "supervisord" ? "/etc/supervisord.conf" : words[1] === "start" ? "Procfile" : "";
}

/** Paths in the image that the stage runs as scripts, with the instruction that runs each. */
function executedPaths(stage: Stage): { path: string; instruction: Instruction }[] {
  const states = stageStates(stage);
  const out: { path: string; instruction: Instruction }[] = [];
  let copied: string | undefined;
  // What the stage's COPY and ADD name, read once when a RUN needs it.
  const copiedText = (): string =>
    (copied ??= stage.instructions
      .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
      .map((i) => i.args)
      .join("\n"));
  // Only commands named by a path, run by a shell or named as a file a COPY copies (`RUN setup.sh`,
  // on PATH) can be scripts of the context.
  const candidates = stage.instructions.filter(
    (i) =>
      i.keyword !== "RUN" ||
      i.isJson ||
      i.shell()?.commands.some((c) => {
        const name = c.words[0]?.text ?? "";
        return (
          /^(?:\.{0,2}\/|(?:\/\S*\/)?(?:sh|ash|bash|dash|tini|dumb-init|gosu|su-exec|env)$)/.test(name) ||
          (/^[\w.-]+$/.test(name) && copiedText().includes(name))
        );
      }),
  );
  for (const run of candidates.flatMap(runsOf)) {
    const words = unwrap(run.words);
    const name = words[0];
    if (name === undefined) continue;
    let target: string | undefined;
    const manager = processManagerConfig(words);
    if (manager !== undefined) target = manager;
    else if (SHELLS.has(baseName(name))) {
      // `sh -c "..."`: the commands inside are runs of their own.
      if (words[1] === "-c") continue;
      target = words.slice(1).find((w) => w !== undefined && !w.startsWith("-"));
    } else target = name;
    if (!target || target.includes("$")) continue;
    // A shell opens a script given by a bare name in the working folder (`sh start.sh`); a command
    // by a bare name is looked up on PATH.
    const workdir = states.get(run.instruction)!.workdir;
    const candidates = target.includes("/")
      ? [resolvePath(workdir, target)]
      : [...(target === name ? [] : [resolvePath(workdir, target)]), ...PATH_DIRS.map((dir) => `${dir}/${target}`)];
    for (const candidate of candidates) out.push({ path: candidate, instruction: run.instruction });
  }
  return out;
}

export interface Copy {
  instruction: Instruction;
  sources: string[];
  dest: string;
  intoFolder: boolean;
}

/** The stage's copies from the build context, the last first. */
export function contextCopies(stage: Stage): Copy[] {
  const states = stageStates(stage);
  return stage.instructions
    .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !i.flag("from") && !i.heredoc)
    .reverse()
    .map((copy) => {
      const sources = copy.copySources();
      const written = copy.copyDestination();
      const dest = resolvePath(states.get(copy)!.workdir, written);
      return { instruction: copy, sources, dest, intoFolder: written.endsWith("/") || sources.length > 1 };
    });
}

/** A COPY source as a context path (`./app/` -> `app`), or undefined for a pattern, a URL or a variable. */
function contextSource(source: string): string | undefined {
  if (/[*?[]|^https?:|\$/.test(source)) return undefined;
  return path.posix.normalize(source.replace(/^\.\//, "")).replace(/\/$/, "");
}

/**
 * The image paths of the files a copy puts at or near the image folders `roots`: a file it copies,
 * or the files of a context folder it copies (`COPY root/ /`), read a few levels deep into the
 * folders that lead to or lie in a root.
 */
export function filesCopiedNear(copy: Copy, context: BuildContext, roots: string[]): string[] {
  const out: string[] = [];
  const near = (p: string): boolean => roots.some((r) => r === p || r.startsWith(`${p}/`) || p.startsWith(`${r}/`));
  const walk = (rel: string, into: string, depth: number): void => {
    for (const name of context.files(rel)) out.push(`${into}/${name}`);
    if (depth === 0) return;
    for (const name of context.folders(rel)) {
      const sub = `${into}/${name}`;
      if (near(sub)) walk(rel === "." ? name : `${rel}/${name}`, sub, depth - 1);
    }
  };
  for (const source of copy.sources) {
    const src = contextSource(source);
    if (src === undefined) continue;
    if (src === "." || context.isDirectory(src)) {
      const into = copy.dest.replace(/\/$/, "");
      if (near(into)) walk(src, into, 6);
    } else out.push(copy.intoFolder ? path.posix.join(copy.dest, path.posix.basename(src)) : copy.dest);
  }
  return out;
}

/**
 * The context path a COPY / ADD of the stage put at `target`, if one did (the last one wins): a file,
 * or with `kind` "folder" a folder (`COPY wheels /wheels` puts the context's wheels/ at /wheels).
 */
export function contextPathAt(
  copies: Copy[],
  target: string,
  context: BuildContext,
  kind: "file" | "folder" = "file",
): string | undefined {
  const there = (rel: string): boolean => (kind === "file" ? context.exists(rel) : context.isDirectory(rel));
  for (const { sources, dest, intoFolder } of copies) {
    for (const source of sources) {
      const src = contextSource(source);
      if (src === undefined) continue;
      const folder = src === "." || context.isDirectory(src);
      if (folder) {
        const inside = target === dest ? kind === "folder" : target.startsWith(dest === "/" ? "/" : dest + "/");
        if (!inside) continue;
        const rel = path.posix.join(src, path.posix.relative(dest, target));
        if (there(rel)) return rel;
      } else if (kind === "file" && (intoFolder ? path.posix.join(dest, path.posix.basename(src)) : dest) === target) {
        return context.exists(src) ? src : undefined;
      }
    }
  }
  return undefined;
}

/** Why crond stops a migration (a script's finding, and the Dockerfile's own note). */
export const CROND =
  "crond, the cron daemon of BusyBox or dcron: Debian's cron runs as `cron`, takes other options and reads /etc/crontab, /etc/cron.d and /var/spool/cron/crontabs, not /etc/crontabs";

const BUSYBOX_USER = /^\s*(?:.*[;&|]\s*)?(adduser|addgroup)\s+(?:-[A-Za-z]*[SDHGhgsuk]\b)/;
/** A BusyBox tool where a command starts (line start, after ; && || | ( ` ! or a shell keyword). */
const TOOL = new RegExp(
  `(?:^|[;&|(\`!]|\\b(?:then|do|else|if|while|until|exec)\\s)\\s*(${Object.keys(BUSYBOX_TOOLS).join("|")})(?=\\s|$|;)`,
  "g",
);

/** The BusyBox tools a script runs (their Debian packages). */
export function toolsIn(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const code = raw.replace(/(^|\s)#.*$/, "");
    for (const m of code.matchAll(TOOL)) out.add(BUSYBOX_TOOLS[m[1]!]!);
  }
  return [...out];
}

/** Where a command starts: the code's start, after an operator, a brace, `then`, `do`... (not an argument: `dbt source freshness`). */
const AT_COMMAND = String.raw`(?:^|[;&|({\n\x60]|\b(?:then|do|else|elif|if|while|until)\s|!\s)\s*`;

/** A pattern for a command by name where a command starts (`git`: `$(git rev-parse HEAD)`, `/usr/bin/git log`). */
export const commandAt = (name: string): RegExp => new RegExp(String.raw`${AT_COMMAND}(?:\S*/)?${name}(?=\s|$)`, "m");
const FUNCTION = new RegExp(String.raw`${AT_COMMAND}function\s+[\w-]+`);
const SOURCE = new RegExp(String.raw`${AT_COMMAND}source\s`);
const LET = new RegExp(String.raw`${AT_COMMAND}let\s+\w`);
/** `trap ... SIGTERM` (or `sigterm`): dash takes signal names without SIG ("bad trap"), and `trap` fails. */
const TRAP_SIG = new RegExp(
  String.raw`${AT_COMMAND}trap\s+(?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"]+)((?:\s+[^\s;&|]+)+)`,
  "g",
);
/** `kill -SIGQUIT`, `kill -s sigterm`: dash's kill takes no SIG prefix, in either case. */
const KILL_SIG = /(?:^|[\s;&|(!`'"])kill\s+(?:-s\s+)?-?sig[a-z]/i;
/** `read -t 5`, `read -s`, `read -a`, `read -n 1`: dash's read has -p and -r only. */
const READ_OPTION = new RegExp(
  String.raw`${AT_COMMAND}read\s+(?:-[rp]+\s+(?:"[^"]*"\s+|'[^']*'\s+)?)*-[rp]*[tsnadeiuN]`,
);

/**
 * Shell syntax that Alpine's sh (BusyBox ash) runs and Debian's sh (dash) does not: `[[ ]]`, `==`
 * in `[ ]`, `${var//a/b}` and `${var:1:2}`, `function name`, `&>`, `echo -e`, `let`, `$((n++))`,
 * `trap ... SIGTERM`, `kill -SIGQUIT`, `read -t`, `$'...'`; `source` too unless `withSource` is
 * false. What it is, or undefined. Text in quotes counts too: a false alarm leaves
 * a file as it was, a miss breaks it.
 */
export function bashism(code: string, withSource = true): string | undefined {
  if (/(?:^|[\s;&|(!])\[\[\s/.test(code)) return "`[[ ]]`";
  if (/(?:^|[\s;&|(!])\[\s(?:[^\]\n]*\s)?==\s/.test(code)) return "`==` in `[ ]`";
  // `${var:-5}` is POSIX (a default); `${var:5}` and `${var: -5}` are substrings.
  if (/\$\{#?[A-Za-z_]\w*(?:\/|:\d|:\s+-?\d|\^|,)/.test(code)) return "`${var/...}` or `${var:offset}`";
  if (FUNCTION.test(code)) return "`function name`";
  if (/[^&>]&>/.test(code)) return "`&>`";
  // dash's echo has no -e (it prints it) and always reads backslash escapes.
  if (/(?:^|[\s;&|(!`])echo\s+-[nE]*e[nE]*(?=\s|$)/.test(code)) return "`echo -e`";
  if (withSource && SOURCE.test(code)) return "`source`";
  if (code.includes("let") && LET.test(code)) return "`let`";
  // An arithmetic error ends dash: `$((n++))`, `$((2**8))`.
  if (code.includes("$((") && /\$\(\([^)]*(?:\+\+|--|\*\*)/.test(code)) return "`++`, `--` or `**` in `$(( ))`";
  // The signals after trap's action (not a SIG in its quoted action), in either case: dash refuses
  // `SIGTERM` and `sigterm` alike.
  if (code.includes("SIG") || code.includes("sig") || code.includes("Sig")) {
    for (const m of code.matchAll(TRAP_SIG))
      if (/(?:^|\s)sig[a-z]+\d*(?=\s|$)/i.test(m[1]!)) return "a `SIG` signal name in `trap`";
    if (KILL_SIG.test(code)) return "a `SIG` signal name in `kill`";
  }
  if (code.includes("read") && READ_OPTION.test(code)) return "`read` options other than -r and -p";
  // ANSI-C quoting (`$'\t'`), not a `$` that ends a quoted pattern (`grep '^x$'`).
  if (code.includes("$'") && /(?:^|[\s=(])\$'/.test(code)) return "`$'...'`";
  return undefined;
}

/**
 * What in a script's text needs Alpine, line by line. `shell`: the #! line of the shell of the
 * script that runs it: when `sourced` (`. /app/functions.sh`) that shell runs it whatever its own #!
 * line says; otherwise it does when the script has no #! line of its own.
 */
export function alpineIsms(text: string, shell?: { line: string; sourced: boolean }): { line: number; what: string }[] {
  const out: { line: number; what: string }[] = [];
  // A script run by sh: on Debian that is dash, which lacks ash's bash extensions.
  const runBy = shell && (shell.sourced || !text.startsWith("#!")) ? shell.line : text;
  const bySh = /^#!\s*(?:\S*\/)?(?:(?:env|with-contenv)\s+(?:\S*\/)?)?sh(?:\s|$)/.test(runBy);
  const lines = text.split(/\r?\n/);
  // Shell syntax is read by logical line: `trap '...' \` + `SIGTERM` on the next.
  const logical = (i: number): string => {
    let code = lines[i]!;
    for (let k = i; /\\$/.test(lines[k] ?? "") && k + 1 < lines.length; k++)
      code = code.slice(0, -1) + " " + lines[k + 1];
    return code;
  };
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (i === 0 && /^#!.*[/\s]ash(?:\s|$)/.test(raw)) {
      out.push({ line, what: "its #! line runs ash, which Debian does not have (use /bin/sh or /bin/bash)" });
    }
    const code = raw.replace(/(^|\s)#.*$/, "");
    const continued = i > 0 && /\\$/.test(lines[i - 1]!);
    const bash = bySh && i > 0 && !continued ? bashism(logical(i).replace(/(^|\s)#.*$/, "")) : undefined;
    if (bash)
      out.push({
        line,
        what: `${bash}, which Alpine's sh (ash) runs and Debian's sh (dash) does not (make its #! line /bin/bash)`,
      });
    if (/(^|[\s;&|(`=])su-exec(\s|$)/.test(code)) out.push({ line, what: "su-exec (on Debian: gosu)" });
    if (i > 0 && /(?:^|[\s="'`])\/bin\/ash(?=$|[\s"';])/.test(code))
      out.push({ line, what: "/bin/ash, which Debian does not have (use /bin/sh or /bin/bash)" });
    // supervisord's `user=nginx`, uWSGI's `uid = nginx`.
    if (/^\s*(?:user|uid|gid)\s*=\s*nginx\s*$/.test(code))
      out.push({
        line,
        what: "user nginx, which Alpine's nginx package makes and Debian's does not (its nginx runs as www-data)",
      });
    if (/(^|[\s;&|(`])apk\s+(?:-\S+\s+)*[a-z]+\b/.test(code)) out.push({ line, what: "apk (on Debian: apt-get)" });
    if (/\/sbin\/tini\b/.test(code)) out.push({ line, what: "/sbin/tini (on Debian: /usr/bin/tini)" });
    if (/(?:^|[\s;&|(`"'/])sshd(?=$|[\s;&|)"'])/.test(code))
      out.push({ line, what: "sshd (Alpine's openssh has it; on Debian it is openssh-server, which needs /run/sshd)" });
    if (/(?:^|[\s;&|(`"'/])chromium-browser(?=$|[\s;&|)"'])/.test(code))
      out.push({ line, what: "chromium-browser (on Debian: chromium)" });
    if (/(^|[\s;&|(`/])crond(\s|$)/.test(code)) out.push({ line, what: CROND });
    const openrc = /(?:^|[\s;&|(`/])(rc-service|rc-update|rc-status|openrc)(?=\s|$|;)/.exec(code);
    if (openrc)
      out.push({
        line,
        what: `${openrc[1]}, OpenRC's, which Debian images do not have (start the service's program directly)`,
      });
    const user = BUSYBOX_USER.exec(code);
    if (user) out.push({ line, what: `BusyBox \`${user[1]}\` options (on Debian: useradd / groupadd)` });
  });
  return out;
}

/**
 * The context scripts a stage runs: the Alpine-isms in them, and the BusyBox tools they run (which
 * the stage must install on Debian).
 */
export function contextScripts(
  stage: Stage,
  context: BuildContext | undefined,
): { findings: Finding[]; tools: { pkg: string; instruction: Instruction }[] } {
  const findings: Finding[] = [];
  const tools: { pkg: string; instruction: Instruction }[] = [];
  for (const { file, text, instruction, shell, skipped } of scriptsRun(stage, context)) {
    if (skipped) findings.push({ file, line: 1, what: skipped, instruction });
    for (const f of alpineIsms(text, shell)) findings.push({ file, ...f, instruction });
    for (const pkg of toolsIn(text)) tools.push({ pkg, instruction });
  }
  return { findings, tools };
}

/** A script of the build context that the stage runs, and the instruction that runs it. */
export interface ScriptRun {
  file: string;
  text: string;
  instruction: Instruction;
  /** The #! line of the shell that runs it when not its own (see alpineIsms). */
  shell?: { line: string; sourced: boolean };
  /** Why Debian would not run it where Alpine does (run-parts' names). */
  skipped?: string;
}

/** Debian's run-parts runs only names of letters, digits, `_` and `-` (no `10-migrate.sh`); BusyBox's runs any. */
const RUN_PARTS_NAME = /^[A-Za-z0-9_-]+$/;
const RUN_PARTS_SKIPS =
  "Debian's run-parts skips a file whose name has a dot or another character outside A-Z, a-z, 0-9, _ and - (Alpine's BusyBox run-parts runs it): rename it, or give run-parts --regex";

/** The build context's scripts that the stage runs (each once), with their text and the instruction that runs each. */
export function scriptsRun(stage: Stage, context: BuildContext | undefined): ScriptRun[] {
  // Once per parse: a parse belongs to one build context.
  return context ? memo(stage, "scriptsRun", () => uncachedScriptsRun(stage, context)) : [];
}

function uncachedScriptsRun(stage: Stage, context: BuildContext): ScriptRun[] {
  const out: ScriptRun[] = [];
  const seen = new Set<string>();
  const runs: { path: string; instruction: Instruction; shell?: ScriptRun["shell"]; skipped?: string }[] = [
    ...executedPaths(stage),
    ...serviceScripts(stage, context),
  ];
  const copies = runs.length > 0 ? contextCopies(stage) : [];
  const states = stageStates(stage);
  // The scripts those scripts run or source in turn (`exec /app/scripts/drop.sh "$@"`), as deep as they go.
  for (let k = 0; k < runs.length; k++) {
    const { path: target, instruction, shell, skipped } = runs[k]!;
    const file = contextPathAt(copies, target, context);
    if (!file || seen.has(file)) continue;
    seen.add(file);
    const text = context.read(file);
    if (text === undefined) continue;
    out.push({ file, text, instruction, ...(shell ? { shell } : {}), ...(skipped ? { skipped } : {}) });
    // The shell that runs this script: its own #! line, unless it is sourced (then its sourcer's).
    const own =
      shell && (shell.sourced || !text.startsWith("#!"))
        ? shell.line
        : text.startsWith("#!")
          ? text.slice(0, text.search(/\r?\n|$/))
          : undefined;
    // Paths given through the stage's ENV (`. "$APP_HOME/functions.sh"`) or the script's own folder
    // (`. "$(dirname "$0")/lib.sh"`): with the values the image has.
    const expanded = !text.includes("$")
      ? text
      : text
          .replace(/\$\(dirname\s+"?\$0"?\)/g, path.posix.dirname(target))
          .replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a?: string, b?: string) => {
            const value = envValue(stage, (a ?? b)!, instruction);
            return value !== undefined && /^\/[\w./-]*$/.test(value) ? value : m;
          });
    for (const next of pathsRunBy(expanded)) {
      const at = resolvePath(states.get(instruction)!.workdir, next.path);
      const inherited = own === undefined ? {} : { shell: { line: own, sourced: next.sourced } };
      // A folder of hooks the script runs (`for f in /docker-entrypoint.d/*.sh`, `run-parts`): the
      // files a COPY put there, run (or sourced) by the script's shell when they have no #! line.
      if (next.glob !== undefined) {
        const hooks = contextPathAt(copies, at, context, "folder");
        for (const name of hooks === undefined ? [] : context.files(hooks)) {
          if (!name.endsWith(next.glob)) continue;
          const skip = next.runParts && !RUN_PARTS_NAME.test(name) ? { skipped: RUN_PARTS_SKIPS } : {};
          runs.push({ path: `${at}/${name}`, instruction, ...inherited, ...skip });
        }
        continue;
      }
      runs.push({ path: at, instruction, ...inherited });
    }
  }
  return out;
}

/** Process supervisors that run service scripts from folders: s6-overlay's /init, s6, runit. */
const SERVICE_MANAGERS = new Set(["s6-svscan", "runsvdir", "runsv", "s6-supervise"]);
/** The folders they run scripts from (the image's paths). */
const SERVICE_ROOTS = [
  "/etc/services.d",
  "/etc/cont-init.d",
  "/etc/cont-finish.d",
  "/etc/s6-overlay",
  "/etc/s6",
  "/etc/service",
  "/etc/sv",
];
/** A service script in them: a longrun's run and finish, an init script, s6-overlay v3's scripts. */
const SERVICE_SCRIPT =
  /^\/etc\/(?:(?:services\.d|s6-overlay\/s6-rc\.d|s6|service|sv)\/[^/]+\/(?:run|finish)|cont-(?:init|finish)\.d\/[^/]+|s6-overlay\/scripts\/[^/]+)$/;

/**
 * The service scripts an image whose ENTRYPOINT or CMD starts a process supervisor (s6-overlay's
 * /init, s6-svscan, runsvdir) runs: files the stage copies from the build context into the
 * supervisor's folders, directly or as part of a folder (`COPY root/ /`). Image paths, with the
 * instruction that starts the supervisor.
 */
function serviceScripts(stage: Stage, context: BuildContext): { path: string; instruction: Instruction }[] {
  const starter = stage.instructions.find(
    (i) =>
      (i.keyword === "ENTRYPOINT" || i.keyword === "CMD") &&
      runsOf(i).some((r) => r.name === "/init" || SERVICE_MANAGERS.has(baseName(r.name))),
  );
  if (!starter) return [];
  return contextCopies(stage)
    .flatMap((copy) => filesCopiedNear(copy, context, SERVICE_ROOTS))
    .filter((p) => SERVICE_SCRIPT.test(p))
    .map((p) => ({ path: p, instruction: starter }));
}

/** `sh -c "..."`, `bash -lc '...'`: the string the shell runs (group 2). */
const SHELL_C = /(?:\S*\/)?(?:sh|bash|dash|ash)\s+(?:-[a-z]+\s+)*-[a-z]*c\s+(["'])((?:(?!\1).)*)\1/g;

/**
 * Paths a shell script runs or sources as commands (`./bin/x`, `/app/scripts/y.sh`, `sh ./z.sh`,
 * `. /app/functions.sh`) and folders whose files it runs (`for f in /docker-entrypoint.d/*.sh`,
 * with the pattern's end in `glob`), comments left out; lines of a supervisord config (`command=...`) and of
 * a Procfile (`web: ...`) are commands too.
 */
function pathsRunBy(text: string): { path: string; sourced: boolean; glob?: string; runParts?: boolean }[] {
  const out: { path: string; sourced: boolean; glob?: string; runParts?: boolean }[] = [];
  // The #! line goes with the comments.
  for (const raw of text.split(/\r?\n/)) {
    // A shell's `-c` string is commands of the line (`command=sh -c "sleep 5 && /app/worker.sh"`).
    const code = raw
      .replace(/(^|\s)#.*$/, "")
      .replace(/^\s*(?:command\s*=|[\w-]+:\s)\s*/, "")
      .replace(SHELL_C, "$2");
    const command =
      /(?:^|[;&|(]|\b(?:then|do|else|exec)\s)\s*(?:(?:\/bin\/)?(?:sh|bash|dash|ash)\s+|(\.|source)\s+)?["']?((?:\.{1,2})?\/[\w./-]+)/g;
    for (const m of code.matchAll(command)) if (!m[2]!.includes("$")) out.push({ path: m[2]!, sourced: !!m[1] });
    // A script a shell runs by its bare name (`sh migrate.sh`): in the working folder.
    const byShell =
      /(?:^|[;&|(]|\b(?:then|do|else|exec)\s)\s*(?:\/bin\/)?(?:sh|bash|dash|ash)\s+([\w.-]+\.(?:sh|bash))(?=\s|$|[;&|)])/g;
    for (const m of code.matchAll(byShell)) out.push({ path: `./${m[1]!}`, sourced: false });
    // uWSGI's ini, read like a script (a supervisord program's `command=uwsgi --ini /app/uwsgi.ini`).
    for (const m of code.matchAll(/\buwsgi\s(?:.*\s)?(?:--ini[= ])?((?:\.{0,2}\/)?[\w./-]+\.ini)(?=[:\s"']|$)/g))
      out.push({ path: m[1]!.includes("/") ? m[1]! : `./${m[1]!}`, sourced: false });
    // The files of a folder: a loop over a pattern whose variable it runs or sources
    // (`for f in /docker-entrypoint.d/*.sh; do "$f"; done`), run-parts (not --test, --list).
    for (const m of code.matchAll(/\bfor\s+(\w+)\s+in\s+["']?(\/[\w./-]+)\/["']?\*([\w.-]*)(?=$|[\s;)"'])/g)) {
      const use = new RegExp(
        String.raw`(?:^|[;&|(]|\b(?:then|do|else|exec)\s)\s*(?:(\.|source)\s+|(?:\S*\/)?(?:sh|bash|dash|ash)\s+)?"?\$\{?${m[1]}\}?"?(?=\s|$|;)`,
        "m",
      ).exec(text);
      if (use) out.push({ path: m[2]!, sourced: !!use[1], glob: m[3]! });
    }
    for (const m of code.matchAll(/(?:^|[;&|(]|\b(?:then|do|else|exec)\s)\s*run-parts((?:\s+-\S+)*)\s+(\/[\w./-]+)/g))
      if (!/--(?:test|list)\b/.test(m[1]!))
        out.push({
          path: m[2]!.replace(/\/$/, ""),
          sourced: false,
          glob: "",
          runParts: !/--(?:regex|lsbsysinit)\b/.test(m[1]!),
        });
  }
  return out;
}
