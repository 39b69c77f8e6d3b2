/** Build contexts from compose and bake files (src/builds.ts), and explain's use of them. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bakeJsonBuilds, BuildFinder, composeBuilds } from "../src/builds";
import { anonymousVolumeEdit } from "../src/volumes";

const cli = path.join(__dirname, "..", "dist", "src", "cli.js");

describe("compose builds", () => {
  const file = "/repo/compose.yaml";
  test("context, dockerfile, target, args and named contexts, relative to the compose file", () => {
    const r = composeBuilds(
      file,
      [
        "name: shop",
        "services:",
        "  api:",
        "    build:",
        "      context: ./services",
        "      dockerfile: api/Dockerfile",
        "      target: runtime",
        "      args: [VERSION=1, TOKEN]",
        "      additional_contexts:",
        "        libs: ../libs",
        "        base: docker-image://python:3.13",
        "  worker:",
        "    build: worker",
        "    volumes:",
        "      - ./worker:/srv/",
        "      - data:/var/lib/data",
        "      - type: bind",
        "        source: ./data",
        "        target: /data",
        "  db:",
        "    image: postgres:17",
        "",
      ].join("\n"),
    );
    expect(r.project).toBe("shop");
    expect(r.builds).toEqual([
      {
        file,
        kind: "compose",
        name: "api",
        context: "/repo/services",
        dockerfile: "/repo/services/api/Dockerfile",
        target: "runtime",
        args: { VERSION: "1", TOKEN: undefined },
        contexts: { libs: "/libs", base: "docker-image://python:3.13" },
        mounts: [],
      },
      {
        file,
        kind: "compose",
        name: "worker",
        context: "/repo/worker",
        dockerfile: "/repo/worker/Dockerfile",
        target: undefined,
        args: {},
        contexts: {},
        mounts: [
          { target: "/srv", file },
          { target: "/data", file },
        ],
      },
    ]);
  });

  test("merge keys are followed; remote, interpolated and inline builds are not", () => {
    const r = composeBuilds(
      file,
      [
        "x-base: &base",
        "  build:",
        "    context: app",
        "services:",
        "  a:",
        "    <<: *base",
        "  b:",
        "    build: https://github.com/example/repo.git#main",
        "  c:",
        "    build:",
        "      context: ${APP_DIR}",
        "  d:",
        "    build:",
        "      dockerfile_inline: FROM alpine",
        "",
      ].join("\n"),
    );
    expect(r.builds.map((b) => [b.name, b.context])).toEqual([["a", "/repo/app"]]);
  });

  test("an override file's build without a context says nothing; invalid YAML is a problem, not a crash", () => {
    const override = composeBuilds(
      "/repo/docker-compose.override.yml",
      "services:\n  a:\n    build:\n      target: dev\n",
    );
    expect(override.builds).toEqual([]);
    expect(composeBuilds(file, "services: [\n").problem).toMatch(/^not valid YAML/);
  });
});

test("bake targets: context and dockerfile, with the defaults bake uses and inherited fields", () => {
  const r = bakeJsonBuilds(
    "/repo/docker-bake.json",
    JSON.stringify({
      group: { default: { targets: ["api", "tools"] } },
      target: {
        api: { context: "services/api", args: { A: "1" } },
        tools: { dockerfile: "docker/tools.Dockerfile", target: "cli", contexts: { src: "." } },
        child: { inherits: ["api"], dockerfile: "child.Dockerfile", args: { B: "2" } },
        loop: { inherits: ["loop"] },
      },
    }),
  );
  expect(r.builds.map((b) => [b.name, b.context, b.dockerfile, b.target, b.args, b.contexts])).toEqual([
    ["api", "/repo/services/api", "/repo/services/api/Dockerfile", undefined, { A: "1" }, {}],
    ["tools", "/repo", "/repo/docker/tools.Dockerfile", "cli", {}, { src: "/repo" }],
    ["child", "/repo/services/api", "/repo/services/api/child.Dockerfile", undefined, { A: "1", B: "2" }, {}],
  ]);
  expect(bakeJsonBuilds("/repo/docker-bake.json", "{").problem).toMatch(/^not valid JSON/);
});

describe("finding the builds of a Dockerfile", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-builds-")));
    fs.mkdirSync(path.join(dir, "repo", ".git"), { recursive: true });
    fs.mkdirSync(path.join(dir, "repo", "services", "api"), { recursive: true });
    fs.writeFileSync(path.join(dir, "repo", "services", "api", "Dockerfile"), "FROM python:3.13-alpine\n");
    fs.writeFileSync(
      path.join(dir, "repo", "compose.yaml"),
      "services:\n  api:\n    build:\n      context: .\n      dockerfile: services/api/Dockerfile\n",
    );
    // Above the repository's root: never read.
    fs.writeFileSync(path.join(dir, "compose.yaml"), "services:\n  x:\n    build: repo/services/api\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("up to the repository's root, whatever the current folder", () => {
    const finder = new BuildFinder(path.join(dir, "repo", "services", "api"));
    const builds = finder.forDockerfile(path.join(dir, "repo", "services", "api", "Dockerfile"));
    expect(builds.map((b) => [b.name, b.context])).toEqual([["api", path.join(dir, "repo")]]);
  });

  test("without a repository, up to the current folder", () => {
    fs.rmSync(path.join(dir, "repo", ".git"), { recursive: true });
    const finder = new BuildFinder(path.join(dir, "repo"));
    expect(finder.forDockerfile(path.join(dir, "repo", "services", "api", "Dockerfile")).map((b) => b.name)).toEqual([
      "api",
    ]);
  });
});

describe("explain in the context compose gives", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-explain-ctx-"));
    fs.mkdirSync(path.join(dir, "services", "api"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "compose.yaml"),
      "services:\n  api:\n    build:\n      context: .\n      dockerfile: services/api/Dockerfile\n",
    );
    fs.writeFileSync(
      path.join(dir, "services", "api", "Dockerfile"),
      [
        "FROM python:3.13-slim",
        "WORKDIR /app",
        "COPY services/api/requirements.txt ./",
        "RUN pip install -r requirements.txt",
        "COPY missing.txt ./",
        "COPY . .",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(dir, "services", "api", "requirements.txt"), "flask\n");
    fs.writeFileSync(path.join(dir, "app.py"), "print(1)\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const explain = (args: string[]) =>
    spawnSync(process.execPath, [cli, "explain", ...args], { cwd: dir, encoding: "utf8" });

  test("inputs resolve in the compose context; a COPY source that matches nothing is a warning", () => {
    const r = explain(["--format", "json", "--changed", "services/api/requirements.txt", "services/api/Dockerfile"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      files: {
        context: string;
        changed: string[];
        before: { rerun: { line: number }[] };
        warnings: { line: number; message: string }[];
      }[];
    };
    const file = doc.files[0]!;
    expect(file.context).toBe(".");
    expect(file.changed).toEqual(["services/api/requirements.txt"]);
    expect(file.before.rerun.map((s) => s.line)).toEqual([3, 4, 5, 6]);
    expect(file.warnings).toEqual([
      { line: 5, message: expect.stringMatching(/^COPY source matches nothing in the build context \./) },
    ]);
    expect(r.stderr).toContain("services/api/Dockerfile:5:1: warning: COPY source matches nothing");
  });

  test("a --changed path outside the context is a warning, not a silent 0", () => {
    const r = explain(["--changed", "/etc/hostname", "services/api/Dockerfile"]);
    expect(r.stderr).toContain(
      "services/api/Dockerfile: warning: --changed /etc/hostname is outside the build context .",
    );
  });
});

describe("an anonymous volume over the environment", () => {
  const add = (text: string, service = "api"): string | undefined => {
    const edit = anonymousVolumeEdit(text, service, "/app/.venv");
    if (typeof edit !== "object") return edit;
    return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  };
  test("a block list gets an item with the same indentation, after a trailing comment", () => {
    expect(add("services:\n  api:\n    volumes:\n      - .:/app # src\n    command: x\n")).toBe(
      "services:\n  api:\n    volumes:\n      - .:/app # src\n      - /app/.venv\n    command: x\n",
    );
  });
  test("after a long-syntax item; in a flow list; not twice", () => {
    expect(add("services:\n  api:\n    volumes:\n      - type: bind\n        source: .\n        target: /app\n")).toBe(
      "services:\n  api:\n    volumes:\n      - type: bind\n        source: .\n        target: /app\n      - /app/.venv\n",
    );
    expect(add('services:\n  api:\n    volumes: [".:/app"]\n')).toBe(
      'services:\n  api:\n    volumes: [".:/app", /app/.venv]\n',
    );
    expect(add("services:\n  api:\n    volumes:\n      - .:/app\n      - /app/.venv\n")).toBeUndefined();
  });
  test("a service without a volumes list is a reason, not an edit", () => {
    expect(add("services:\n  api:\n    build: .\n")).toBe("service api has no volumes list dfmod can add to");
  });
});
