/**
 * Folder listings (src/engine/listing.ts): a run asks once per folder what it holds, and answers
 * "not there" from the listing. A name there in another letter case, a folder that cannot be
 * listed, and a file made after an earlier run all still count as possibly there.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { absent, forgetListings } from "../src/engine/listing";
import { migrate } from "../src/index";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-listing-"));
  forgetListings();
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

test("a folder that cannot be listed (missing, or a file) calls nothing absent", () => {
  fs.writeFileSync(path.join(dir, "file"), "");
  expect(absent(path.join(dir, "missing"), "x")).toBe(false);
  expect(absent(path.join(dir, "file"), "x")).toBe(false);
});

test("a listing is kept until forgotten; migrate() forgets them, so a file made since an earlier call is seen", async () => {
  expect(absent(dir, "late.txt")).toBe(true);
  fs.writeFileSync(path.join(dir, "late.txt"), "");
  expect(absent(dir, "late.txt")).toBe(true);
  forgetListings();
  expect(absent(dir, "late.txt")).toBe(false);

  const text = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n';
  const first = await migrate(text, { context: dir, transforms: ["dockerignore"] });
  expect(first.notes.map((n) => n.id)).toEqual(["dockerignore-created"]);
  fs.writeFileSync(path.join(dir, ".dockerignore"), ".git\n");
  const second = await migrate(text, { context: dir, transforms: ["dockerignore"] });
  expect(second.notes.map((n) => n.id)).toEqual(["dockerignore-extended"]);
});
