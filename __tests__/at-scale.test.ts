/**
 * docs/at-scale.md's recipes: each file of examples/at-scale/ shown in the page as it is; the
 * workflow validated by GitHub's own workflow parser and schema, the batch spec and the Renovate
 * entry by the keys their engines require; the workflow's dfmod step run as the runner runs it;
 * and the campaign script run end to end, without a network, on three local bare repositories
 * (one dfmod migrates, one it migrates with action-needed notes, one already migrated), twice;
 * then `dfmod report` on the JSON documents it kept. Expected texts are files in
 * __tests__/campaign/, compared byte for byte.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";

const root = path.join(__dirname, "..");
const cli = path.join(root, "dist", "src", "cli.js");
const recipes = path.join(root, "examples", "at-scale");
const expected = path.join(__dirname, "campaign");
const doc = fs.readFileSync(path.join(root, "docs", "at-scale.md"), "utf8");
const read = (file: string): string => fs.readFileSync(file, "utf8");

let temp: string;
beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does)`);
});
beforeEach(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-at-scale-"));
});
afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

describe("docs/at-scale.md", () => {
  const files = fs.readdirSync(recipes).sort();
  test("shows every recipe file of examples/at-scale/ as it is", () => {
    expect(files).toEqual([
      "batch-spec.yaml",
      "campaign.sh",
      "dfmod-campaign.yml",
      "dfmod-step.sh",
      "git-xargs.sh",
      "multi-gitter.sh",
      "renovate.json",
    ]);
    for (const file of files) {
      const lang = { yml: "yaml", yaml: "yaml", sh: "bash", json: "json" }[file.split(".").pop()!]!;
      expect({ file, shown: doc.includes(`\n\`\`\`${lang}\n${read(path.join(recipes, file))}\`\`\`\n`) }).toEqual({
        file,
        shown: true,
      });
    }
  });

  test("the scripts are executable and parse as bash", () => {
    for (const file of files.filter((f) => f.endsWith(".sh"))) {
      expect(fs.statSync(path.join(recipes, file)).mode & 0o111).not.toBe(0);
      expect(spawnSync("bash", ["-n", path.join(recipes, file)]).status).toBe(0);
    }
  });

  test("the page says what each engine needs that the files cannot show", () => {
    // Renovate runs post-upgrade commands only self-hosted, and only those its admin config admits
    // (the setting's name before and after its rename).
    expect(doc).toMatch(/only where Renovate is\s+self-hosted/);
    expect(doc).toContain("`allowedCommands`");
    expect(doc).toContain("`allowedPostUpgradeCommands`");
    // A caller of the workflow passes a token, or the pull request's checks do not run.
    expect(doc).toContain("secrets:\n      token: ${{ secrets.DFMOD_TOKEN }}\n");
  });

  test("docs/cli.md and the README link the page", () => {
    expect(read(path.join(root, "docs", "cli.md"))).toContain("(at-scale.md)");
    expect(read(path.join(root, "README.md"))).toContain("(docs/at-scale.md)");
  });
});

describe("the reusable workflow", () => {
  const file = path.join(recipes, "dfmod-campaign.yml");
  const workflow = parse(read(file)) as Record<string, any>;

  function validate(files: string[]): string[][] {
    const r = spawnSync(process.execPath, [path.join(__dirname, "support", "check-workflow.mjs"), ...files], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout) as string[][];
  }

  test("GitHub's workflow parser takes it, and rejects a broken copy", () => {
    const broken = path.join(temp, "broken.yml");
    fs.writeFileSync(broken, read(file).replace("runs-on:", "runs-onn:").replace("cron:", "crons:"));
    const [ok, bad] = validate([file, broken]);
    expect(ok).toEqual([]);
    expect(bad!.join("\n")).toMatch(/runs-onn/);
    expect(bad!.join("\n")).toMatch(/crons/);
  });

  test("it is reusable and scheduled; the PR step reads only outputs the dfmod step writes", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_call", "workflow_dispatch"]);
    const steps = workflow.jobs.migrate.steps as { id?: string; uses?: string; run?: string; with?: object }[];
    const step = steps.find((s) => s.id === "dfmod")!;
    expect(step.run).not.toContain("${{");
    const written = [...step.run!.matchAll(/echo "([\w-]+)(?:=|<<)/g)].map((m) => m[1]);
    expect(written.sort()).toEqual(["commit-message", "outcome", "title"]);
    const pr = steps.find((s) => s.id === "pr")!;
    expect(pr.uses).toMatch(/^peter-evans\/create-pull-request@v\d+$/);
    const used = JSON.stringify(pr).match(/steps\.dfmod\.outputs\.[\w-]+/g)!;
    for (const ref of used) expect(written).toContain(ref.split(".").pop());
    // A pull request opened with the job's GITHUB_TOKEN starts no workflows: a caller's token, if given.
    expect(workflow.on.workflow_call.secrets).toEqual({ token: expect.objectContaining({ required: false }) });
    expect(pr.with).toMatchObject({ token: "${{ secrets.token || github.token }}" });
  });

  test("the dfmod step, run as the runner runs it, sets the outcome, the title and the commit message", () => {
    const repo = path.join(temp, "repo");
    fs.mkdirSync(path.join(repo, ".git"), { recursive: true });
    fs.writeFileSync(path.join(repo, "Dockerfile"), 'FROM python:3.12-alpine\nCOPY . .\nCMD ["python"]\n');
    // dfmod on the PATH, as `npm install --global` leaves it.
    const bin = path.join(temp, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "dfmod"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`, { mode: 0o755 });
    const output = path.join(temp, "output");
    fs.writeFileSync(output, "");
    const step = (workflow.jobs.migrate.steps as { id?: string; run: string }[]).find((s) => s.id === "dfmod")!;
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        PATHS: ".",
        DFMOD_ARGS: "",
        RUNNER_TEMP: temp,
        GITHUB_OUTPUT: output,
      },
    });
    expect(r.status).toBe(0);
    const message = read(path.join(temp, "dfmod-commit.txt"));
    expect(message).toMatch(/^dfmod: migrate 1 Dockerfile/);
    expect(read(output)).toBe(
      `outcome=changed\ntitle=${message.split("\n")[0]}\ncommit-message<<DFMOD_EOF\n${message}DFMOD_EOF\n`,
    );
    expect(read(path.join(temp, "dfmod-pr.md"))).toMatch(/^## dfmod: migrate 1 Dockerfile/);
  });
});

test("the Sourcegraph batch spec has what Batch Changes requires, and reads the JSON's texts", () => {
  const spec = parse(read(path.join(recipes, "batch-spec.yaml")));
  // The keys of Sourcegraph's batch spec schema this recipe uses, with what the schema requires of them.
  const schema = {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: {
      version: { enum: [1, 2] },
      name: { type: "string", pattern: "^[\\w.-]+$" },
      description: { type: "string" },
      on: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["repositoriesMatchingQuery"],
          properties: { repositoriesMatchingQuery: { type: "string" } },
        },
      },
      steps: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["run", "container"],
          properties: {
            run: { type: "string" },
            container: { type: "string" },
            env: { type: "object", additionalProperties: { type: "string" } },
            outputs: {
              type: "object",
              additionalProperties: {
                type: "object",
                additionalProperties: false,
                required: ["value"],
                properties: { value: { type: "string" }, format: { enum: ["json", "yaml", "text"] } },
              },
            },
          },
        },
      },
      changesetTemplate: {
        type: "object",
        additionalProperties: false,
        required: ["title", "branch", "commit"],
        properties: {
          title: { type: "string" },
          body: { type: "string" },
          branch: { type: "string" },
          commit: {
            type: "object",
            additionalProperties: false,
            required: ["message"],
            properties: { message: { type: "string" } },
          },
          published: { type: ["boolean", "string"] },
        },
      },
    },
  };
  const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
  expect(validate(spec) ? [] : validate.errors).toEqual([]);
  expect(validate({ ...spec, steps: [{ run: "dfmod ." }] })).toBe(false);
  const step = spec.steps[0];
  expect(step.run).toContain("dfmod --write --fail-on never --format json --commit-message /tmp/");
  // Version 2: keyword search; the query's file filter takes every name dfmod reads as a Dockerfile.
  expect(spec.version).toBe(2);
  const query: string = spec.on[0].repositoriesMatchingQuery;
  const file = new RegExp(/(?:^| )file:(\S+)/.exec(query)![1]!, "i");
  const { isDockerfileName } = require("../src/discover") as typeof import("../src/discover");
  for (const name of [
    "Dockerfile",
    "Dockerfile.prod",
    "api.Dockerfile",
    "Containerfile",
    "x.Containerfile",
    "README.md",
    "Dockerfiles.txt",
  ])
    expect({ name, matched: file.test(`services/${name}`) }).toEqual({ name, matched: isDockerfileName(name) });
  expect(query).toMatch(/ patterntype:keyword$/);
  expect(step.outputs.dfmod).toEqual({ value: "${{ step.stdout }}", format: "json" });
  // The fields of dfmod's JSON document that the template reads.
  expect(spec.changesetTemplate.body).toBe("${{ outputs.dfmod.prBody }}");
  expect(spec.changesetTemplate.commit.message).toBe("${{ outputs.dfmod.commitMessage }}");
});

describe("git-xargs and multi-gitter", () => {
  test("git-xargs is told not to mark its commits [skip ci]: the pull requests' checks build the images", () => {
    const lines = read(path.join(recipes, "git-xargs.sh")).split("\n");
    const start = lines.findIndex((l) => l.startsWith("git-xargs "));
    const command = lines.slice(start, lines.findIndex((l, i) => i > start && !l.endsWith("\\")) + 1);
    expect(command).toContain("  --no-skip-ci \\");
  });

  test("the step names each repository's document by owner and name, as each engine gives them", () => {
    const bin = path.join(temp, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "dfmod"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`, { mode: 0o755 });
    const results = path.join(temp, "results");
    const run = (repo: string, env: Record<string, string>) => {
      const dir = path.join(temp, repo);
      fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
      fs.writeFileSync(path.join(dir, "Dockerfile"), 'FROM python:3.12-alpine\nCMD ["python"]\n');
      const clean = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(REPOSITORY|XARGS_)/.test(k)),
      ) as Record<string, string>;
      const r = spawnSync("bash", [path.join(recipes, "dfmod-step.sh")], {
        cwd: dir,
        encoding: "utf8",
        env: { ...clean, PATH: `${bin}:${process.env.PATH}`, RESULTS: results, ...env },
      });
      expect({ repo, status: r.status, stderr: r.stderr }).toEqual({ repo, status: 0, stderr: "" });
    };
    run("a", { XARGS_REPO_OWNER: "org-a", XARGS_REPO_NAME: "api", XARGS_DRY_RUN: "false" });
    run("b", { XARGS_REPO_OWNER: "org-b", XARGS_REPO_NAME: "api", XARGS_DRY_RUN: "false" });
    run("c", { REPOSITORY: "org-c/api" });
    run("plain", {});
    expect(fs.readdirSync(results).sort()).toEqual([
      "org-a-api.json",
      "org-b-api.json",
      "org-c-api.json",
      "plain.json",
    ]);
    expect(JSON.parse(read(path.join(results, "org-a-api.json"))).outcome).toBe("changed");
  });
});

test("the Renovate entry: a package rule for the python image whose post-upgrade task runs dfmod", () => {
  const config = JSON.parse(read(path.join(recipes, "renovate.json")));
  expect(Object.keys(config)).toEqual(["packageRules"]);
  const [rule] = config.packageRules;
  const ruleKeys = ["description", "matchDatasources", "matchPackageNames", "postUpgradeTasks"];
  expect(Object.keys(rule)).toEqual(ruleKeys);
  expect(rule.matchDatasources).toEqual(["docker"]);
  expect(rule.matchPackageNames).toEqual(["python"]);
  // postUpgradeTasks' keys, as Renovate's configuration options list them.
  const taskKeys = ["commands", "dataFileTemplate", "executionMode", "fileFilters"];
  for (const key of Object.keys(rule.postUpgradeTasks)) expect(taskKeys).toContain(key);
  expect(["update", "branch"]).toContain(rule.postUpgradeTasks.executionMode);
  expect(rule.postUpgradeTasks.commands).toEqual(["dfmod --write --fail-on never ."]);
  // The file filters keep every file dfmod writes: its own discovery's names, and .dockerignore.
  const { isDockerfileName, isComposeName } = require("../src/discover") as typeof import("../src/discover");
  const names: string[] = rule.postUpgradeTasks.fileFilters.map((f: string) => f.replace(/^\*\*\//, ""));
  for (const n of [
    "Dockerfile",
    "Dockerfile.prod",
    "api.Dockerfile",
    "Containerfile",
    "compose.yaml",
    "docker-compose.yml",
  ])
    expect({
      n,
      kept: names.some((g) => new RegExp(`^${g.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`).test(n)),
    }).toEqual({
      n,
      kept: true,
    });
  for (const g of names.filter((g) => g !== ".dockerignore"))
    expect(isDockerfileName(g.replace("*", "x")) || isComposeName(g.replace("*", "x"))).toBe(true);
});

/** Three services' repositories: one dfmod migrates, one it migrates but leaves a worker on Alpine, one already migrated. */
const REPOS: Record<string, Record<string, string>> = {
  orders: {
    Dockerfile:
      'FROM python:3.12-alpine\nWORKDIR /app\nCOPY . .\nRUN apk add --no-cache gcc musl-dev postgresql-dev \\\n    && pip install --no-cache-dir -r requirements.txt\nEXPOSE 8000\nCMD ["python", "-m", "orders"]\n',
    "requirements.txt": "flask==3.0.3\npsycopg2==2.9.9\n",
    "orders/__main__.py": 'print("orders")\n',
  },
  billing: {
    "services/api/Dockerfile":
      'FROM python:3.12-alpine\nWORKDIR /srv\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n',
    "services/api/requirements.txt": "fastapi==0.115.0\n",
    "services/api/app.py": 'print("api")\n',
    "services/worker/Dockerfile":
      'FROM python:3.12-alpine\nWORKDIR /srv\nRUN apk add --no-cache libmagic-turbo-dev\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "worker.py"]\n',
    "services/worker/requirements.txt": "celery==5.4.0\n",
    "services/worker/worker.py": 'print("worker")\n',
  },
  catalog: {
    Dockerfile:
      'FROM python:3.12-slim-trixie\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "-m", "catalog"]\n',
    ".dockerignore": "**/.venv\n.git\n**/__pycache__\n**/*.pyc\n**/.pytest_cache\n**/.mypy_cache\n",
    "requirements.txt": "flask==3.0.3\n",
    "catalog/__main__.py": 'print("catalog")\n',
  },
};

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Platform Team",
  GIT_AUTHOR_EMAIL: "platform@example.test",
  GIT_COMMITTER_NAME: "Platform Team",
  GIT_COMMITTER_EMAIL: "platform@example.test",
  GIT_CONFIG_NOSYSTEM: "1",
};

function git(args: string[], cwd: string): string {
  const r = spawnSync("git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A bare repository holding one commit of the files given, on main, in a folder of bare repositories. */
function bareRepo(name: string, files: Record<string, string>, folder = "remotes"): string {
  const src = path.join(temp, "src", folder, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), text);
  }
  git(["init", "-q", "-b", "main"], src);
  git(["add", "--all"], src);
  git(["commit", "-q", "-m", "the service"], src);
  const bare = path.join(temp, folder, `${name}.git`);
  git(["init", "-q", "--bare", "-b", "main", bare], temp);
  git(["push", "-q", bare, "main"], src);
  return bare;
}

const branchHead = (bare: string): string | undefined => {
  const r = spawnSync("git", ["rev-parse", "--verify", "-q", "refs/heads/dfmod/migrate"], {
    cwd: bare,
    encoding: "utf8",
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/** examples/at-scale/campaign.sh over the repositories in `list`, with the dfmod built here and this PR_COMMAND. */
function runCampaign(list: string, results: string, prCommand: string, env: Record<string, string> = {}) {
  return spawnSync("bash", [path.join(recipes, "campaign.sh"), list], {
    cwd: temp,
    encoding: "utf8",
    env: {
      ...process.env,
      ...GIT_ENV,
      DFMOD: `${process.execPath} ${cli}`,
      RESULTS: results,
      ...env,
      PR_COMMAND: prCommand,
    },
  });
}

test("the campaign script: branches where dfmod changed something, its messages byte for byte, nothing new on a second run", () => {
  const remotes = Object.fromEntries(Object.entries(REPOS).map(([name, files]) => [name, bareRepo(name, files)]));
  const list = path.join(temp, "repos.txt");
  fs.writeFileSync(list, `# the fleet\n${remotes.orders}\n\n${remotes.billing}  # two services\n${remotes.catalog}\n`);
  const results = path.join(temp, "results");
  const prLog = path.join(temp, "pr.log");
  const campaign = () =>
    runCampaign(
      list,
      results,
      `printf '%s %s %s %s\\n' "$DFMOD_BRANCH" "$DFMOD_BASE" "$(basename "$DFMOD_PR_BODY")" "$DFMOD_PR_TITLE" >>"${prLog}"`,
      { NO_COLOR: "1" },
    );

  const first = campaign();
  expect(first.stderr).toBe("");
  expect(first.status).toBe(0);
  expect(first.stdout).toBe(
    "orders: pushed dfmod/migrate (changed)\n" +
      "billing: pushed dfmod/migrate (changed-action-needed)\n" +
      "catalog: skipped: nothing to change\n",
  );
  const heads = Object.fromEntries(Object.entries(remotes).map(([name, bare]) => [name, branchHead(bare)]));
  expect(heads.catalog).toBeUndefined();
  for (const name of ["orders", "billing"]) {
    const bare = remotes[name]!;
    // One commit on main's, with dfmod's message as it wrote it.
    expect(git(["rev-parse", "dfmod/migrate^"], bare)).toBe(git(["rev-parse", "main"], bare));
    const commit = git(["cat-file", "commit", "dfmod/migrate"], bare);
    expect(commit.slice(commit.indexOf("\n\n") + 2)).toBe(read(path.join(expected, "repos", `${name}.commit.txt`)));
    expect(read(path.join(results, `${name}.pr.md`))).toBe(read(path.join(expected, "repos", `${name}.pr.md`)));
    expect(git(["diff", "--name-only", "main", "dfmod/migrate"], bare)).toMatch(/Dockerfile\n/);
  }
  expect(read(path.join(results, "catalog.pr.md"))).toBe("");
  const subject = (name: string) => read(path.join(expected, "repos", `${name}.commit.txt`)).split("\n")[0];
  expect(read(prLog)).toBe(
    `dfmod/migrate main orders.pr.md ${subject("orders")}\ndfmod/migrate main billing.pr.md ${subject("billing")}\n`,
  );

  // A second run: the same bytes, so nothing is pushed and no pull request is touched.
  const second = campaign();
  expect(second.status).toBe(0);
  expect(second.stdout).toBe(
    "orders: up to date: dfmod/migrate already has this change\n" +
      "billing: up to date: dfmod/migrate already has this change\n" +
      "catalog: skipped: nothing to change\n",
  );
  for (const [name, bare] of Object.entries(remotes))
    expect({ name, head: branchHead(bare) }).toEqual({ name, head: heads[name] });
  expect(read(prLog).split("\n")).toHaveLength(3);

  // The fleet report of the JSON documents the campaign kept, named by their files.
  const docs = ["billing", "catalog", "orders"].map((n) => path.join(results, `${n}.json`));
  for (const format of ["markdown", "csv"]) {
    const r = spawnSync(process.execPath, [cli, "report", "--format", format, ...docs.reverse()], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(read(path.join(expected, format === "csv" ? "fleet.csv" : "fleet.md")));
  }
});

test("the campaign script: two repositories of one name need a name each; a failed PR_COMMAND runs again", () => {
  const first = bareRepo("orders", REPOS.orders!, "org-a");
  const second = bareRepo("orders", REPOS.orders!, "org-b");
  const list = path.join(temp, "repos.txt");
  const results = path.join(temp, "results");
  const prLog = path.join(temp, "pr.log");
  // Fails until the file "pr-ok" exists, as a rate-limited `gh pr create` would.
  const campaign = () => runCampaign(list, results, `[ -e "${temp}/pr-ok" ] && echo "$DFMOD_PR_BODY" >>"${prLog}"`);
  fs.writeFileSync(list, `${first}\n${second}\n`);
  const clash = campaign();
  expect(clash.status).toBe(1);
  expect(clash.stdout).toBe(
    "orders: pushed dfmod/migrate (changed)\n" +
      "orders: PR_COMMAND failed (the next run tries it again)\n" +
      `orders: error: a second repository of this name (${second}): give it a name (a tab after its URL, then the name)\n`,
  );
  expect(branchHead(second)).toBeUndefined();
  expect(fs.readdirSync(results).sort()).toEqual(["orders.json", "orders.pr-pending", "orders.pr.md"]);

  // Named after a tab; the first's pull request is tried again though its branch is up to date.
  fs.writeFileSync(list, `${first}\n${second}\torders-b  # the other team's\n`);
  fs.writeFileSync(path.join(temp, "pr-ok"), "");
  const named = campaign();
  expect(named.status).toBe(0);
  expect(named.stdout).toBe(
    "orders: up to date: dfmod/migrate already has this change\n" + "orders-b: pushed dfmod/migrate (changed)\n",
  );
  expect(read(prLog)).toBe(`${results}/orders.pr.md\n${results}/orders-b.pr.md\n`);
  expect(fs.readdirSync(results).sort()).toEqual(["orders-b.json", "orders-b.pr.md", "orders.json", "orders.pr.md"]);
  expect(read(path.join(results, "orders-b.pr.md"))).toBe(read(path.join(results, "orders.pr.md")));

  // Nothing pending: a third run runs no PR_COMMAND.
  expect(campaign().status).toBe(0);
  expect(read(prLog).split("\n")).toHaveLength(3);
});

test("dfmod report: a repository field names it; a file it cannot take is an error naming it", () => {
  const put = (name: string, text: string): string => {
    fs.writeFileSync(path.join(temp, name), text);
    return name;
  };
  const doc = (extra: object) =>
    JSON.stringify({
      files: [],
      summary: {
        files: 0,
        changed: 0,
        unchanged: 0,
        skipped: 0,
        errors: 0,
        notes: { info: 0, warning: 0, "action-needed": 0 },
      },
      ...extra,
    });
  const report = (...files: string[]) =>
    spawnSync(process.execPath, [cli, "report", ...files], { cwd: temp, encoding: "utf8" });
  const named = report(put("a.json", doc({ repository: "my-org/api" })));
  expect(named.status).toBe(0);
  expect(named.stdout).toContain("| my-org/api | unchanged | 0 | 0 | 0 | no Dockerfiles or compose files |\n");
  // A migrated repository with warnings left, and one left as it was with warnings: the warnings, not "nothing left".
  const warned = (name: string, changed: boolean) =>
    put(
      `${name}.json`,
      doc({
        repository: name,
        files: [
          {
            path: "Dockerfile",
            changed,
            notes: [
              { transform: "multi-stage", id: "not-split", severity: "warning", line: 1, message: "m" },
              { transform: "alpine-to-trixie", id: "base-image", severity: "info", line: 1, message: "m" },
            ],
          },
        ],
        summary: {
          files: 1,
          changed: changed ? 1 : 0,
          unchanged: changed ? 0 : 1,
          skipped: 0,
          errors: 0,
          notes: { info: 1, warning: 1, "action-needed": 0 },
        },
      }),
    );
  const warnings = report(warned("migrated", true), warned("kept", false));
  expect(warnings.stdout).toContain("| migrated | changed | 1 | 0 | 1 | warnings: multi-stage/not-split |\n");
  expect(warnings.stdout).toContain("| kept | unchanged | 0 | 0 | 1 | warnings: multi-stage/not-split |\n");
  for (const [file, message] of [
    [put("bad.json", "{"), "bad.json: not JSON: "],
    [
      put("other.json", '{"files": 1}'),
      'other.json: not a document of `dfmod --format json` (it needs "files" and "summary")',
    ],
    ["missing.json", "missing.json: no such file"],
  ]) {
    const r = report("a.json", file!);
    expect({ file, code: r.status, stdout: r.stdout }).toEqual({ file, code: 2, stdout: "" });
    expect(r.stderr).toContain(`dfmod report: ${message}`);
  }
  // An older run's document: no outcome, a summary without some counts; they come from its files.
  const note = { transform: "alpine-to-trixie", id: "left-on-alpine", line: 1, message: "left | as it was" };
  const old = put(
    "old.json",
    JSON.stringify({
      files: [
        { path: "Dockerfile", changed: true, notes: [{ ...note, severity: "action-needed" }] },
        {
          path: "broken/Dockerfile",
          changed: false,
          notes: [],
          error: { line: 2, message: "unknown instruction: FOO" },
        },
      ],
      summary: { changed: 1, notes: { info: 0 } },
    }),
  );
  const csv = spawnSync(process.execPath, [cli, "report", "--format", "csv", old], { cwd: temp, encoding: "utf8" });
  expect(csv.stdout).toBe(
    "repository,outcome,files,files_changed,errors,action_needed,warnings,action_needed_ids,unknown_packages,why\r\n" +
      "old,error,2,1,1,1,0,alpine-to-trixie/left-on-alpine,,error: broken/Dockerfile line 2: unknown instruction: FOO\r\n",
  );
  const folder = report("a.json", ".");
  expect([folder.status, folder.stderr]).toEqual([
    2,
    "dfmod report: .: a folder: give the JSON documents in it (*.json)\n",
  ]);
  const notJson = report(put("text.json", "hello\nworld\n"));
  expect(notJson.stderr).toMatch(/^dfmod report: text\.json: not JSON: [^\n]*\n$/);
  const twin = report("a.json", put("b.json", doc({ repository: "my-org/api" })));
  expect(twin.status).toBe(2);
  expect(twin.stderr).toContain('a.json and b.json both name the repository "my-org/api"');
});
