/**
 * The pre-commit hooks (.pre-commit-hooks.yaml): their definitions, their `files` pattern against
 * the names dfmod searches folders for (src/discover.ts), in JavaScript and, when python3 is there,
 * in Python's `re` as pre-commit applies it; `npm pack` as pre-commit runs it to install the
 * package; and, when pre-commit is installed, pre-commit itself on a temporary git repository,
 * with the hooks declared `repo: local` on the built CLI.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { kindOf } from "../src/discover";

const root = path.join(__dirname, "..");
const cli = path.join(root, "dist", "src", "cli.js");

interface Hook {
  id: string;
  name: string;
  description: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
  require_serial: boolean;
}
const hooks = parse(fs.readFileSync(path.join(root, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
const files = hooks[0]!.files;

const available = (command: string, args: string[]): boolean => spawnSync(command, args).status === 0;
const hasPython = available("python3", ["-c", "import re"]);
const hasPreCommit = available("pre-commit", ["--version"]);

const NAMES = [
  "Dockerfile",
  "Containerfile",
  "Dockerfile.prod",
  "Dockerfile.dev.arm64",
  "Containerfile.ci",
  "app.Dockerfile",
  "app.dockerfile",
  "worker.Containerfile",
  ".Dockerfile",
  "compose.yaml",
  "compose.yml",
  "docker-compose.yaml",
  "docker-compose.yml",
  "docker-compose.prod.yml",
  "docker-compose.override.yaml",
  "compose.override.yaml",
  "compose.dev.yml",
  // Not taken:
  "Dockerfile.dockerignore",
  "app.Dockerfile.dockerignore",
  ".dockerignore",
  "Dockerfile.",
  "dockerfile",
  "Dockerfiles",
  "MyDockerfile",
  "app.Dockerfile.bak",
  "compose.json",
  "compose..yaml.bak",
  "docker-compose.yml.orig",
  "docker-compose.",
  "mycompose.yaml",
  "README.md",
];
/** Each name at the root and in folders, one of them with a name that looks like a Dockerfile's. */
const PATHS = NAMES.flatMap((n) => [n, `services/api/${n}`, `Dockerfile.d/${n}`, `x.dockerignore/${n}`]);
const taken = PATHS.filter((p) => kindOf(path.posix.basename(p)) !== undefined);

describe(".pre-commit-hooks.yaml", () => {
  test("dfmod (the fixer, --write) and dfmod-check (--check), installed as a node package", () => {
    expect(hooks.map((h) => h.id)).toEqual(["dfmod", "dfmod-check"]);
    expect(hooks.map((h) => h.entry)).toEqual(["dfmod --write", "dfmod --check"]);
    for (const h of hooks) {
      expect(h.language).toBe("node");
      expect(h.name.length).toBeGreaterThan(0);
      expect(h.description.length).toBeGreaterThan(0);
      expect(h.pass_filenames).toBe(true);
      // A compose file and the Dockerfiles it builds must be in one run, not in parallel ones.
      expect(h.require_serial).toBe(true);
      expect(h.files).toBe(files);
    }
    // The entry's command is the package's bin: pre-commit installs the package and runs it.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(Object.keys(pkg.bin)).toEqual(["dfmod"]);
    expect(pkg.scripts.prepare).toBeDefined();
  });

  test("files matches exactly the names dfmod takes from a folder", () => {
    expect(taken.length).toBe(17 * 4);
    const re = new RegExp(files);
    expect(PATHS.filter((p) => re.test(p))).toEqual(taken);
  });

  (hasPython ? test : test.skip)("files, as Python's re.search applies it, matches the same", () => {
    const r = spawnSync(
      "python3",
      [
        "-c",
        "import json, re, sys\nd = json.load(sys.stdin)\nprint(json.dumps([p for p in d[1] if re.search(d[0], p)]))",
      ],
      { input: JSON.stringify([files, PATHS]), encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual(taken);
  });
});

test("npm pack prints only the tarball's name, though `prepare` builds (.npmrc): pre-commit installs that name", () => {
  // A package like this one, with a `prepare` script that prints, packed with this repository's .npmrc.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-pack-"));
  fs.copyFileSync(path.join(root, ".npmrc"), path.join(dir, ".npmrc"));
  const pkg = { name: "t", version: "1.0.0", scripts: { prepare: "echo building" }, files: ["index.js"] };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
  fs.writeFileSync(path.join(dir, "index.js"), "");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["pack"], { cwd: dir, encoding: "utf8" });
  expect(r.status).toBe(0);
  expect(r.stdout).toBe("t-1.0.0.tgz\n");
  fs.rmSync(dir, { recursive: true, force: true });
});

(hasPreCommit ? describe : describe.skip)("pre-commit run", () => {
  let repo: string;
  const git = (...args: string[]) => spawnSync("git", args, { cwd: repo, encoding: "utf8" });
  const preCommit = (...args: string[]) => {
    const r = spawnSync("pre-commit", ["run", "--all-files", "--color", "never", ...args], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, PRE_COMMIT_HOME: path.join(path.dirname(repo), "cache"), NO_COLOR: "1" },
    });
    if (r.error) throw r.error;
    return { code: r.status, out: r.stdout + r.stderr };
  };

  beforeAll(() => {
    repo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-pre-commit-")), "repo");
    fs.mkdirSync(repo);
    expect(git("init", "-q").status).toBe(0);
    // The published hooks as `repo: local` ones on the built CLI, and one that lists the files it is given.
    const local = hooks.map((h) => ({ ...h, language: "system", entry: `node ${cli} ${h.entry.split(" ")[1]}` }));
    const names = { id: "names", name: "names", entry: "printf '%s\\n'", language: "system", files, verbose: true };
    fs.writeFileSync(
      path.join(repo, ".pre-commit-config.yaml"),
      stringify({ repos: [{ repo: "local", hooks: [...local, names] }] }),
    );
    for (const p of PATHS) {
      fs.mkdirSync(path.join(repo, path.dirname(p)), { recursive: true });
      // Every Dockerfile already migrated, every compose file with nothing to share.
      const text = p.includes("compose") ? "services:\n  web:\n    image: nginx\n" : "FROM python:3.12-slim-trixie\n";
      fs.writeFileSync(path.join(repo, p), text);
    }
    fs.writeFileSync(path.join(repo, "services/api/Dockerfile"), "FROM python:3.12-alpine\nRUN apk add curl\n");
    expect(git("add", "-A").status).toBe(0);
  }, 60_000);
  afterAll(() => fs.rmSync(path.dirname(repo), { recursive: true, force: true }));

  test("the hooks get the files dfmod takes", () => {
    const r = preCommit("names");
    expect(r.code).toBe(0);
    const listed = r.out.split("\n").filter((l) => PATHS.includes(l));
    expect(listed.sort()).toEqual([...taken].sort());
  }, 60_000);

  test("dfmod-check fails on the Alpine file; dfmod rewrites it and fails, as a fixer does; then both pass", () => {
    const check = preCommit("dfmod-check");
    expect(check.code).toBe(1);
    expect(check.out).toContain("\nservices/api/Dockerfile\n");
    const fix = preCommit("dfmod");
    expect(fix.code).toBe(1);
    expect(fix.out).toContain("files were modified by this hook");
    expect(fs.readFileSync(path.join(repo, "services/api/Dockerfile"), "utf8")).toContain(
      "FROM python:3.12-slim-trixie\n",
    );
    expect(git("add", "-A").status).toBe(0);
    expect(preCommit("dfmod").code).toBe(0);
    expect(preCommit("dfmod-check").code).toBe(0);
  }, 120_000);
});
