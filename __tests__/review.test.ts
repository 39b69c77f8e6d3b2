/**
 * Review output people can act on: `path:line:col: severity transform: message` lines grouped by
 * file, action-needed first; colour on request; --quiet; unchanged files quiet unless something is
 * left to do; stable note ids in JSON and SARIF.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { alpineToTrixie } from "../transforms/alpine-to-trixie";
import { dfmod } from "./support/cli";

/** Needs a human (Python 3.8 has no trixie image), and has info notes (copy-order) as well. */
const OLD_PYTHON = [
  "FROM python:3.8-alpine",
  "WORKDIR /app",
  "COPY . .",
  "RUN pip install -r requirements.txt",
  'CMD ["python", "app.py"]',
  "",
].join("\n");
/** Already migrated: dfmod has nothing to do and only info to say. */
const DONE = [
  "FROM python:3.13-slim-trixie AS builder",
  "WORKDIR /app",
  "COPY requirements.txt ./",
  "RUN pip install -r requirements.txt",
  "",
  "FROM python:3.13-slim-trixie",
  "COPY --from=builder /usr/local /usr/local",
  'CMD ["python", "app.py"]',
  "",
].join("\n");

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-review-"));
  fs.mkdirSync(path.join(dir, "old"));
  fs.mkdirSync(path.join(dir, "done"));
  fs.writeFileSync(path.join(dir, "old", "Dockerfile"), OLD_PYTHON);
  fs.writeFileSync(path.join(dir, "old", "requirements.txt"), "flask\n");
  fs.writeFileSync(
    path.join(dir, "old", ".dockerignore"),
    ".venv\n.git\n__pycache__\n*.pyc\n.pytest_cache\n.mypy_cache\n",
  );
  fs.writeFileSync(path.join(dir, "done", "Dockerfile"), DONE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = (stderr: string): string[] => stderr.split("\n").filter((l) => l && !l.startsWith("dfmod: "));

test("notes are path:line:col: severity transform: message, action-needed first, then by line", () => {
  const r = dfmod(["--check", "."], dir);
  const shown = lines(r.stderr);
  expect(shown.length).toBeGreaterThan(1);
  for (const l of shown) expect(l).toMatch(/^old\/Dockerfile:\d+:1: (action-needed|warning|info) [a-z-]+: \S/);
  const severities = shown.map((l) => / (action-needed|warning|info) /.exec(l)![1]);
  expect(severities[0]).toBe("action-needed");
  const rank = { "action-needed": 0, warning: 1, info: 2 } as Record<string, number>;
  expect(severities.map((s) => rank[s!])).toEqual([...severities.map((s) => rank[s!])].sort());
  expect(r.stderr).toContain(
    "old/Dockerfile:1:1: action-needed alpine-to-trixie: Python 3.8 has no Debian trixie image",
  );
});

test("an unchanged file is quiet unless something is left to do; the JSON document has every note", () => {
  const r = dfmod(["--check", "."], dir);
  expect(r.stderr).not.toContain("done/Dockerfile");
  expect(r.stderr).toMatch(/notes: 1 action-needed, 0 warnings, \d+ info\n/);
  const json = JSON.parse(dfmod(["--check", "--format", "json", "."], dir).stdout) as {
    files: { path: string; notes: { id: string; transform: string }[] }[];
  };
  expect(json.files.find((f) => f.path === "done/Dockerfile")!.notes).toEqual([
    expect.objectContaining({ id: "already-multi-stage", transform: "multi-stage" }),
  ]);
});

test("--verbose also shows the info notes of unchanged files, and counts them", () => {
  const r = dfmod(["--check", "--verbose", "."], dir);
  expect(r.stderr).toMatch(/^done\/Dockerfile:\d+:1: info multi-stage: /m);
  const quiet = dfmod(["--check", "."], dir).stderr;
  const infos = (text: string): number =>
    Number(/notes: \d+ action-needed, \d+ warnings?, (\d+) info\n/.exec(text)![1]);
  expect(infos(r.stderr)).toBe(infos(quiet) + 1);
  // --quiet wins over --verbose.
  expect(dfmod(["--check", "--quiet", "--verbose", "."], dir).stderr).toBe(
    dfmod(["--check", "--quiet", "."], dir).stderr,
  );
});

test("--quiet shows warnings and action-needed notes only, and counts what it shows", () => {
  const r = dfmod(["--check", "--quiet", "."], dir);
  expect(lines(r.stderr)).toEqual([
    "old/Dockerfile:1:1: action-needed alpine-to-trixie: Python 3.8 has no Debian trixie image: left on Alpine. Upgrade Python (3.12 or newer: --python 3.12 moves it) and run dfmod again",
  ]);
  expect(r.stderr).toContain("notes: 1 action-needed, 0 warnings, 0 info\n");
  expect(dfmod(["--check", "-q", "."], dir).stderr).toBe(r.stderr);
});

test("--color colours the severity; NO_COLOR and a pipe leave it plain", () => {
  const r = dfmod(["--check", "--color", "."], dir);
  expect(r.stderr).toContain("old/Dockerfile:1:1: \x1b[1;31maction-needed\x1b[0m alpine-to-trixie: ");
  expect(dfmod(["--check", "."], dir).stderr).not.toContain("\x1b[");
});

test("note ids are stable keys in JSON and SARIF rule ids", () => {
  const json = JSON.parse(dfmod(["--check", "--format", "json", "."], dir).stdout) as {
    files: { path: string; notes: { id: string; severity: string }[] }[];
  };
  const old = json.files.find((f) => f.path === "old/Dockerfile")!;
  expect(old.notes.find((n) => n.severity === "action-needed")!.id).toBe("no-trixie-image");
  for (const n of json.files.flatMap((f) => f.notes)) expect(n.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  const sarif = JSON.parse(dfmod(["--check", "--format", "sarif", "."], dir).stdout) as {
    runs: { tool: { driver: { rules: { id: string; help?: { text: string } }[] } }; results: { ruleId: string }[] }[];
  };
  const run = sarif.runs[0]!;
  expect(run.results.map((x) => x.ruleId)).toContain("alpine-to-trixie/no-trixie-image");
  const rule = run.tool.driver.rules.find((x) => x.id === "alpine-to-trixie/no-trixie-image");
  // The rule's help is what the transform's message catalogue says the note means.
  expect(rule?.help?.text).toBe(alpineToTrixie.meta.messages["no-trixie-image"]!.description);
});

test("the diff names files from the repository's root and applies there with git apply, new files from /dev/null", () => {
  spawnSync("git", ["init", "-q", dir]);
  const sub = path.join(dir, "svc");
  fs.mkdirSync(sub);
  fs.writeFileSync(
    path.join(sub, "Dockerfile"),
    "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
  );
  fs.writeFileSync(path.join(sub, "requirements.txt"), "flask\n");
  const r = dfmod(["Dockerfile"], sub);
  expect(r.stdout.split("\n").filter((l) => /^(---|\+\+\+) /.test(l))).toEqual([
    "--- /dev/null",
    "+++ b/svc/.dockerignore",
    "--- a/svc/Dockerfile",
    "+++ b/svc/Dockerfile",
  ]);
  fs.writeFileSync(path.join(dir, "change.diff"), r.stdout);
  const apply = spawnSync("git", ["apply", "change.diff"], { cwd: dir, encoding: "utf8" });
  expect(apply.stderr).toBe("");
  expect(apply.status).toBe(0);
  expect(dfmod(["--check", "."], sub).code).toBe(0);
});

describe("help", () => {
  test("the main command's options, no subcommand-only ones, and examples", () => {
    const r = dfmod(["--help"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--write");
    expect(r.stdout).toContain("--split");
    expect(r.stdout).not.toContain("--changed-since");
    expect(r.stdout).not.toContain("--python-image");
    expect(r.stdout).toMatch(/\nExamples:\n {2}dfmod Dockerfile /);
  });

  test("a subcommand's help shows its own options", () => {
    const r = dfmod(["explain", "--help"], dir);
    expect(r.stdout).toContain("--changed-since");
    expect(r.stdout).not.toContain("--write");
    expect(dfmod(["packages", "--help"], dir).stdout).toContain("--python-image");
  });

  test.each([
    [["explain", "--write", "."], "write"],
    [["explain", "--jobs", "2", "."], "jobs"],
    [["packages", "--skip", "x", "jq"], "skip"],
    [["list", "--check"], "check"],
  ])("an option the subcommand does not take is an error there: %p", (args, option) => {
    const r = dfmod(args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Unknown argument: ${option}`);
    expect(r.stderr).toContain(`Run \`dfmod ${args[0]} --help\` for its options.`);
  });
});

test("no note contradicts the output: a purge the split removes is not also reported as made", () => {
  fs.writeFileSync(
    path.join(dir, "old", "Dockerfile"),
    [
      "FROM python:3.13-alpine",
      "WORKDIR /app",
      "COPY requirements.txt .",
      "RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install -r requirements.txt && apk del .build-deps",
      "COPY . .",
      'CMD ["python", "app.py"]',
      "",
    ].join("\n"),
  );
  const json = JSON.parse(dfmod(["--format", "json", "old/Dockerfile"], dir).stdout) as {
    files: { diff: string; notes: { id: string }[] }[];
  };
  const file = json.files.find((f) => f.diff)!;
  expect(file.diff).not.toMatch(/^\+.*apt-get purge/m);
  const ids = file.notes.map((n) => n.id);
  expect(ids).toContain("build-package-purge-dropped");
  expect(ids).not.toContain("apk-del-to-purge");
  expect(ids).not.toContain("virtual-package-purged");
});

test("SARIF has a result for a compose file dfmod changes outside the transforms (an anonymous volume)", () => {
  const app = path.join(dir, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, "Dockerfile"),
    "FROM python:3.13-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.12.5 /uv /uvx /bin/\nWORKDIR /app\nCOPY . .\nRUN uv sync --locked\n",
  );
  fs.writeFileSync(path.join(app, "pyproject.toml"), "[project]\nname = 'app'\nversion = '1'\n");
  fs.writeFileSync(path.join(app, "uv.lock"), "version = 1\n");
  fs.writeFileSync(path.join(app, "compose.yaml"), "services:\n  app:\n    build: .\n    volumes:\n      - .:/app\n");
  const sarif = JSON.parse(dfmod(["--check", "--format", "sarif", "."], app).stdout) as {
    runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  };
  const compose = sarif.runs[0]!.results.filter(
    (r) => r.locations[0]!.physicalLocation.artifactLocation.uri === "compose.yaml",
  );
  expect(compose.map((r) => r.ruleId)).toEqual(["dfmod"]);
});

test("a compose build tagged with an Alpine name gets a warning when its image becomes Debian", () => {
  const app = path.join(dir, "tagged");
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "requirements.txt"), "flask\n");
  fs.writeFileSync(
    path.join(app, "compose.yaml"),
    "services:\n  app:\n    image: python:3.13.1-alpine3.21\n    build:\n      context: .\n",
  );
  fs.writeFileSync(
    path.join(app, "Dockerfile"),
    "FROM python:3.13.1-alpine3.21\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n",
  );
  const json = JSON.parse(dfmod(["--check", "--format", "json", "."], app).stdout) as {
    files: { path: string; notes: { id: string; severity: string }[] }[];
  };
  expect(json.files.find((f) => f.path === "Dockerfile")!.notes).toContainEqual(
    expect.objectContaining({ id: "alpine-tag-on-debian-build", severity: "warning" }),
  );
});

describe("a compose service that runs what the migrated image no longer has: the Dockerfile is left as it is", () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "usr-local",
      'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["gunicorn", "app:app"]\n',
      "    command: /usr/local/bin/gunicorn app:app\n",
      /its command \(\/usr\/local\/bin\/gunicorn app:app\) names \/usr\/local\/bin\/gunicorn/,
    ],
    [
      "poetry",
      'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nRUN pip install poetry\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root --only main\nCOPY . .\nCMD ["python", "-m", "app"]\n',
      "    command: poetry run python -m app\n",
      /runs poetry, which the split keeps in the builder stage/,
    ],
    [
      "busybox",
      'FROM python:3.12-alpine\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "-m", "app"]\n',
      '    healthcheck:\n      test: ["CMD-SHELL", "wget -qO- http://localhost:8000/ || exit 1"]\n',
      /runs wget, which BusyBox had built in/,
    ],
    [
      "su-exec",
      'FROM python:3.12-alpine\nRUN apk add --no-cache su-exec\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "-m", "app"]\n',
      "    command: su-exec app celery -A app worker\n",
      /runs su-exec, which Alpine has and the Debian image does not/,
    ],
    [
      "ash",
      'FROM python:3.12-alpine\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ["python", "-m", "app"]\n',
      '    entrypoint: ["/bin/ash", "-c"]\n    command: ["python -m app"]\n',
      /runs \/bin\/ash, which Alpine has and the Debian image does not/,
    ],
  ];
  test.each(cases)("%s", (name, dockerfile, service, message) => {
    const app = path.join(dir, `override-${name}`);
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "requirements.txt"), "flask\n");
    fs.writeFileSync(path.join(app, "pyproject.toml"), "[project]\nname = 'app'\nversion = '1'\n");
    fs.writeFileSync(path.join(app, "poetry.lock"), "");
    fs.writeFileSync(path.join(app, "Dockerfile"), dockerfile);
    fs.writeFileSync(path.join(app, "compose.yaml"), `services:\n  app:\n    build: .\n${service}`);
    const json = JSON.parse(dfmod(["--check", "--format", "json", "Dockerfile"], app).stdout) as {
      files: { path: string; changed: boolean; notes: { id: string; message: string }[] }[];
    };
    const file = json.files.find((f) => f.path === "Dockerfile")!;
    expect(file.changed).toBe(false);
    expect(file.notes).toEqual([
      expect.objectContaining({ id: "compose-override-breaks", message: expect.stringMatching(message) }),
    ]);
    // Without the override, the same Dockerfile migrates.
    fs.writeFileSync(path.join(app, "compose.yaml"), "services:\n  app:\n    build: .\n");
    const plain = JSON.parse(dfmod(["--check", "--format", "json", "Dockerfile"], app).stdout) as typeof json;
    expect(plain.files.find((f) => f.path === "Dockerfile")!.changed).toBe(true);
  });
});
