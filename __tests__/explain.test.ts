/** dfmod explain: .dockerignore matching, what each COPY takes, and which steps a change re-runs. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Dockerfile } from "../src/engine/dockerfile";
import { initShell } from "../src/engine/shell";
import { DockerIgnore } from "../src/explain/dockerignore";
import { contextFiles, explain, summaryLine, typicalChange } from "../src/explain";

beforeAll(async () => {
  await initShell();
});

describe(".dockerignore, as Docker matches it", () => {
  const ig = new DockerIgnore(
    [
      "# comment",
      "*.pyc",
      "**/__pycache__",
      "/build/",
      "docs",
      "!docs/README.md",
      "tmp?/",
      "**/*.log",
      "!keep.log",
      ".venv",
    ].join("\n"),
  );
  test.each([
    ["a.pyc", true],
    ["pkg/a.pyc", false], // patterns are anchored at the root: `*.pyc` is only the root's
    ["pkg/__pycache__/x.cpython-312.pyc", true],
    ["__pycache__/x", true],
    ["build/out.txt", true],
    ["src/build/out.txt", false],
    ["docs/guide.md", true],
    ["docs/README.md", false], // re-included by `!`
    ["tmp1/x", true],
    ["tmp12/x", false],
    ["logs/a/b.log", true],
    ["keep.log", false], // the last matching pattern wins
    [".venv/bin/python", true],
    ["app/main.py", false],
  ])("%s -> ignored %s", (file, ignored) => {
    expect(ig.ignores(file)).toBe(ignored);
  });
});

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-explain-"));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe("steps and what a change re-runs", () => {
  const dir = project({
    "requirements.txt": "flask\n",
    "app/main.py": "print(1)\n",
    "app/static/site.css": "",
    "scripts/run.sh": "",
    ".dockerignore": "*.md\n",
    "README.md": "",
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = contextFiles(dir);

  test("the context is listed after .dockerignore", () => {
    expect(files).toEqual([
      ".dockerignore",
      "app/main.py",
      "app/static/site.css",
      "requirements.txt",
      "scripts/run.sh",
    ]);
  });

  const slow = new Dockerfile(
    [
      "ARG PY=3.12",
      "FROM python:${PY}-slim",
      "ENV APP=/srv",
      "WORKDIR $APP",
      "COPY . .",
      "RUN pip install -r requirements.txt",
      'CMD ["python", "app/main.py"]',
      "",
    ].join("\n"),
  );

  test("a code change re-runs the code copy and everything after it", () => {
    const e = explain(slow, files, ["app/main.py"]);
    expect(e.total).toBe(3);
    expect(e.rerun.map((s) => s.label)).toEqual(["3/4", "4/4"]);
    expect(e.expensive.map((s) => s.expensive)).toEqual(["dependency install"]);
    expect(summaryLine(e)).toBe(
      "a change to app/main.py re-runs 2 of 3 steps, including `RUN pip install -r requirements.txt`",
    );
  });

  test("ARG and ENV a step uses are named as its inputs", () => {
    const e = explain(slow, files, []);
    expect(e.stages[0]!.steps[0]!.inputs.vars).toEqual(["APP"]);
  });

  test("globs and folders in COPY, COPY --from, ADD of a URL", () => {
    const df = new Dockerfile(
      [
        "FROM node:22 AS assets",
        "COPY app/static ./static",
        "RUN npm run build",
        "",
        "FROM python:3.12-slim AS unused",
        "RUN echo never built",
        "",
        "FROM python:3.12-slim",
        "COPY requirement?.txt *.toml ./",
        "RUN pip install -r requirements.txt",
        "ADD https://example.invalid/tool.tar.gz /opt/",
        "COPY --from=assets /static /srv/static",
        "COPY scripts/ /usr/local/bin/",
        "",
      ].join("\n"),
    );
    const e = explain(df, files, ["app/static/site.css"]);
    const steps = e.stages.flatMap((s) => s.steps);
    expect(steps.find((s) => s.text.startsWith("COPY requirement?"))!.inputs.files).toEqual(["requirements.txt"]);
    expect(steps.find((s) => s.text.startsWith("COPY scripts/"))!.inputs.files).toEqual(["scripts/run.sh"]);
    expect(e.stages.map((s) => s.needed)).toEqual([true, false, true]);
    // The CSS change re-runs the asset stage, the COPY --from of it, and what follows; the ADD of a URL always re-runs.
    expect(e.rerun.map((s) => s.label)).toEqual([
      "assets 2/3",
      "assets 3/3",
      "stage-2 4/6",
      "stage-2 5/6",
      "stage-2 6/6",
    ]);
    expect(e.total).toBe(7);
  });

  test("the default change is the application's first .py file, not a local package's", () => {
    const withPackage = project({ "libs/x/pyproject.toml": "", "libs/x/x/__init__.py": "", "app/a.py": "" });
    expect(typicalChange(slow, contextFiles(withPackage))).toBe("app/a.py");
    fs.rmSync(withPackage, { recursive: true, force: true });
  });
});
