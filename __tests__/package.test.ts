/**
 * dfmod as users get it: the packed tarball (`npm pack`) installed into an empty project, then the
 * library used the way a user would (`require("dfmod")`, and its types from TypeScript) and the
 * CLI run from node_modules/.bin. npm fetches the runtime dependencies (its cache usually has them).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const app = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-package-"));
afterAll(() => fs.rmSync(app, { recursive: true, force: true }));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command: string, args: string[], cwd: string, input?: string) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The tarball of the build `npm test` made (no scripts: `prepare` would build again).
  const pack = run(npm, ["pack", "--ignore-scripts", "--pack-destination", app, "--silent"], root);
  expect(pack.code).toBe(0);
  const tarball = path.join(app, pack.stdout.trim().split("\n").pop()!);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
  const install = run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--silent", tarball], app);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
}, 180_000);

const alpine = 'FROM python:3.12-alpine\nRUN apk add --no-cache curl\nCMD ["python", "-m", "app"]\n';

test("require('dfmod'): migrate gives the new text, the notes and edits that turn the input into it", () => {
  const script = `
    const { migrate, transforms } = require("dfmod");
    const text = require("node:fs").readFileSync(0, "utf8");
    migrate(text, { transforms: ["alpine-to-trixie"] }).then((r) => {
      let applied = text;
      for (const e of [...r.edits].reverse()) applied = applied.slice(0, e.start) + e.text + applied.slice(e.end);
      console.log(JSON.stringify({ ids: transforms.map((t) => t.id), ...r, applied }));
    });`;
  const r = run(process.execPath, ["-e", script], app, alpine);
  expect(r.stderr).toBe("");
  const result = JSON.parse(r.stdout) as {
    ids: string[];
    output: string;
    changed: boolean;
    applied: string;
    notes: { transform: string; id: string; severity: string; line: number }[];
  };
  expect(result.ids).toContain("alpine-to-trixie");
  expect(result.changed).toBe(true);
  expect(result.output).toBe(
    'FROM python:3.12-slim-trixie\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nCMD ["python", "-m", "app"]\n',
  );
  expect(result.applied).toBe(result.output);
  expect(result.notes.map((n) => `${n.line} ${n.transform}/${n.id}`)).toContain("1 alpine-to-trixie/image-migrated");
});

test("the package's types compile in a user's TypeScript", () => {
  fs.writeFileSync(
    path.join(app, "use.ts"),
    'import { migrate, type MigrateResult, type Transform } from "dfmod";\n' +
      'const mine: Transform = { id: "mine", summary: "s", meta: { docs: "", options: [], messages: {} }, apply: () => undefined };\n' +
      'const done: Promise<MigrateResult> = migrate("FROM x\\n", { transforms: ["uv-sync", mine] });\n' +
      "void done;\n",
  );
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const r = run(
    process.execPath,
    [
      tsc,
      "--noEmit",
      "--strict",
      "--types",
      "node",
      "--typeRoots",
      path.join(root, "node_modules", "@types"),
      "use.ts",
    ],
    app,
  );
  expect(r.stdout + r.stderr).toBe("");
  expect(r.code).toBe(0);
});

test("the CLI runs from node_modules/.bin", () => {
  const bin = path.join(app, "node_modules", ".bin", "dfmod");
  const list = run(bin, ["list"], app);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^dockerignore {2}/);
  fs.writeFileSync(path.join(app, "Dockerfile"), alpine);
  const diff = run(bin, ["-t", "alpine-to-trixie", "Dockerfile"], app);
  expect(diff.code).toBe(0);
  expect(diff.stdout).toContain("+FROM python:3.12-slim-trixie\n");
});
