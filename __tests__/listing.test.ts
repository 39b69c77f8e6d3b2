/**
 * Folder listings (src/engine/listing.ts): a run asks once per folder what it holds, and answers
 * "not there" from the listing. A name there in another letter case, a folder that cannot be
 * listed, and a file made after an earlier run all still count as possibly there.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { absent, forgetListings, useListings } from "../src/engine/listing";
import { migrate } from "../src/index";
import { folderContext, forgetFolders } from "../src/engine/context";
import { dfmod } from "./support/cli";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-listing-"));
  forgetListings();
  useListings();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("a name the folder holds is not absent; one it does not hold is", () => {
  fs.writeFileSync(path.join(dir, "requirements.txt"), "");
  fs.mkdirSync(path.join(dir, ".git"));
  expect(absent(dir, "requirements.txt")).toBe(false);
  expect(absent(dir, ".git")).toBe(false);
  expect(absent(dir, "uv.lock")).toBe(true);
});

test("a name there in another letter case is not absent (a case-insensitive file system finds it)", () => {
  fs.writeFileSync(path.join(dir, "Compose.YAML"), "");
  fs.writeFileSync(path.join(dir, "Ünï.txt"), "");
  expect(absent(dir, "compose.yaml")).toBe(false);
  expect(absent(dir, "ünï.txt".normalize("NFD"))).toBe(false);
});

test("the root of a file system, . and .. are never called absent; a context at / still finds itself", () => {
  expect(absent(path.dirname(dir), "")).toBe(false);
  expect(absent(dir, ".")).toBe(false);
  expect(absent(dir, "..")).toBe(false);
  forgetFolders();
  useListings();
  const root = folderContext(path.parse(dir).root);
  expect(root.present(".")).toBe(true);
  expect(root.isDirectory(".")).toBe(true);
  expect(root.folders(".").length).toBeGreaterThan(0);
});

test("a folder that cannot be listed (missing, or a file) calls nothing absent", () => {
  fs.writeFileSync(path.join(dir, "file"), "");
  expect(absent(path.join(dir, "missing"), "x")).toBe(false);
  expect(absent(path.join(dir, "file"), "x")).toBe(false);
});

test("listings are off until turned on, and forgetting them turns them off", () => {
  forgetListings();
  expect(absent(dir, "nothing-here")).toBe(false);
  useListings();
  expect(absent(dir, "nothing-here")).toBe(true);
});

test("a listing is kept until forgotten; migrate() forgets them, so a file made since an earlier call is seen", async () => {
  expect(absent(dir, "late.txt")).toBe(true);
  fs.writeFileSync(path.join(dir, "late.txt"), "");
  expect(absent(dir, "late.txt")).toBe(true);
  forgetListings();
  useListings();
  expect(absent(dir, "late.txt")).toBe(false);

  const text = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n';
  const first = await migrate(text, { context: dir, transforms: ["dockerignore"] });
  expect(first.notes.map((n) => n.id)).toEqual(["dockerignore-created"]);
  fs.writeFileSync(path.join(dir, ".dockerignore"), ".git\n");
  const second = await migrate(text, { context: dir, transforms: ["dockerignore"] });
  expect(second.notes.map((n) => n.id)).toEqual(["dockerignore-extended"]);
});

test("a run of many files (listings on) still finds a Dockerfile's own .dockerignore and the context's files", () => {
  const text =
    'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, `svc${i}.Dockerfile`), text);
  fs.writeFileSync(path.join(dir, "requirements.txt"), "flask\n");
  fs.writeFileSync(path.join(dir, "svc3.Dockerfile.dockerignore"), ".git\n");
  const r = dfmod(["--check", "--format", "json", "--jobs", "1", "."], dir);
  const files = (JSON.parse(r.stdout) as { files: { path: string; notes: { id: string; message: string }[] }[] }).files;
  const ignoreNote = (name: string) =>
    files.find((f) => f.path === name)?.notes.find((n) => n.id.startsWith("dockerignore-"));
  expect(ignoreNote("svc3.Dockerfile")).toMatchObject({ id: "dockerignore-extended" });
  expect(ignoreNote("svc3.Dockerfile")?.message).toContain("svc3.Dockerfile.dockerignore");
  expect(ignoreNote("svc4.Dockerfile")).toMatchObject({ id: "dockerignore-created" });
  // requirements.txt was found: the install's manifest is copied before the code.
  expect(files.find((f) => f.path === "svc4.Dockerfile")?.notes.map((n) => n.id)).toContain("manifests-first");
});
