/**
 * --commit-message and --pr-body on the example projects, byte for byte against
 * __tests__/campaign/<example>.commit.txt and .pr.md (never trimmed); the same bytes on every run,
 * from a dry run and from --write; empty once the files are migrated; the JSON's outcome and texts;
 * `-` for standard output and the command lines that cannot take it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dfmod } from "./support/cli";

const root = path.join(__dirname, "..");
const cli = path.join(root, "dist", "src", "cli.js");
const expected = path.join(__dirname, "campaign");

let temp: string;
beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does)`);
});
beforeEach(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-campaign-"));
});
afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

/** An example project copied as a repository of its own (the files dfmod's tests keep beside it left out). */
function project(name: string): string {
  const dir = path.join(temp, name);
  fs.cpSync(path.join(root, "examples", name), dir, {
    recursive: true,
    filter: (src) => !/(?:migrated.*\.txt|e2e\.json)$/.test(src),
  });
  fs.mkdirSync(path.join(dir, ".git"));
  return dir;
}

const read = (file: string): string => fs.readFileSync(file, "utf8");

describe.each(["uv-service", "legacy-worker", "pg-service"])("%s", (name) => {
  test("the commit message and PR body, byte for byte; the same from a rerun and from --write; empty after", () => {
    const dir = project(name);
    const msg = path.join(temp, "commit.txt");
    const body = path.join(temp, "pr.md");
    const texts = (): [string, string] => [read(msg), read(body)];
    const want: [string, string] = [
      read(path.join(expected, `${name}.commit.txt`)),
      read(path.join(expected, `${name}.pr.md`)),
    ];
    expect(dfmod(["--commit-message", msg, "--pr-body", body, "."], dir).code).toBe(0);
    expect(texts()).toEqual(want);
    expect(dfmod(["--commit-message", msg, "--pr-body", body, "."], dir).code).toBe(0);
    expect(texts()).toEqual(want);
    // --write reads the files it explains before it replaces them: the same texts.
    const written = dfmod(["--write", "--format", "json", "--commit-message", msg, "--pr-body", body, "."], dir);
    expect(written.code).toBe(0);
    expect(texts()).toEqual(want);
    const doc = JSON.parse(written.stdout);
    expect(doc.outcome).toBe("changed");
    expect([doc.commitMessage, doc.prBody]).toEqual(want);
    // Migrated: nothing to commit, both files empty.
    const again = dfmod(["--write", "--format", "json", "--commit-message", msg, "--pr-body", body, "."], dir);
    expect(JSON.parse(again.stdout).outcome).toBe("unchanged");
    expect(texts()).toEqual(["", ""]);
  });
});

const ALPINE_OK =
  'FROM python:3.12-alpine\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';
const ALPINE_STUCK = 'FROM python:3.12-alpine\nRUN apk add --no-cache libnot-in-debian-dev\nCMD ["python"]\n';

function repoWith(files: Record<string, string>): string {
  const dir = path.join(temp, "repo");
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
  return dir;
}

test("outcome: changed-action-needed; the checklist has every action-needed note; the unknown package is in the note", () => {
  const dir = repoWith({
    "api/Dockerfile": ALPINE_OK,
    "api/requirements.txt": "flask\n",
    "api/app.py": "print(1)\n",
    "worker/Dockerfile": ALPINE_STUCK,
  });
  const r = dfmod(["--format", "json", "--commit-message", "m.txt", "--pr-body", "b.md", "api", "worker"], dir);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.outcome).toBe("changed-action-needed");
  const notes = doc.files.flatMap((f: { notes: { severity: string; packages?: string[] }[] }) => f.notes);
  const stuck = notes.filter((n: { severity: string }) => n.severity === "action-needed");
  expect(stuck.length).toBeGreaterThan(0);
  expect(notes.flatMap((n: { packages?: string[] }) => n.packages ?? [])).toEqual(["libnot-in-debian-dev"]);
  const body = read(path.join(dir, "b.md"));
  expect(body.match(/^- \[ \] `worker\/Dockerfile` line \d+ \(alpine-to-trixie\): /gm)).toHaveLength(stuck.length);
  const message = read(path.join(dir, "m.txt"));
  expect(message).toMatch(/^dfmod: migrate 1 Dockerfile/);
  expect(message).toContain(
    "\nLeft as they were, with notes:\n\nworker/Dockerfile\n  action-needed alpine-to-trixie (line ",
  );
  for (const line of message.split("\n")) expect(line.length).toBeLessThanOrEqual(72);
});

test("- writes the text to standard output instead of the diff; with JSON or both at once it is a usage error", () => {
  const dir = repoWith({ Dockerfile: ALPINE_OK, "requirements.txt": "flask\n", "app.py": "" });
  const stdout = dfmod(["--commit-message", "-", "."], dir);
  expect(stdout.code).toBe(0);
  expect(stdout.stdout).toMatch(/^dfmod: migrate 1 Dockerfile/);
  expect(stdout.stdout).not.toContain("--- a/Dockerfile");
  dfmod(["--commit-message", "file.txt", "."], dir);
  expect(stdout.stdout).toBe(read(path.join(dir, "file.txt")));
  for (const args of [
    ["--commit-message", "-", "--format", "json", "."],
    ["--pr-body", "-", "--format", "sarif", "."],
    ["--commit-message", "-", "--pr-body", "-", "."],
    ["--pr-body", "", "."],
  ]) {
    const r = dfmod(args, dir);
    expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^dfmod: --(commit-message|pr-body)/);
  }
  const missing = dfmod(["--commit-message", "no/such/folder/m.txt", "."], dir);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("dfmod: --commit-message no/such/folder/m.txt: cannot write: ENOENT");
});

test("--check --fail-on never: 0 when nothing would change, 1 when something would; outcome says which", () => {
  const dir = repoWith({ Dockerfile: ALPINE_OK, "requirements.txt": "flask\n", "app.py": "" });
  const before = dfmod(["--check", "--fail-on", "never", "--format", "json", "."], dir);
  expect([before.code, JSON.parse(before.stdout).outcome]).toEqual([1, "changed"]);
  dfmod(["--write", "."], dir);
  const after = dfmod(["--check", "--fail-on", "never", "--format", "json", "."], dir);
  expect([after.code, JSON.parse(after.stdout).outcome]).toEqual([0, "unchanged"]);
});

test("a file left as it was: its error with its line, its warnings under it in the PR body", () => {
  const dir = repoWith({
    "api/Dockerfile": ALPINE_OK,
    "api/requirements.txt": "flask\n",
    "api/app.py": "print(1)\n",
    "broken/Dockerfile": "FROM python:3.12-alpine\nFOO | bar\n",
    "worker/Dockerfile": ALPINE_STUCK,
  });
  const r = dfmod(["--commit-message", "m.txt", "--pr-body", "b.md", "api", "broken", "worker"], dir);
  expect(r.code).toBe(2);
  const body = read(path.join(dir, "b.md"));
  const left = body.slice(body.indexOf("\n### Left as they were\n"));
  expect(left).toBe(
    "\n### Left as they were\n\n" +
      "- `broken/Dockerfile`: error (line 2): unknown instruction: FOO\n" +
      "- `worker/Dockerfile`: 2 action-needed, 1 warning\n" +
      "  - line 1 (multi-stage): **warning:** not split into builder and runtime stages: the stage installs with apk (line 2): dfmod does not know the Alpine runtime packages of what it installs, so a runtime stage could lose them. Migrate it to Debian first (alpine-to-trixie), or split it by hand\n",
  );
  expect(read(path.join(dir, "m.txt"))).toContain(
    "\nLeft as they were, with notes:\n\nbroken/Dockerfile\n  error (line 2): unknown instruction: FOO\n",
  );
});

describe("a PR body longer than GitHub takes (65,536 characters)", () => {
  const { prBody, PR_BODY_LIMIT } = require("../src/report/campaign") as typeof import("../src/report/campaign");
  const order = ["alpine-to-trixie", "multi-stage"];
  const note = (line: number, severity: "info" | "action-needed", message: string) => ({
    transform: "alpine-to-trixie",
    id: severity === "info" ? "base-image" : "left-on-alpine",
    severity,
    line,
    message,
  });
  /** `n` changed Dockerfiles, each with three long info notes; every tenth with an action-needed one. */
  const results = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      path: `services/service-${String(i).padStart(4, "0")}/Dockerfile`,
      changed: true,
      transforms: ["alpine-to-trixie"],
      diff: "",
      notes: [
        note(
          1,
          "info",
          `python:3.12-alpine -> python:3.12-slim-trixie: glibc, so pip installs wheels (${"x".repeat(200)})`,
        ),
        note(4, "info", `apk add -> apt-get install: renamed postgresql-dev -> libpq-dev (${"y".repeat(200)})`),
        note(9, "info", "BusyBox adduser -> useradd"),
        ...(i % 10 === 0 ? [note(5, "action-needed", `check the package list of service ${i}`)] : []),
      ],
    }));

  test("a body that fits is the whole body", () => {
    const r = results(20);
    const body = prBody(r, order, new Map());
    expect(body.length).toBeLessThan(PR_BODY_LIMIT);
    expect(prBody(r, order, new Map(), 10 * PR_BODY_LIMIT)).toBe(body);
    expect(body).not.toContain("left out");
  });

  test("is cut to the limit: what changed and why first, the action-needed checklist kept whole", () => {
    const r = results(600);
    const whole = prBody(r, order, new Map(), 100 * PR_BODY_LIMIT);
    expect(whole.length).toBeGreaterThan(2 * PR_BODY_LIMIT);
    const body = prBody(r, order, new Map());
    expect(body.length).toBeLessThanOrEqual(PR_BODY_LIMIT);
    expect(body.endsWith("\n")).toBe(true);
    // Every action-needed note is still there, and every file of the table.
    for (let i = 0; i < 600; i += 10) expect(body).toContain(`check the package list of service ${i}`);
    for (const f of r) expect(body).toContain(`| \`${f.path}\` |`);
    expect(body).toContain("### What changed and why");
    expect(body).toMatch(
      /\n\n_\d+ more lines left out here: GitHub takes at most 65,536 characters in a pull request's body \(`dfmod --check` lists everything\)\._\n/,
    );
    // What is kept of a part is its beginning, as it was.
    const why = whole.indexOf("### What changed and why");
    const cut = body.indexOf("\n\n_", body.indexOf("### What changed and why"));
    expect(whole.slice(why, why + (cut - body.indexOf("### What changed and why")))).toBe(
      body.slice(body.indexOf("### What changed and why"), cut),
    );
  });

  test("with a limit the checklist alone exceeds, the checklist is cut too and the body still fits", () => {
    const r = results(600);
    const body = prBody(r, order, new Map(), 4000);
    expect(body.length).toBeLessThanOrEqual(4000);
    expect(body).toContain("### Action needed");
    expect(body).toContain("left out here");
  });
});
