/**
 * Fixture repositories: __tests__/repos/<case>/input is copied to a temporary folder, the built CLI
 * runs there (`--write .`, or the args of case.json), and the whole tree must then equal
 * <case>/expected, file for file and byte for byte (files added, changed or left alone), the
 * standard error must equal <case>/stderr.txt, and a second run must find nothing to change.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dfmod } from "./support/cli";

const root = path.join(__dirname, "repos");
const cases = fs
  .readdirSync(root)
  .filter((d) => fs.existsSync(path.join(root, d, "input")))
  .sort();

/** Every file under `dir`, relative, with `/`, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk("");
  return out.sort();
}

test("there are fixture repositories", () => {
  expect(cases).toEqual(
    expect.arrayContaining(["monorepo", "two-contexts", "bake", "own-ignore", "from-arg", "uv-workspace", "dev-mount"]),
  );
});

describe.each(cases)("%s", (name) => {
  const dir = path.join(root, name);
  const spec = fs.existsSync(path.join(dir, "case.json"))
    ? (JSON.parse(fs.readFileSync(path.join(dir, "case.json"), "utf8")) as { args?: string[]; exit?: number })
    : {};
  let work: string;
  let first: ReturnType<typeof dfmod>;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), `dfmod-repo-${name}-`));
    fs.cpSync(path.join(dir, "input"), work, { recursive: true });
    first = dfmod(spec.args ?? ["--write", "."], work);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test("exit code and notes", () => {
    expect(first.code).toBe(spec.exit ?? 0);
    expect(first.stderr).toBe(fs.readFileSync(path.join(dir, "stderr.txt"), "utf8"));
  });

  test("the tree after the run is the expected one, byte for byte", () => {
    const expected = path.join(dir, "expected");
    expect(tree(work)).toEqual(tree(expected));
    for (const file of tree(expected))
      expect({ file, text: fs.readFileSync(path.join(work, file), "latin1") }).toEqual({
        file,
        text: fs.readFileSync(path.join(expected, file), "latin1"),
      });
  });

  test("a second run changes nothing", () => {
    // The same run again, as a check: nothing left to change.
    const again = dfmod(
      (spec.args ?? ["--write", "."]).map((a) => (a === "--write" ? "--check" : a)),
      work,
    );
    expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: "" });
  });
});
