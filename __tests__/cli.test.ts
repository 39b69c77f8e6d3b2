/** The built binary, spawned as a user runs it: exit codes, --write, --check, stdin, JSON. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const cli = path.join(__dirname, "..", "dist", "src", "cli.js");

function dfmod(args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SLOW = [
  "FROM python:3.12-slim",
  "WORKDIR /app",
  "COPY . .",
  "RUN pip install -r requirements.txt",
  'CMD ["python", "app.py"]',
  "",
].join("\n");
const FAST = [
  "FROM python:3.12-slim",
  "WORKDIR /app",
  "COPY requirements.txt ./",
  "RUN pip install -r requirements.txt",
  "COPY . .",
  'CMD ["python", "app.py"]',
  "",
].join("\n");

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-cli-"));
  fs.writeFileSync(path.join(dir, "requirements.txt"), "flask\n");
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does)`);
});

test("the default is a dry run: a unified diff with a/ b/ headers, exit 0, file untouched", () => {
  fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
  const r = dfmod(["-t", "copy-order", "Dockerfile"], { cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(
    [
      "--- a/Dockerfile",
      "+++ b/Dockerfile",
      "@@ -1,5 +1,6 @@",
      " FROM python:3.12-slim",
      " WORKDIR /app",
      "-COPY . .",
      "+COPY requirements.txt ./",
      " RUN pip install -r requirements.txt",
      "+COPY . .",
      ' CMD ["python", "app.py"]',
      "",
    ].join("\n"),
  );
  expect(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8")).toBe(SLOW);
  expect(r.stderr).toContain(":3:1: info copy-order: requirements.txt copied before the install");
});

test("--write replaces the file and keeps its mode; a second --write changes nothing", () => {
  const file = path.join(dir, "Dockerfile");
  fs.writeFileSync(file, SLOW);
  fs.chmodSync(file, 0o640);
  const r = dfmod(["-t", "copy-order", "--write", "."], { cwd: dir });
  expect(r.code).toBe(0);
  expect(fs.readFileSync(file, "utf8")).toBe(FAST);
  expect(fs.statSync(file).mode & 0o777).toBe(0o640);
  expect(fs.readdirSync(dir).sort()).toEqual(["Dockerfile", "requirements.txt"]);
  const mtime = fs.statSync(file).mtimeMs;
  const again = dfmod(["-t", "copy-order", "--write", "."], { cwd: dir });
  expect(again.code).toBe(0);
  expect(fs.statSync(file).mtimeMs).toBe(mtime);
});

test("--write leaves a file alone when nothing applies", () => {
  const file = path.join(dir, "Dockerfile");
  fs.writeFileSync(file, FAST);
  const past = new Date("2020-01-01T00:00:00Z");
  fs.utimesSync(file, past, past);
  expect(dfmod(["-t", "copy-order", "--write", "Dockerfile"], { cwd: dir }).code).toBe(0);
  expect(fs.statSync(file).mtimeMs).toBe(past.getTime());
});

test("--check exits 1 and lists the files that would change; 0 when none would", () => {
  fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
  fs.mkdirSync(path.join(dir, "svc"));
  fs.writeFileSync(path.join(dir, "svc", "api.Dockerfile"), FAST);
  fs.writeFileSync(path.join(dir, "svc", "requirements.txt"), "x\n");
  const r = dfmod(["-t", "copy-order", "--check", "."], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("Dockerfile\n");
  expect(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8")).toBe(SLOW);
  expect(dfmod(["-t", "copy-order", "--check", "svc"], { cwd: dir }).code).toBe(0);
});

test("a file that does not parse: exit 2 with file and line, the other files still processed", () => {
  fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
  fs.writeFileSync(path.join(dir, "broken.Dockerfile"), "FROM x\nRUN a\nFROBNICATE b\n");
  const r = dfmod(["-t", "copy-order", "--write", "."], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("broken.Dockerfile:3:1: error: unknown instruction: FROBNICATE\n");
  expect(fs.readFileSync(path.join(dir, "broken.Dockerfile"), "utf8")).toBe("FROM x\nRUN a\nFROBNICATE b\n");
  expect(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8")).toBe(FAST);
});

test("a missing path is an error (exit 2)", () => {
  const r = dfmod(["nope/Dockerfile"], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("nope/Dockerfile: error: no such file or folder");
});

test("- reads stdin and prints the transformed file", () => {
  const r = dfmod(["-t", "copy-order", "-"], { cwd: dir, input: SLOW });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(FAST);
});

test("--stdout prints the transformed file instead of a diff", () => {
  fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
  const r = dfmod(["-t", "copy-order", "--stdout", "Dockerfile"], { cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(FAST);
});

test("--format json: one document with files, transforms, notes and diff", () => {
  fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
  const r = dfmod(["-t", "copy-order", "--format", "json", "."], { cwd: dir });
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.summary).toEqual({
    files: 1,
    changed: 1,
    unchanged: 0,
    skipped: 0,
    errors: 0,
    notes: { info: 1, warning: 0, "action-needed": 0 },
  });
  expect(doc.files).toHaveLength(1);
  expect(doc.files[0]).toMatchObject({ path: "Dockerfile", changed: true, transforms: ["copy-order"] });
  expect(doc.files[0].notes[0]).toMatchObject({ transform: "copy-order", severity: "info", line: 3 });
  expect(doc.files[0].diff).toContain("+COPY requirements.txt ./\n");
  // The final image's config, before and after: the same (copy-order moves layers, nothing else).
  const config = {
    user: null,
    workdir: "/app",
    entrypoint: null,
    cmd: '["python","app.py"]',
    expose: [],
    volume: [],
    labels: {},
    stopsignal: null,
    healthcheck: null,
    shell: null,
    onbuild: [],
    env: {},
  };
  expect(doc.files[0].image).toEqual({ before: config, after: config });
});

test("--transforms and --skip choose transforms; an unknown id is an error", () => {
  fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
  expect(dfmod(["--check", "--transforms", "uv-sync", "."], { cwd: dir }).code).toBe(0);
  expect(dfmod(["--check", "--skip", "copy-order,multi-stage,dockerignore", "."], { cwd: dir }).code).toBe(0);
  expect(dfmod(["--check", "--transforms", "uv-sync,copy-order", "."], { cwd: dir }).code).toBe(1);
  const r = dfmod(["--transforms", "nope", "."], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('unknown transform "nope"');
});

test("list prints every transform with its summary, in pipeline order", () => {
  const r = dfmod(["list"]);
  expect(r.code).toBe(0);
  expect(
    r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[0]),
  ).toEqual([
    "dockerignore",
    "alpine-to-trixie",
    "debian-to-trixie",
    "uv-sync",
    "copy-order",
    "multi-stage",
    "compose-shared-image",
  ]);
});

test("transform options are flags: --uv-check locked, --no-cache-mounts", () => {
  fs.writeFileSync(path.join(dir, "pyproject.toml"), "[project]\nname = 'x'\n");
  fs.writeFileSync(path.join(dir, "uv.lock"), "version = 1\n");
  fs.writeFileSync(
    path.join(dir, "Dockerfile"),
    "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN uv pip install --system -r pyproject.toml\n",
  );
  const r = dfmod(["--stdout", "-t", "uv-sync", "--uv-check", "locked", "--no-cache-mounts", "Dockerfile"], {
    cwd: dir,
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("\nRUN uv sync --locked --no-dev --no-install-project\n");
});

test("folders are searched for Dockerfile names, skipping node_modules and .git", () => {
  for (const f of [
    "Dockerfile",
    "Containerfile",
    "web.Dockerfile",
    "Dockerfile.prod",
    "node_modules/x/Dockerfile",
    ".git/Dockerfile",
    "Dockerfile.dockerignore",
    "notes.txt",
  ]) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), SLOW);
  }
  const r = dfmod(["-t", "copy-order", "--check", "."], { cwd: dir });
  expect(r.stdout.split("\n").filter(Boolean)).toEqual([
    "Containerfile",
    "Dockerfile",
    "Dockerfile.prod",
    "web.Dockerfile",
  ]);
});

test("an absolute path gets git-style a/ b/ headers without a doubled slash", () => {
  const file = path.join(dir, "Dockerfile");
  fs.writeFileSync(file, SLOW);
  const r = dfmod(["-t", "copy-order", file]);
  expect(r.stdout.split("\n").slice(0, 2)).toEqual([`--- a${file}`, `+++ b${file}`]);
});

test("--strict: an Alpine package with no Debian name fails that file (exit 2, untouched)", () => {
  const text = "FROM python:3.12-alpine\nRUN apk add --no-cache no-such-package-xyz\n";
  fs.writeFileSync(path.join(dir, "Dockerfile"), text);
  const r = dfmod(["--write", "--strict", "Dockerfile"], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("Dockerfile:2:1: error: no Debian trixie package dfmod can name for no-such-package-xyz");
  expect(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8")).toBe(text);
});

describe("explain", () => {
  test("--changed-since names the files git changed; --format json gives the summary as data", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
    fs.writeFileSync(path.join(dir, "app.py"), "print('hello')\n");
    const git = (...args: string[]) =>
      spawnSync("git", ["-c", "user.email=t@example.invalid", "-c", "user.name=t", ...args], {
        cwd: dir,
        encoding: "utf8",
      });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "start");
    fs.appendFileSync(path.join(dir, "app.py"), "print('again')\n");
    const r = dfmod(["explain", "--changed-since", "HEAD", "--format", "json", "Dockerfile"], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files[0].changed).toEqual(["app.py"]);
    expect(doc.files[0].before.rerun.map((s: { label: string }) => s.label)).toEqual(["3/4", "4/4"]);
    expect(doc.files[0].before.total).toBe(3);
  });

  test("text output ends with the summary; --migrate compares", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
    fs.writeFileSync(path.join(dir, "app.py"), "print('hello')\n");
    const r = dfmod(["explain", "--migrate", "Dockerfile"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "  a change to app.py re-runs 2 of 3 steps, including `RUN pip install -r requirements.txt`\n",
    );
    expect(r.stdout).toContain("  before: 2 of 3 steps re-run, 1 dependency install; after: 1 of");
  });

  test("a missing path is an error", () => {
    const r = dfmod(["explain", "nope/Dockerfile"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nope/Dockerfile: error: no such file or folder");
  });
});

test("--stdout prints the file asked for, not the .dockerignore it adds", () => {
  fs.writeFileSync(path.join(dir, "Dockerfile"), SLOW);
  const r = dfmod(["--stdout", "-t", "copy-order,dockerignore", "Dockerfile"], { cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(FAST);
  expect(r.stderr).toContain("created .dockerignore with **/.venv");
});

describe("CI sees what is left: --check and --fail-on", () => {
  const LEFTOVER = [
    "FROM python:3.12-slim-trixie",
    "RUN apk add --no-cache curl",
    'CMD ["python", "-m", "app"]',
    "",
  ].join("\n");

  test("--check exits 1 on action-needed notes in a file that would not change", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), LEFTOVER);
    const r = dfmod(["--check", "Dockerfile"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(":2:1: action-needed alpine-to-trixie: apk on a Debian image: install with apt-get\n");
    expect(r.stderr).toContain("dfmod: 1 file has notes that fail the run (--fail-on): exit 1\n");
  });

  test("--fail-on never: --check looks only at changes; diff and --write default to never", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), LEFTOVER);
    expect(dfmod(["--check", "--fail-on", "never", "Dockerfile"], { cwd: dir }).code).toBe(0);
    expect(dfmod(["Dockerfile"], { cwd: dir }).code).toBe(0);
    expect(dfmod(["--write", "Dockerfile"], { cwd: dir }).code).toBe(0);
    expect(dfmod(["--fail-on", "action-needed", "Dockerfile"], { cwd: dir }).code).toBe(1);
  });

  test("--fail-on warning counts warnings and action-needed notes; the config key sets it per folder", () => {
    // A digest cannot survive the tag change: a warning, no action needed.
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.12-alpine@sha256:" + "a".repeat(64) + "\n");
    expect(dfmod(["--write", "--fail-on", "warning", "Dockerfile"], { cwd: dir }).code).toBe(1);
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.12-alpine@sha256:" + "a".repeat(64) + "\n");
    expect(dfmod(["--write", "Dockerfile"], { cwd: dir }).code).toBe(0);
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.12-alpine@sha256:" + "a".repeat(64) + "\n");
    fs.writeFileSync(path.join(dir, "dfmod.config.json"), JSON.stringify({ "fail-on": "warning" }));
    expect(dfmod(["--write", "Dockerfile"], { cwd: dir }).code).toBe(1);
    // The flag wins over the config.
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.12-alpine@sha256:" + "a".repeat(64) + "\n");
    expect(dfmod(["--write", "--fail-on", "never", "Dockerfile"], { cwd: dir }).code).toBe(0);
    fs.writeFileSync(path.join(dir, "dfmod.config.json"), JSON.stringify({ "fail-on": "always" }));
    const bad = dfmod(["Dockerfile"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('dfmod.config.json: fail-on: must be one of "never", "warning", "action-needed"');
  });

  test("after --write of a file dfmod cannot fully migrate, --check still fails", () => {
    const text = "FROM python:3.12-alpine\nRUN apk add --no-cache no-such-package-xyz && pip install flask\n";
    fs.writeFileSync(path.join(dir, "Dockerfile"), text);
    expect(dfmod(["--write", "Dockerfile"], { cwd: dir }).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8")).toBe(text);
    const r = dfmod(["--check", "Dockerfile"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no Debian trixie package dfmod can name for no-such-package-xyz");
  });

  test.each([
    [["--nope"], "Unknown argument: nope"],
    [["--format", "xml"], 'Argument: format, Given: "xml"'],
    [["--write", "--check"], "Arguments write and check are mutually exclusive"],
    [["--fail-on", "sometimes"], 'Argument: fail-on, Given: "sometimes"'],
  ])("usage error %j: exit 2, the message first", (args, message) => {
    const r = dfmod([...args, "."], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`dfmod: ${message}`) || r.stderr.startsWith("dfmod: Invalid values:")).toBe(true);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Run `dfmod --help` for the commands and options.\n");
  });
});

describe("package knowledge: the user's map and `dfmod packages`", () => {
  const ALPINE = "FROM python:3.12-alpine\nRUN apk add --no-cache fribidi frobnicate\nRUN pip install flask\n";

  test("the config's packages and --package name what the map and the rules do not", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), ALPINE);
    // Unresolved: the stage stays on Alpine, the note suggests what the rules found.
    const left = dfmod(["--stdout", "-t", "alpine-to-trixie", "Dockerfile"], { cwd: dir });
    expect(left.stdout).toBe(ALPINE);
    expect(left.stderr).toContain("fribidi (did you mean libfribidi0?), frobnicate");
    fs.writeFileSync(path.join(dir, "dfmod.config.json"), JSON.stringify({ packages: { fribidi: "libfribidi0" } }));
    const r = dfmod(["--stdout", "-t", "alpine-to-trixie", "--package", "frobnicate=jq", "Dockerfile"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("apt-get install -y --no-install-recommends libfribidi0 jq &&");
  });

  test("a Debian name that trixie does not have is an error naming the key or the flag", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), ALPINE);
    fs.writeFileSync(path.join(dir, "dfmod.config.json"), JSON.stringify({ packages: { fribidi: "libfribidi5" } }));
    const bad = dfmod(["Dockerfile"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("dfmod.config.json: packages.fribidi: Debian trixie has no package named libfribidi5");
    fs.rmSync(path.join(dir, "dfmod.config.json"));
    const flag = dfmod(["--package", "fribidi=libfribidi5", "Dockerfile"], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe("dfmod: --package fribidi=libfribidi5: Debian trixie has no package named libfribidi5\n");
  });

  test("dfmod packages prints what each name becomes, and exits 1 when one has no trixie name", () => {
    const ok = dfmod(["packages", "postgresql16-dev", "libtasn1"], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(
      "postgresql16-dev  build: libpq-dev  runtime: libpq5  installs: libpq-dev  (versioned)\n" +
        "libtasn1  build: libtasn1-6  runtime: libtasn1-6  installs: libtasn1-6  (soname)\n",
    );
    const some = dfmod(["packages", "--format", "json", "fribidi", "helm"], { cwd: dir });
    expect(some.code).toBe(1);
    expect(JSON.parse(some.stdout)).toEqual({
      packages: [
        { name: "fribidi", resolved: false, build: [], runtime: [], installed: [], candidates: ["libfribidi0"] },
        {
          name: "helm",
          resolved: false,
          build: [],
          runtime: [],
          installed: [],
          candidates: [],
          hint: "NO_EQUIV: helm is not in trixie; install the upstream release binary",
        },
      ],
    });
  });

  test("dfmod packages keeps a substitute's caveat when the image already has the substitute", () => {
    const r = dfmod(["packages", "pcre"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "pcre  build: -  runtime: libpcre2-8-0  installs: -  (map)\n" +
        "    not installed: already in the base image; PCRE 1 is gone from trixie; what this image builds links PCRE2 (libpcre2-8-0); a prebuilt binary that needs libpcre.so.1 must be rebuilt\n",
    );
  });
});

test("--version prints the package's version; `dfmod completion` prints a shell completion script that knows the commands", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string };
  expect(dfmod(["--version"])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  // Alone, without yargs (~40 ms of a run); with anything else, as yargs reads it.
  const probe = path.join(os.tmpdir(), `dfmod-version-probe-${process.pid}.js`);
  fs.writeFileSync(
    probe,
    'process.on("exit", () => { if (Object.keys(require.cache).some((f) => /[\\\\/]yargs[\\\\/]/.test(f))) require("fs").writeSync(2, "yargs loaded\\n"); });\n',
  );
  try {
    const alone = spawnSync(process.execPath, ["--require", probe, cli, "--version"], { encoding: "utf8" });
    expect([alone.status, alone.stdout, alone.stderr]).toEqual([0, `${pkg.version}\n`, ""]);
    const withMore = spawnSync(process.execPath, ["--require", probe, cli, "--version", "-q"], { encoding: "utf8" });
    expect([withMore.status, withMore.stdout, withMore.stderr]).toEqual([0, `${pkg.version}\n`, "yargs loaded\n"]);
  } finally {
    fs.rmSync(probe, { force: true });
  }
  const script = dfmod(["completion"]);
  expect(script.code).toBe(0);
  expect(script.stdout).toContain("###-begin-dfmod-completions-###");
  const completions = dfmod(["--get-yargs-completions", "dfmod", "ex"]).stdout.split("\n");
  expect(completions).toEqual(expect.arrayContaining(["explain", "list", "packages"]));
  expect(completions).not.toContain("$0");
});

test("completion offers the main command's options and the transforms' (bash and zsh), and only a named command's after its name", () => {
  const complete = (shell: string, ...words: string[]): string[] => {
    const env: NodeJS.ProcessEnv = { ...process.env, SHELL: shell };
    delete env.ZSH_NAME;
    const r = spawnSync(process.execPath, [cli, "--get-yargs-completions", "dfmod", ...words], {
      encoding: "utf8",
      env,
    });
    expect(r.status).toBe(0);
    return r.stdout.split("\n").filter(Boolean);
  };
  expect(complete("/bin/bash", "--c")).toEqual(
    expect.arrayContaining(["--check", "--color", "--context", "--commit-message", "--cache-mounts"]),
  );
  expect(complete("/bin/bash", "--write", "--py")).toContain("--python");
  // Not an option being typed: the commands, as before.
  expect(complete("/bin/bash", "")).not.toContain("--write");
  // After a command's name: that command's options only.
  const explain = complete("/bin/bash", "explain", "--");
  expect(explain).toEqual(expect.arrayContaining(["--changed", "--migrate"]));
  expect(explain).not.toContain("--write");
  // Not an option already given (unless repeatable), nothing after --, and --no-X for one on by default.
  expect(complete("/bin/bash", "--write", "--w")).not.toContain("--write");
  expect(complete("/bin/bash", "--ignore", "x", "--ig")).toContain("--ignore");
  expect(complete("/bin/bash", "--", "--wr")).not.toContain("--write");
  expect(complete("/bin/bash", "--no-c")).toContain("--no-cache-mounts");
  expect(complete("/bin/bash", "--no-cache-mounts", "--c")).not.toContain("--cache-mounts");
  // A command's name among the words, where yargs reads it (even as an option's value): its options only.
  expect(complete("/bin/bash", "--context", "explain", "--c")).not.toContain("--check");
  // zsh: name:description, with the description's colons escaped.
  expect(complete("/bin/zsh", "--fo")).toContain(
    "--force:--write\\: also replace read-only files, and write hard-linked files (or files dfmod cannot give their owner back) in place",
  );
  expect(complete("/bin/zsh", "--jo")).toContainEqual(
    expect.stringMatching(/^--jobs:.*\(default\\: the CPUs\\: \d+\)$/),
  );
});
