/**
 * The GitHub Action (action.yml, scripts/action.js), run as the runner runs a composite action:
 * each step's `run` in bash (`bash --noprofile --norc -eo pipefail`), its `env` with the
 * `${{ inputs.* }}` expressions filled in from the inputs given and action.yml's defaults,
 * GITHUB_ACTION_PATH at this checkout, and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP
 * pointing at temporary files. The repository checked has an Alpine Dockerfile that dfmod
 * migrates, one it must leave on Alpine (an action-needed note), and one already migrated.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import { parse } from "yaml";

const root = path.join(__dirname, "..");

interface Step {
  name?: string;
  id?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}
interface ActionFile {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(fs.readFileSync(path.join(root, "action.yml"), "utf8")) as ActionFile;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require("../scripts/action.js") as {
  summaryMarkdown(report: unknown, inputs: { failOn: string; paths: string[] }, code: number): string;
};

const MIGRATES = 'FROM python:3.12-alpine\nRUN apk add --no-cache curl\nCMD ["python", "-m", "app"]\n';
const STAYS = 'FROM python:3.7-alpine\nRUN apk add --no-cache curl\nCMD ["python", "-m", "app"]\n';
const DONE = 'FROM python:3.12-slim-trixie\nCMD ["python", "-m", "app"]\n';

let repo: string;
let temp: string;
beforeEach(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-action-"));
  repo = path.join(base, "repo");
  temp = path.join(base, "runner-temp");
  const put = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), text);
  };
  fs.mkdirSync(path.join(repo, ".git"), { recursive: true });
  fs.mkdirSync(temp);
  put("svc/Dockerfile", MIGRATES);
  put("legacy/Dockerfile", STAYS);
  put("ok/Dockerfile", DONE);
});
afterEach(() => fs.rmSync(path.dirname(repo), { recursive: true, force: true }));

/** `${{ inputs.name }}` with the value given, else action.yml's default. */
function expand(text: string, given: Record<string, string>): string {
  return text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(action.inputs, name)) throw new Error(`action.yml uses an undeclared input: ${name}`);
    return given[name] ?? action.inputs[name]!.default ?? "";
  });
}

/** The action's steps, run in order in the repository as the runner would; stops at a failing step. */
function runAction(given: Record<string, string> = {}) {
  const output = path.join(temp, "output");
  const summary = path.join(temp, "summary.md");
  fs.writeFileSync(output, "");
  fs.writeFileSync(summary, "");
  let code: number | null = 0;
  let log = "";
  for (const step of action.runs.steps) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: "1",
      GITHUB_ACTION_PATH: root,
      GITHUB_WORKSPACE: repo,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: temp,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, given);
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
      cwd: repo,
      env,
      encoding: "utf8",
    });
    if (r.error) throw r.error;
    log += r.stdout + r.stderr;
    code = r.status;
    if (code !== 0) break;
  }
  const outputs = Object.fromEntries(
    fs
      .readFileSync(output, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return { code, log, outputs, summary: fs.readFileSync(summary, "utf8") };
}

const sarifSchema = JSON.parse(
  fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
);

describe("action.yml", () => {
  test("has what GitHub requires of a composite action", () => {
    expect(action.name).toBe("dfmod");
    expect(action.description.length).toBeGreaterThan(0);
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs).sort()).toEqual(["fail-on", "format", "paths", "report", "transforms"]);
    for (const input of Object.values(action.inputs)) expect(input.description.length).toBeGreaterThan(0);
    expect(action.inputs.format!.default).toBe("sarif");
    expect(action.inputs["fail-on"]!.default).toBe("action-needed");
    expect(action.inputs.paths!.default).toBe(".");
    for (const step of action.runs.steps) {
      // A composite action's run step must name its shell.
      expect(step.shell).toBe("bash");
      expect(typeof step.run).toBe("string");
      // Inputs reach the scripts through env only: an expression in `run` would be pasted into bash.
      expect(step.run).not.toContain("${{");
    }
  });

  test("every input reaches the script, and every output is one the script writes", () => {
    const check = action.runs.steps.find((s) => s.id === "check")!;
    expect(check.run).toContain("scripts/action.js");
    const used = Object.values(check.env!).map((v) => /inputs\.([\w-]+)/.exec(v)![1]);
    expect(used.sort()).toEqual(Object.keys(action.inputs).sort());
    const { outputs } = runAction({ paths: "ok" });
    for (const [name, out] of Object.entries(action.outputs)) {
      expect(out.value).toBe(`\${{ steps.check.outputs.${name} }}`);
      expect(Object.keys(outputs)).toContain(name);
    }
  });
});

describe("the action's run", () => {
  test("SARIF report, outputs and job summary; exit 1 when files would change", () => {
    const r = runAction();
    expect(r.code).toBe(1);
    expect(r.outputs["exit-code"]).toBe("1");
    expect(r.outputs.changed).toBe("1");
    expect(r.outputs["action-needed"]).toBe("1");
    expect(r.outputs["sarif-file"]).toBe(path.join(temp, "dfmod.sarif"));
    expect(r.outputs.report).toBe(r.outputs["sarif-file"]);

    const sarif = JSON.parse(fs.readFileSync(r.outputs["sarif-file"]!, "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(sarifSchema);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    const results = (sarif.runs[0].results as { ruleId: string; level: string; locations: any[] }[]).map(
      (x) => `${x.level} ${x.ruleId} ${x.locations[0].physicalLocation.artifactLocation.uri}`,
    );
    expect(results).toContain("note alpine-to-trixie svc/Dockerfile");
    expect(results).toContain("warning alpine-to-trixie/no-trixie-image legacy/Dockerfile");
    expect(results.some((x) => x.endsWith("ok/Dockerfile"))).toBe(false);

    expect(r.summary).toContain("## dfmod\n");
    expect(r.summary).toContain("3 files scanned: 1 would change, 0 errors; notes: 1 action-needed, ");
    expect(r.summary).toContain("| file | would change (transforms) | notes |\n| --- | --- | --- |\n");
    expect(r.summary).toMatch(/^\| `svc\/Dockerfile` \| alpine-to-trixie(, [a-z-]+)* \| {2}\|$/m);
    expect(r.summary).toMatch(
      /^\| `legacy\/Dockerfile` \| {2}\| line 1: action-needed alpine-to-trixie: Python 3\.7 has no Debian trixie image/m,
    );
    expect(r.summary).not.toContain("ok/Dockerfile");
    expect(r.summary).toContain("Run `dfmod --write .` and commit the result.");
    // The log says what the SARIF file holds.
    expect(r.log).toContain("svc/Dockerfile: would change (alpine-to-trixie");
    expect(r.log).toContain("legacy/Dockerfile:1:1: action-needed alpine-to-trixie: Python 3.7");
  });

  test("fail-on: action-needed notes fail the run unless fail-on is never; warnings only with fail-on warning", () => {
    expect(runAction({ paths: "legacy" }).code).toBe(1);
    const never = runAction({ paths: "legacy", "fail-on": "never" });
    expect(never.code).toBe(0);
    expect(never.summary).toContain("| `legacy/Dockerfile` |");
    // multi-stage alone leaves the Alpine file as it is, with a warning.
    const warningOnly = { paths: "legacy", transforms: "multi-stage" };
    const quiet = runAction(warningOnly);
    expect(quiet.code).toBe(0);
    expect(quiet.summary).toContain("Nothing to change, and no notes that need you.");
    const strict = runAction({ ...warningOnly, "fail-on": "warning" });
    expect(strict.code).toBe(1);
    expect(strict.summary).toMatch(/^\| `legacy\/Dockerfile` \| {2}\| line 1: warning multi-stage: not split/m);
  });

  test("nothing to do: exit 0, an empty SARIF run and a one-line summary", () => {
    const r = runAction({ paths: "ok" });
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(r.outputs["sarif-file"]!, "utf8")).runs[0].results).toEqual([]);
    expect(r.summary).toContain("Nothing to change, and no notes that need you.");
    expect(r.summary).not.toContain("| file |");
  });

  test("format json writes dfmod's JSON; format text writes no file and logs dfmod's own output", () => {
    const json = runAction({ format: "json", paths: "svc ok" });
    expect(json.code).toBe(1);
    expect(json.outputs["sarif-file"]).toBe("");
    const report = JSON.parse(fs.readFileSync(json.outputs.report!, "utf8"));
    expect(report.files.map((f: { path: string; changed: boolean }) => `${f.path} ${f.changed}`)).toEqual([
      "ok/Dockerfile false",
      "svc/Dockerfile true",
    ]);
    const text = runAction({ format: "text", paths: "svc\nok\n" });
    expect(text.code).toBe(1);
    expect(text.outputs.report).toBe("");
    expect(text.log).toContain("svc/Dockerfile\n");
    expect(text.log).toContain("dfmod: 2 files: 1 would change, 1 unchanged");
    expect(text.summary).toContain("| `svc/Dockerfile` | alpine-to-trixie");
  });

  test("transforms and a report path; a path with a space, given one per line", () => {
    fs.mkdirSync(path.join(repo, "with space"));
    fs.writeFileSync(path.join(repo, "with space", "Dockerfile"), MIGRATES);
    const r = runAction({ paths: "with space\nok", transforms: "alpine-to-trixie", report: "out/dfmod.sarif" });
    expect(r.code).toBe(1);
    expect(r.outputs["sarif-file"]).toBe(path.join(repo, "out", "dfmod.sarif"));
    const results = JSON.parse(fs.readFileSync(r.outputs["sarif-file"]!, "utf8")).runs[0].results;
    expect(results.map((x: { ruleId: string }) => x.ruleId)).toEqual(["alpine-to-trixie"]);
    expect(r.summary).toContain("| `with space/Dockerfile` | alpine-to-trixie |");
    expect(r.summary).toContain("Run `dfmod --write 'with space' ok` and commit the result.");
    // `paths: |` with one line: the runner passes it with its line break, and it is one path.
    const one = runAction({ format: "text", paths: "with space\n" });
    expect(one.code).toBe(1);
    expect(one.log).toContain("dfmod: 1 file: 1 would change");
  });

  test("inputs it cannot take: exit 2 with a message, no summary", () => {
    const format = runAction({ format: "xml" });
    expect(format.code).toBe(2);
    expect(format.log).toContain('dfmod action: format: must be one of sarif, json, text (got "xml")');
    expect(format.summary).toBe("");
    expect(runAction({ "fail-on": "error" }).code).toBe(2);
    const transform = runAction({ transforms: "no-such-transform" });
    expect(transform.code).toBe(2);
    expect(transform.log).toContain("no-such-transform");
    expect(transform.outputs["exit-code"]).toBe("2");
    // No report: the upload step's condition (sarif-file != '') skips it.
    expect(transform.outputs["sarif-file"]).toBe("");
  });
});

test("the summary's cells hold one line, no stray pipe and no HTML but the line breaks between notes", () => {
  const report = {
    summary: { files: 1, changed: 0, errors: 0, notes: { "action-needed": 1, warning: 0, info: 0 } },
    files: [
      {
        path: "a|b/Dockerfile",
        changed: false,
        transforms: [],
        notes: [
          { transform: "uv-sync", severity: "action-needed", line: 2, message: "run `uv lock`\n| then" },
          { transform: "uv-sync", severity: "action-needed", line: 3, message: "<b>not html</b>" },
        ],
      },
    ],
  };
  const md = script.summaryMarkdown(report, { failOn: "", paths: ["."] }, 1);
  expect(md).toContain(
    "| `a\\|b/Dockerfile` |  | line 2: action-needed uv-sync: run `uv lock` \\| then<br>line 3: action-needed uv-sync: &lt;b&gt;not html&lt;/b&gt; |\n",
  );
});

describe("the examples in README.md and docs/ci.md", () => {
  const blocks = ["README.md", "docs/ci.md"].flatMap((file) =>
    [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)].map((m) => ({
      file,
      doc: parse(m[2]!.replace(new RegExp(`^${m[1]}`, "gm"), "")) as Record<string, any>,
    })),
  );
  const hooks = parse(fs.readFileSync(path.join(root, ".pre-commit-hooks.yaml"), "utf8")) as {
    id: string;
    files: string;
  }[];

  test("pre-commit configs name the published hooks; a local hook has their files pattern", () => {
    const configs = blocks.filter((b) => b.doc.repos);
    expect(configs.map((b) => b.file)).toEqual(["README.md", "docs/ci.md", "docs/ci.md"]);
    for (const { doc } of configs)
      for (const repo of doc.repos)
        for (const hook of repo.hooks) {
          expect(hooks.map((h) => h.id)).toContain(hook.id);
          if (repo.repo === "local") expect(hook.files).toBe(hooks[0]!.files);
        }
  });

  test("workflows give the action only its inputs and read only its outputs", () => {
    const workflows = blocks.filter((b) => b.doc.jobs);
    expect(workflows.map((b) => b.file)).toEqual(["README.md", "docs/ci.md"]);
    for (const { doc } of workflows) {
      const steps = (Object.values(doc.jobs)[0] as { steps: { uses: string; id?: string; with?: object }[] }).steps;
      const dfmod = steps.find((s) => s.id === "dfmod")!;
      expect(dfmod.uses).toMatch(/\/dfmod@/);
      for (const key of Object.keys(dfmod.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
      const upload = steps.find((s) => s.uses.startsWith("github/codeql-action/upload-sarif@"))!;
      const used = JSON.stringify(upload).match(/steps\.dfmod\.outputs\.[\w-]+/g)!;
      for (const ref of used) expect(Object.keys(action.outputs)).toContain(ref.split(".").pop());
    }
  });
});
