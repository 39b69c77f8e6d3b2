/**
 * Proof by build: each example project is migrated by dfmod (the default pipeline, with the opt-in
 * transforms and the options its e2e.json names) and, as a baseline, by alpine-to-trixie alone (or
 * the opt-in transforms alone; single stage, code copied first); both are built in a real
 * Docker engine with BuildKit, started, and rebuilt after a one-line change to application code.
 * Run with `npm run test:e2e` (e2e/run.sh starts the daemon and sets DFMOD_E2E_DOCKER_HOST).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { composeBuilds } from "../src/builds";
import { Dockerfile } from "../src/engine/dockerfile";
import { transforms } from "../transforms";
import { DEBIAN_GROUP_IDS, DEBIAN_USER_IDS } from "../transforms/alpine-to-trixie/groups";

const DOCKER = "/usr/bin/docker";
const host = process.env.DFMOD_E2E_DOCKER_HOST;
const root = path.join(__dirname, "..");
const cli = path.join(root, "dist", "src", "cli.js");
const examplesDir = path.join(root, "examples");

interface ExampleSpec {
  description: string;
  /** Command for `docker run` (empty: the image's own ENTRYPOINT/CMD). */
  smoke: string[];
  /** A regular expression the smoke test's output must match. */
  expect: string;
  /** An application source file that the rebuild test changes. */
  change: string;
  /** The user the final image runs as (`id -un`). */
  user?: string;
  /** Files the final image must have at run time (a time zone, the entrypoint script). */
  files?: string[];
  /** The virtual environment: no layer of the migrated image may chown it again. */
  venv?: string;
  /**
   * false: the migration keeps one stage (a builder would keep nothing out of the image: pure-Python
   * wheels, no build packages). Default true: it splits into a builder and a runtime stage.
   */
  split?: boolean;
  /**
   * Opt-in transforms the migration adds to the default pipeline; the baseline runs them alone
   * (instead of alpine-to-trixie alone).
   */
  transforms?: string[];
  /** Transform options by flag (`{"python": "3.13"}`), given to both runs. */
  options?: Record<string, string>;
  /**
   * Also migrated with `--runtime distroless`: that image must build, pass the smoke test, run as
   * 65532, have no shell, apt, dpkg or compiler, and be smaller than the slim runtime's.
   */
  distroless?: boolean;
}

interface Step {
  id: number;
  /** BuildKit's label: `builder 3/6`, `stage-1 2/7`, `3/5`. */
  label: string;
  stage: string;
  index: number;
  text: string;
  cached: boolean;
}

interface Figures {
  coldSeconds: number;
  rebuildSeconds: number;
  rerun: number;
  steps: number;
  sizeMB: number;
}

const results: { example: string; variant: string; figures: Figures }[] = [];

const DISTROLESS = "gcr.io/distroless/python3-debian13:nonroot";
type Variant = "migrated" | "baseline" | "distroless";
const VARIANT_LABEL: Record<Variant, string> = {
  migrated: "migrated by dfmod",
  baseline: "alpine-to-trixie only",
  distroless: "dfmod --runtime distroless",
};

function docker(args: string[], cwd?: string) {
  const r = spawnSync(DOCKER, args, {
    cwd,
    env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** An image's `entrypoint args...`, run offline (no network), as a check of what the image holds. */
function runIn(image: string, entrypoint: string, ...args: string[]) {
  return docker(["run", "--rm", "--network", "none", "--entrypoint", entrypoint, image, ...args]);
}

/** The steps `dfmod explain --changed FILE` says a change to FILE re-runs (labels as BuildKit writes them). */
function explainRerun(dir: string, file: string): string[] {
  const r = spawnSync(
    process.execPath,
    [cli, "explain", "--format", "json", "--changed", path.join(dir, file), path.join(dir, "Dockerfile")],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`dfmod explain exited ${r.status}:\n${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { files: { before: { rerun: { label: string }[] } }[] };
  return doc.files[0]!.before.rerun.map((s) => s.label);
}

function dfmod(args: string[]): void {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`dfmod ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
}

/** The build steps of BuildKit's plain progress output, with whether each came from the cache. */
export function parseSteps(log: string): Step[] {
  const steps = new Map<number, Step>();
  for (const line of log.split("\n")) {
    const head = /^#(\d+) \[((?:(\S+) )?(\d+)\/\d+)\] (.*)$/.exec(line);
    if (head) {
      const id = Number(head[1]);
      if (!steps.has(id)) {
        steps.set(id, {
          id,
          label: head[2]!,
          stage: head[3] ?? "",
          index: Number(head[4]),
          text: head[5]!,
          cached: false,
        });
      }
      continue;
    }
    const cached = /^#(\d+) CACHED$/.exec(line);
    if (cached) {
      const step = steps.get(Number(cached[1]));
      if (step) step.cached = true;
    }
  }
  return [...steps.values()].filter((s) => !/^FROM /.test(s.text));
}

function build(dir: string, dockerfile: string, tag: string, noCache: boolean) {
  const started = process.hrtime.bigint();
  const r = docker(
    [
      "build",
      "--network",
      "host",
      "--progress",
      "plain",
      "-f",
      dockerfile,
      "-t",
      tag,
      ...(noCache ? ["--no-cache"] : []),
      ".",
    ],
    dir,
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.code !== 0)
    throw new Error(`docker build of ${dockerfile} failed:\n${r.stderr.split("\n").slice(-40).join("\n")}`);
  if (process.env.DFMOD_E2E_LOG)
    fs.appendFileSync(process.env.DFMOD_E2E_LOG, `=== ${dir} ${dockerfile} ${tag} noCache=${noCache}\n${r.stderr}\n`);
  return { seconds, steps: parseSteps(r.stderr) };
}

function sizeMB(tag: string): number {
  const r = docker(["image", "inspect", "-f", "{{.Size}}", tag]);
  return Math.round(Number(r.stdout.trim()) / 1e6);
}

function smoke(tag: string, spec: ExampleSpec): string {
  const r = docker(["run", "--rm", "--network", "none", tag, ...spec.smoke]);
  if (r.code !== 0) throw new Error(`the smoke test failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.replace(/\x1b\[[0-9;]*m/g, "").trim();
}

/** A code copy: COPY/ADD of the whole context. */
function isCodeCopy(step: Step): boolean {
  return /^(?:COPY|ADD)(?: --\S+)* \.\/? \S+$/.test(step.text);
}

/** A change no earlier run made: the daemon's build cache outlives a run, so it must not match. */
function changeSource(dir: string, file: string): void {
  const stamp = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.appendFileSync(path.join(dir, file), `\n# changed by the end-to-end suite (${stamp})\n`);
}

const examples = fs
  .readdirSync(examplesDir)
  .filter((d) => fs.existsSync(path.join(examplesDir, d, "e2e.json")))
  .sort();

beforeAll(() => {
  if (!host)
    throw new Error(
      "DFMOD_E2E_DOCKER_HOST is not set: run the suite with `npm run test:e2e`, which starts the Docker daemon",
    );
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\``);
  const info = docker(["info", "--format", "{{.ServerVersion}}"]);
  if (info.code !== 0) throw new Error(`the Docker daemon does not answer at ${host}:\n${info.stderr}`);
});

afterAll(() => {
  if (results.length === 0) return;
  const rows = results.map(
    (r) =>
      `| ${r.example} | ${r.variant} | ${r.figures.coldSeconds.toFixed(1)} | ${r.figures.rebuildSeconds.toFixed(1)} | ${r.figures.rerun} of ${r.figures.steps} | ${r.figures.sizeMB} |`,
  );
  const table = [
    "| example | Dockerfile | cold build (s) | rebuild after a code change (s) | steps re-run | image (MB) |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
  const text = `Measured ${new Date().toISOString().slice(0, 10)} on a ${os.cpus().length}-core machine with stand-in base images (see docs/e2e.md).\n\n${table}\n`;
  fs.writeFileSync(path.join(__dirname, "results.md"), text);
  process.stdout.write(`\n${text}\n`);
});

test("there are example projects", () => {
  expect(examples.length).toBeGreaterThanOrEqual(3);
});

describe.each(examples)("%s", (name) => {
  const spec = JSON.parse(fs.readFileSync(path.join(examplesDir, name, "e2e.json"), "utf8")) as ExampleSpec;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `dfmod-e2e-${name}-`));
  const migratedDir = path.join(work, "migrated");
  const baselineDir = path.join(work, "baseline");
  const distrolessDir = path.join(work, "distroless");
  const tag = (variant: string) => `dfmod-e2e/${name}:${variant}`;
  const added = spec.transforms ?? [];
  const baseline = added.length > 0 ? added : ["alpine-to-trixie"];
  const variants: Variant[] = spec.distroless ? ["migrated", "baseline", "distroless"] : ["migrated", "baseline"];

  beforeAll(() => {
    fs.cpSync(path.join(examplesDir, name), migratedDir, { recursive: true });
    fs.cpSync(path.join(examplesDir, name), baselineDir, { recursive: true });
    const options = Object.entries(spec.options ?? {}).flatMap(([flag, value]) => [`--${flag}`, value]);
    const pipeline = transforms.filter((t) => !t.meta.optIn || added.includes(t.id)).map((t) => t.id);
    dfmod(["--write", "--transforms", pipeline.join(","), ...options, path.join(migratedDir, "Dockerfile")]);
    dfmod(["--write", "--transforms", baseline.join(","), ...options, path.join(baselineDir, "Dockerfile")]);
    if (spec.distroless) {
      fs.cpSync(path.join(examplesDir, name), distrolessDir, { recursive: true });
      dfmod(["--write", "--runtime", "distroless", path.join(distrolessDir, "Dockerfile")]);
    }
  });

  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  test(`the migrated Dockerfile is ${spec.split === false ? "single-stage (a split would save nothing)" : "multi-stage"} and the baseline is single-stage`, () => {
    const migrated = fs.readFileSync(path.join(migratedDir, "Dockerfile"), "utf8");
    const baseline = fs.readFileSync(path.join(baselineDir, "Dockerfile"), "utf8");
    expect(migrated.match(/^\s*FROM /gim)?.length).toBe(spec.split === false ? 1 : 2);
    expect(baseline.match(/^\s*FROM /gim)?.length).toBe(1);
    expect(migrated).not.toMatch(/alpine/i);
  });

  if (spec.distroless) {
    test("with --runtime distroless, the runtime stage is distroless", () => {
      const text = fs.readFileSync(path.join(distrolessDir, "Dockerfile"), "utf8");
      const froms = [...text.matchAll(/^\s*FROM\s+(\S+)/gim)].map((m) => m[1]);
      expect(froms).toEqual([expect.any(String), DISTROLESS]);
    });
  }

  for (const variant of variants) {
    describe(variant, () => {
      const dir = { migrated: migratedDir, baseline: baselineDir, distroless: distrolessDir }[variant];
      let cold: ReturnType<typeof build> | undefined;

      test("builds from scratch, and the smoke test passes in the final image", () => {
        cold = build(dir, "Dockerfile", tag(variant), true);
        expect(smoke(tag(variant), spec)).toMatch(new RegExp(spec.expect, "m"));
      });

      if (variant === "distroless") {
        test("runs as nonroot (65532), with no shell, apt, dpkg or compiler, and is smaller than the slim runtime", () => {
          expect(cold).toBeDefined();
          const py = (code: string) => runIn(tag(variant), "python", "-c", code);
          const uid = py("import os; print(os.getuid(), os.getgid())");
          expect({ code: uid.code, uid: uid.stdout.trim() }).toEqual({ code: 0, uid: "65532 65532" });
          const found = py(
            "import os, shutil; print([t for t in ('sh', 'bash', 'dash', 'apt', 'apt-get', 'dpkg', 'gcc', 'cc') if shutil.which(t)] + [p for p in ('/bin/sh', '/usr/bin/sh', '/var/lib/dpkg') if os.path.lexists(p)])",
          );
          expect({ code: found.code, found: found.stdout.trim() }).toEqual({ code: 0, found: "[]" });
          const shell = runIn(tag(variant), "/bin/sh", "-c", "true");
          expect(shell.code).not.toBe(0);
          expect(sizeMB(tag(variant))).toBeLessThan(sizeMB(tag("migrated")));
        });
      }

      if (variant !== "distroless" && (spec.user !== undefined || spec.files !== undefined)) {
        test("runs as its user, with the files it needs at run time", () => {
          expect(cold).toBeDefined();
          if (spec.user !== undefined) {
            const r = runIn(tag(variant), "id", "-un");
            expect({ code: r.code, user: r.stdout.trim() }).toEqual({ code: 0, user: spec.user });
          }
          for (const file of spec.files ?? []) {
            const r = runIn(tag(variant), "test", "-e", file);
            expect({ file, present: r.code === 0 }).toEqual({ file, present: true });
          }
        });
      }

      if (variant !== "baseline") {
        test("Docker splits the migrated Dockerfile into the instructions dfmod meant", () => {
          const text = fs.readFileSync(path.join(dir, "Dockerfile"), "utf8").replace(/^\uFEFF/, "");
          const split = DockerfileParser.parse(text)
            .getInstructions()
            .map((i) => i.getKeyword());
          expect(split).toEqual(new Dockerfile(text).instructions.map((i) => i.keyword));
        });

        if (spec.venv !== undefined) {
          test("no layer of the final image chowns the virtual environment again", () => {
            const r = docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}", tag(variant)]);
            expect(r.code).toBe(0);
            const chowned = r.stdout
              .split("\n")
              .flatMap((line) => [...line.matchAll(/chown\s+(?:-R|--recursive)\s+\S+\s+(\S+)/g)].map((m) => m[1]!))
              .filter((dir) => spec.venv === dir || spec.venv!.startsWith(`${dir.replace(/\/$/, "")}/`));
            expect(chowned).toEqual([]);
          });
        }

        if (variant === "migrated")
          test("the final image has no compiler and no -dev package", () => {
            const r = runIn(
              tag(variant),
              "/bin/sh",
              "-c",
              'command -v gcc cc c++ clang; dpkg-query -W -f "\\${Package}\\n" | grep -E -- "-dev$"; true',
            );
            expect(r.code).toBe(0);
            expect(r.stdout.trim()).toBe("");
          });
      }

      test("after a one-line code change, the rebuild re-runs only the code copy and what follows it", () => {
        expect(cold).toBeDefined();
        changeSource(dir, spec.change);
        const started = process.hrtime.bigint();
        const rebuild = build(dir, "Dockerfile", tag(variant), false);
        const rebuildSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        expect(smoke(tag(variant), spec)).toMatch(new RegExp(spec.expect, "m"));
        const rerun = rebuild.steps.filter((s) => !s.cached);
        // Dependency installs; an install of the project itself (`pip install .`) needs the code.
        const installs = rebuild.steps.filter(
          (s) =>
            /^RUN .*\b(?:pip|uv) (?:install|sync)\b/.test(s.text) &&
            !/\b(?:pip|uv) install(?:\s+[^\s&;|]+)*?\s\.(?:\s|$)/.test(s.text),
        );
        results.push({
          example: name,
          variant: variant === "baseline" ? `${baseline.join(", ")} only` : VARIANT_LABEL[variant],
          figures: {
            coldSeconds: cold!.seconds,
            rebuildSeconds,
            rerun: rerun.length,
            steps: rebuild.steps.length,
            sizeMB: sizeMB(tag(variant)),
          },
        });
        // dfmod explain predicted exactly these steps.
        const predicted = explainRerun(dir, spec.change);
        expect(rerun.map((s) => s.label).sort()).toEqual(predicted.sort());
        if (variant === "baseline") {
          // The single-stage baseline copies the code first: its dependency install runs again.
          expect(installs.some((s) => !s.cached)).toBe(true);
          return;
        }
        expect(installs.length).toBeGreaterThan(0);
        // The code copy itself must run again: the change reached the build.
        expect(rerun.some(isCodeCopy)).toBe(true);
        expect(installs.filter((s) => !s.cached).map((s) => s.text)).toEqual([]);
        for (const step of rerun) {
          const stageSteps = rebuild.steps.filter((s) => s.stage === step.stage);
          const codeCopy = stageSteps.find(isCodeCopy);
          const afterCode = codeCopy !== undefined && step.index >= codeCopy.index;
          const fromBuilder = /^COPY --from=\S+/.test(step.text);
          expect({ step: step.text, afterCodeCopyOrFromBuilder: afterCode || fromBuilder }).toEqual({
            step: step.text,
            afterCodeCopyOrFromBuilder: true,
          });
        }
      });
    });
  }
});

/**
 * A monorepo whose compose file builds each service from its own context (api from the root, with
 * its Dockerfile in services/api): after `dfmod --write .`, every service builds from the context
 * compose gives it and its image runs.
 */
describe("monorepo: services built from their compose contexts", () => {
  const source = path.join(root, "__tests__", "repos", "monorepo");
  const expectations = JSON.parse(fs.readFileSync(path.join(source, "e2e.json"), "utf8")) as Record<string, string>;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-e2e-monorepo-"));

  beforeAll(() => {
    fs.cpSync(path.join(source, "input"), work, { recursive: true });
    const r = spawnSync(process.execPath, [cli, "--write", "."], { cwd: work, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`dfmod --write . exited ${r.status}:\n${r.stderr}`);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const composeFile = path.join(source, "input", "compose.yaml");
  const builds = composeBuilds(composeFile, fs.readFileSync(composeFile, "utf8")).builds;
  test("the compose file builds the services the test expects", () => {
    expect(builds.map((b) => b.name).sort()).toEqual(Object.keys(expectations).sort());
  });

  for (const b of builds) {
    test(`${b.name}: builds from its compose context, multi-stage, and runs`, () => {
      const context = path.join(work, path.relative(path.dirname(composeFile), b.context));
      const dockerfile = path.join(work, path.relative(path.dirname(composeFile), b.dockerfile));
      expect(fs.readFileSync(dockerfile, "utf8").match(/^\s*FROM /gim)?.length).toBe(2);
      const tag = `dfmod-e2e/monorepo-${b.name}:migrated`;
      const r = docker(
        ["build", "--network", "host", "--progress", "plain", "-f", dockerfile, "-t", tag, "."],
        context,
      );
      if (r.code !== 0)
        throw new Error(`docker build of ${b.name} failed:\n${r.stderr.split("\n").slice(-40).join("\n")}`);
      expect(smoke(tag, { description: b.name, smoke: [], expect: "", change: "" })).toMatch(
        new RegExp(expectations[b.name]!, "m"),
      );
    });
  }
});

/**
 * alpine-to-trixie keeps a stage on Alpine when it creates a user or group Debian already has, by
 * its tables of Debian's base-passwd: the stand-in, debootstrapped from Debian's packages, must
 * hold exactly those, and groupadd and useradd must fail on them as the notes say.
 */
describe("Debian's own users and groups", () => {
  const image = "python:3.13-slim-trixie";
  const ids = (text: string): [string, number][] =>
    text
      .trim()
      .split("\n")
      .map((line) => line.split(":"))
      .map(([name, id]) => [name!, Number(id)]);

  test(`${image} has the users and groups of alpine-to-trixie's tables, with their ids`, () => {
    const r = runIn(image, "sh", "-c", "cut -d: -f1,3 /etc/passwd; echo --; cut -d: -f1,3 /etc/group");
    expect(r.code).toBe(0);
    const [users, groups] = r.stdout.split("--\n") as [string, string];
    expect(ids(users)).toEqual([...DEBIAN_USER_IDS]);
    expect(ids(groups)).toEqual([...DEBIAN_GROUP_IDS]);
  });

  /** Each command's exit code, run in turn in one container. */
  const exitCodes = (commands: string[]): string[] =>
    runIn(image, "sh", "-c", commands.map((c) => `${c}; echo $?`).join("\n"))
      .stdout.trim()
      .split("\n");

  test("groupadd and useradd fail on a taken name or id, and a user deleted first frees them", () => {
    const codes = exitCodes([
      "groupadd --system proxy",
      "groupadd --system --gid 33 web",
      "useradd --create-home --no-log-init staff",
      "useradd --system --uid 33 --gid nogroup --no-log-init web",
      "useradd --system --gid nogroup --no-log-init list",
      "userdel www-data && groupadd --system --gid 33 www-data && useradd --system --uid 33 --gid www-data --no-log-init www-data",
    ]);
    expect(codes).toEqual(["9", "4", "9", "4", "9", "0"]);
  });

  test("userdel and groupdel fail on Alpine's own names and on a user's primary group; chown UID: on a uid with no user", () => {
    const codes = exitCodes([
      "userdel xfs",
      "groupdel ping",
      "groupdel www-data",
      "mkdir /srv/a && chown 405: /srv/a 2>/dev/null",
      "chown 405:405 /srv/a",
      "userdel www-data && groupadd --system www-data",
    ]);
    expect(codes).toEqual(["6", "6", "8", "1", "0", "0"]);
  });
});

/**
 * Facts alpine-to-trixie's blockers rest on, checked in the trixie stand-in (debootstrapped from
 * Debian's packages): shell code BusyBox ash runs and trixie's sh (dash) does not, and what
 * s6-overlay v2's tarball does to a merged-/usr root.
 */
describe("trixie's sh and root, where Alpine's differ", () => {
  const image = "python:3.13-slim-trixie";

  test("dash fails on trap/kill SIG names, let, ++ and ** in $(( )), read -t, and keeps $'...' as text", () => {
    // What each line prints when the shell runs it as ash does: started, nothing, nothing,
    // after-increment, 8, read:hi, a.
    const lines = [
      `sh -ec 'trap "true" SIGTERM; echo started'`,
      `sh -c 'kill -SIGTERM $$; echo kill-failed'`,
      `sh -c 'let x=1 || echo let-failed'`,
      `sh -c 'n=1; : $((n++)); echo after-increment'`,
      `sh -c 'echo $((2**3))'`,
      `echo hi | sh -c 'read -t 1 x; echo "read:$x"'`,
      `sh -c "printf '%s\\n' \\$'a'"`,
    ];
    const r = runIn(image, "sh", "-c", lines.map((l) => `${l} 2>/dev/null`).join("\n"));
    expect(r.stdout.trim().split("\n")).toEqual(["kill-failed", "let-failed", "read:", "$a"]);
  });

  test("a tarball with ./bin unpacked over / replaces the /bin link, and /bin/sh is gone", () => {
    const r = runIn(
      image,
      "sh",
      "-c",
      [
        "test -L /bin; echo $?",
        "mkdir -p /tmp/s6/bin && touch /tmp/s6/bin/s6-svscan && tar czf /tmp/s6.tar.gz -C /tmp/s6 .",
        "tar xzf /tmp/s6.tar.gz -C /",
        "test -L /bin; echo $?",
        "test -e /bin/sh; echo $?",
      ].join("\n"),
    );
    expect(r.stdout.trim().split("\n")).toEqual(["0", "1", "1"]);
  });
});
