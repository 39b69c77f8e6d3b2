/** Repo-wide runs of the built binary: discovery, ignore rules, configs, links, workers, SARIF. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import { makeRepo } from "./support/repo";
import { cli, dfmod } from "./support/cli";

let repo: ReturnType<typeof makeRepo>;
beforeEach(() => {
  repo = makeRepo();
});
afterEach(() => repo.cleanup());

test("--check lists what would change, honouring .gitignore, .dfmodignore, config ignores, node_modules and links", () => {
  const r = dfmod(["--check", "."], repo.root);
  expect(r.code).toBe(2); // broken.Dockerfile cannot be read
  const listed = r.stdout.split("\n").filter(Boolean);
  expect(listed.filter((p) => !p.startsWith("many/"))).toEqual([
    "linked.Dockerfile",
    "services/api/.dockerignore",
    "services/api/Dockerfile",
    "services/api/compose.yaml",
    "services/uv/.dockerignore",
    "services/uv/Dockerfile",
    "services/worker/.dockerignore",
    "web/.dockerignore",
    "web/Dockerfile.prod",
  ]);
  // 40 Dockerfiles, and a .dockerignore for the 20 that copy the whole context.
  expect(listed.filter((p) => p.startsWith("many/")).length).toBe(60);
  expect(r.stderr).toContain("broken.Dockerfile: error: a symbolic link whose target does not exist\n");
  expect(r.stderr).toContain("outside.Dockerfile: skipped: a symbolic link to a file outside the folder given\n");
  // An unchanged file is quiet unless something is left to do: its info notes are in the JSON only.
  expect(r.stderr).not.toContain("tools/go.Dockerfile");
  const json = JSON.parse(dfmod(["--check", "--format", "json", "."], repo.root).stdout) as {
    files: { path: string; notes: { id: string; message: string }[] }[];
  };
  expect(json.files.find((f) => f.path === "tools/go.Dockerfile")?.notes).toContainEqual(
    expect.objectContaining({
      id: "alpine-stage-left",
      message: expect.stringMatching(/^golang:1\.26-alpine: an Alpine stage/),
    }),
  );
  for (const ignored of ["build/", "legacy/", "vendor/", "node_modules/", "web/app.generated.Dockerfile"]) {
    expect(r.stdout + r.stderr).not.toContain(ignored);
  }
});

test("--jobs 1 and --jobs 4 give the same output and exit code", () => {
  const one = dfmod(["--jobs", "1", "."], repo.root);
  const four = dfmod(["--jobs", "4", "."], repo.root);
  expect(four.code).toBe(one.code);
  expect(four.stdout).toBe(one.stdout);
  // (On a machine with fewer CPUs, --jobs 4 says it uses fewer threads.)
  expect(four.stderr.replace(/^dfmod: --jobs 4 is more than the \d+ CPUs: using \d+\n/, "")).toBe(one.stderr);
  expect(one.stdout.length).toBeGreaterThan(1000);
  const json1 = dfmod(["--jobs", "1", "--format", "json", "."], repo.root);
  const json4 = dfmod(["--jobs", "4", "--format", "json", "."], repo.root);
  expect(json4.stdout).toBe(json1.stdout);
});

test("--write goes through links inside the folder, never out of it, and keeps the link", () => {
  const outsideBefore = fs.readFileSync(repo.outside, "utf8");
  const r = dfmod(["--write", "--jobs", "4", "."], repo.root);
  expect(r.code).toBe(2);
  expect(fs.lstatSync(path.join(repo.root, "linked.Dockerfile")).isSymbolicLink()).toBe(true);
  expect(fs.readFileSync(path.join(repo.root, "services", "worker", "Containerfile"), "utf8")).toContain(
    "COPY requirements.txt ./",
  );
  expect(fs.readFileSync(repo.outside, "utf8")).toBe(outsideBefore);
  expect(fs.readFileSync(path.join(repo.root, "services", "api", ".dockerignore"), "utf8")).toBe(
    "**/.venv\n.git\n**/__pycache__\n**/*.pyc\n**/.pytest_cache\n**/.mypy_cache\n",
  );
  // A second run finds nothing more to do (but the broken link).
  const again = dfmod(["--check", "."], repo.root);
  expect(again.stdout).toBe("");
});

test("config: options from dfmod.config.json, transforms off per folder, flags win", () => {
  const uv = dfmod(["--stdout", "services/uv/Dockerfile"], repo.root);
  expect(uv.stdout).toContain("uv sync --locked --no-dev --no-install-project");
  const flag = dfmod(["--stdout", "--uv-check", "frozen", "services/uv/Dockerfile"], repo.root);
  expect(flag.stdout).toContain("uv sync --frozen --no-dev --no-install-project");
  const worker = dfmod(["--stdout", "services/worker/Containerfile"], repo.root);
  expect(worker.stdout).not.toContain("AS builder");
  expect(worker.stdout).toContain("COPY requirements.txt ./");
});

test("a malformed config is an error that names the file and the key", () => {
  fs.writeFileSync(
    path.join(repo.root, "web", ".dfmodrc.json"),
    JSON.stringify({ options: { "uv-check": "sometimes" } }),
  );
  const r = dfmod(["--check", "web"], repo.root);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(
    `web/Dockerfile.prod: error: config: ${path.join(repo.root, "web", ".dfmodrc.json")}: options.uv-check: must be one of "frozen", "locked"\n`,
  );
  fs.writeFileSync(path.join(repo.root, "web", ".dfmodrc.json"), JSON.stringify({ transforms: { "no-such": true } }));
  expect(dfmod(["--check", "web"], repo.root).stderr).toContain(
    ".dfmodrc.json: transforms.no-such: no transform has this id",
  );
});

test("--ignore leaves out matching files", () => {
  const r = dfmod(["--check", "--ignore", "many/", "--ignore", "services/api", "."], repo.root);
  expect(r.stdout.split("\n").filter(Boolean)).toEqual([
    "linked.Dockerfile",
    "services/uv/.dockerignore",
    "services/uv/Dockerfile",
    "services/worker/.dockerignore",
    "web/.dockerignore",
    "web/Dockerfile.prod",
  ]);
});

test("compose: the shared build and the Dockerfile's HEALTHCHECK note", () => {
  const r = dfmod(["services/api"], repo.root);
  expect(r.stdout).toContain("+++ b/services/api/compose.yaml\n");
  expect(r.stdout).toContain("+    image: api:latest\n");
  expect(r.stderr).toContain(
    "web, worker share this Dockerfile (services/api/compose.yaml) and web define their own healthcheck",
  );
});

test("--format sarif is valid SARIF 2.1.0, with the transform ids as rule ids", () => {
  const r = dfmod(["--format", "sarif", "."], repo.root);
  const log = JSON.parse(r.stdout);
  const schema = JSON.parse(
    fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
  );
  // The schema has a pattern that is not valid with the "u" flag (a stray "]"), hence unicodeRegExp: false.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  const validate = ajv.compile(schema);
  expect(validate(log) ? [] : validate.errors).toEqual([]);
  const ids = new Set(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId));
  expect([...ids].sort()).toEqual([
    "alpine-to-trixie",
    "compose-shared-image",
    "copy-order",
    "dfmod",
    "dockerignore",
    "multi-stage",
    "uv-sync",
  ]);
  // Every change has a line; a .dockerignore's fix runs dfmod on its folder (it is no Dockerfile).
  type Result = { ruleId: string; message: { text: string }; locations: { physicalLocation: object }[] };
  const changes = (log.runs[0].results as Result[]).filter((x) => !x.ruleId.includes("/") && x.ruleId !== "dfmod");
  for (const x of changes) expect(x.locations[0]!.physicalLocation).toHaveProperty("region.startLine");
  const ignore = changes.find((x) => x.ruleId === "dockerignore")!;
  expect(ignore.message.text).toMatch(/run `dfmod --write [^`]*` *$/);
  expect(ignore.message.text).not.toContain(".dockerignore`");
  expect(r.code).toBe(2);
});

test("the progress line shows on a terminal only", () => {
  const piped = dfmod(["--check", "many"], repo.root);
  expect(piped.stderr).not.toContain("\r");
  // `script` gives the command a terminal; its output is what the terminal received.
  const tty = spawnSync("script", ["-qec", `${process.execPath} ${cli} --check many`, "/dev/null"], {
    cwd: repo.root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (tty.error) throw new Error(`script(1) is needed for this test: ${tty.error.message}`);
  expect(tty.stdout).toMatch(/\r\x1b\[K\[1\/40\] many\/\d\d\/Dockerfile/);
  expect(tty.stdout).toMatch(/\r\x1b\[K\[40\/40\] many\/\d\d\/Dockerfile/);
});

test("--write killed mid-run leaves every file either as it was or fully replaced", async () => {
  const { spawn } = await import("node:child_process");
  const dir = path.join(repo.root, "bulk");
  const slow =
    'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';
  for (let i = 0; i < 400; i++) {
    fs.mkdirSync(path.join(dir, String(i)), { recursive: true });
    fs.writeFileSync(path.join(dir, String(i), "Dockerfile"), slow);
    fs.writeFileSync(path.join(dir, String(i), "requirements.txt"), "flask\n");
  }
  const expected = dfmod(["--stdout", "-t", "copy-order", path.join(dir, "0", "Dockerfile")], repo.root).stdout;
  expect(expected).not.toBe(slow);
  const child = spawn(process.execPath, [cli, "--write", "-t", "copy-order", "--jobs", "1", dir], { stdio: "ignore" });
  // Kill it as soon as the first file has been replaced.
  const started = Date.now();
  while (Date.now() - started < 20000) {
    if (fs.readdirSync(dir).some((d) => fs.readFileSync(path.join(dir, d, "Dockerfile"), "utf8") !== slow)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const states = fs.readdirSync(dir).map((d) => fs.readFileSync(path.join(dir, d, "Dockerfile"), "utf8"));
  expect(states.filter((t) => t !== slow && t !== expected)).toEqual([]);
  expect(states.filter((t) => t === expected).length).toBeGreaterThan(0);
  expect(states.filter((t) => t === slow).length).toBeGreaterThan(0); // it was stopped mid-run
}, 60_000); // it waits up to 20 s for the first write: on a loaded machine the default 5 s is too short
