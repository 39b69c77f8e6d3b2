/**
 * debian-to-trixie's rename table (every trixie name it can write is in trixie's package list) and
 * --python: its check (a minor with an official trixie image), the opt-in transform it turns on,
 * and the library's migrate() doing the same.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { trixiePackages } from "../transforms/alpine-to-trixie/packages";
import { renames } from "../transforms/debian-to-trixie/renames";
import { pythonProblem } from "../transforms/python-version";
import { allowsVersion } from "../transforms/pep440";
import { migrate } from "../src/index";
import { dfmod } from "./support/cli";

/** The temporary projects of this file, removed after its tests. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function project(dockerfile: string, config?: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-debian-"));
  made.push(dir);
  fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  if (config) fs.writeFileSync(path.join(dir, "dfmod.config.json"), JSON.stringify(config));
  return dir;
}

test("every trixie name in the rename table is a trixie package, and every old name is not", () => {
  const trixie = trixiePackages();
  const table = renames();
  expect(table.size).toBeGreaterThan(1000);
  const missing = [...table.values()].flatMap((r) => r.to).filter((name) => !trixie.has(name));
  expect(missing).toEqual([]);
  expect([...table.keys()].filter((name) => trixie.has(name))).toEqual([]);
  for (const r of table.values()) {
    expect(["t64", "renamed", "replaced", "removed"]).toContain(r.kind);
    expect(r.to.length === 0).toBe(r.kind === "removed");
  }
  expect(table.get("libssl3")?.to).toEqual(["libssl3t64"]);
  expect(table.get("libssl1.1")?.to).toEqual(["libssl3t64"]);
});

test("--python takes 3.N with an official trixie image", () => {
  expect(pythonProblem("3.13")).toBeUndefined();
  expect(pythonProblem("3.9")).toBeUndefined();
  expect(pythonProblem("3.8")).toMatch(/no official python:3\.8-slim-trixie image/);
  expect(pythonProblem("3.15")).toMatch(/no official/);
  expect(pythonProblem("3")).toMatch(/takes a Python minor version, 3\.N/);
  expect(pythonProblem("3.13.1")).toMatch(/3\.N/);
});

test("an invalid --python is a usage error (exit 2), in a config file too", () => {
  const dir = project("FROM python:3.11-slim-bookworm\n");
  const r = dfmod(["--python", "3.7", "Dockerfile"], dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--python 3.7: there is no official python:3.7-slim-trixie image");
  const withConfig = project("FROM python:3.11-slim-bookworm\n", { options: { python: "three" } });
  const c = dfmod(["--check", "Dockerfile"], withConfig);
  expect(c.code).toBe(2);
  expect(c.stderr).toContain("takes a Python minor version");
});

test("debian-to-trixie runs when named, or when --python is given; --skip still skips it", () => {
  const dir = project("FROM python:3.11-slim-bookworm\nRUN apt-get update && apt-get install -y libssl3\n");
  expect(dfmod(["--stdout", "Dockerfile"], dir).stdout).toBe(fs.readFileSync(path.join(dir, "Dockerfile"), "utf8"));
  expect(dfmod(["-t", "debian-to-trixie", "--stdout", "Dockerfile"], dir).stdout).toBe(
    "FROM python:3.11-slim-trixie\nRUN apt-get update && apt-get install -y libssl3t64\n",
  );
  expect(dfmod(["--python", "3.13", "--stdout", "Dockerfile"], dir).stdout).toBe(
    "FROM python:3.13-slim-trixie\nRUN apt-get update && apt-get install -y libssl3t64\n",
  );
  expect(dfmod(["--python", "3.13", "--skip", "debian-to-trixie", "--check", "Dockerfile"], dir).code).toBe(0);
  const configured = project("FROM python:3.11-slim\n", { options: { python: "3.12" } });
  expect(dfmod(["--stdout", "Dockerfile"], configured).stdout).toBe("FROM python:3.12-slim-trixie\n");
  expect(dfmod(["list"], dir).stdout).toContain(
    "(opt-in: runs only when named, e.g. -t debian-to-trixie; --python also runs it)",
  );
});

test("migrate(): options.python turns debian-to-trixie on; an invalid value is an error", async () => {
  const r = await migrate("FROM python:3.10-slim-bookworm\n", { options: { python: "3.13" } });
  expect(r.output).toBe("FROM python:3.13-slim-trixie\n");
  expect(r.notes.filter((n) => n.transform === "debian-to-trixie").map((n) => n.id)).toEqual([
    "image-migrated",
    "python-upgraded",
  ]);
  expect((await migrate("FROM python:3.10-slim-bookworm\n")).changed).toBe(false);
  await expect(migrate("FROM python:3.10-alpine\n", { options: { python: "3.1" } })).rejects.toThrow(
    /option python 3\.1: there is no official/,
  );
});

describe("requires-python clauses (--python refuses a minor the project excludes)", () => {
  const v313 = [3, 13, 5];
  test.each([
    [">=3.10,<3.13", false],
    [">=3.10", true],
    ["<=3.13", false],
    ["<3.14", true],
    ["==3.11.*", false],
    ["!=3.13.*", false],
    ["~=3.11", true],
    ["~=3.11.2", false],
    [">=3.9, <4", true],
    ["==3.13.5", true],
    [">=3.10,<3.13,", false],
    ["something else", true],
  ])("%s allows 3.13.5: %s", (spec, expected) => {
    expect(allowsVersion(spec, v313, "allows")).toBe(expected);
  });
});
