/**
 * compose-shared-image on compose files: fixtures/compose-shared-image/<case>.input.yaml ->
 * .output.yaml, byte for byte, also with CRLF and a second time (idempotent); and its Dockerfile
 * side, the shared HEALTHCHECK.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initShell } from "../src/engine/shell";
import { defaultOptions } from "../transforms";
import { processCompose } from "../src/process";
import { composeSharedImage, projectName } from "../transforms/compose-shared-image";
import { toCrlf, transformText } from "./support/harness";

const dir = path.join(__dirname, "fixtures", "compose-shared-image");
const cases = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".input.yaml"))
  .map((f) => f.slice(0, -".input.yaml".length))
  .sort();

function run(text: string) {
  return processCompose(
    {
      path: "compose.yaml",
      real: undefined,
      text,
      contextDir: "/srv/shop",
      transforms: ["compose-shared-image"],
      options: defaultOptions,
      diff: false,
      color: false,
    },
    [composeSharedImage],
  );
}

beforeAll(async () => {
  await initShell();
});

test("there are compose fixtures", () => {
  expect(cases.length).toBeGreaterThanOrEqual(5);
});

describe.each(cases)("%s", (name) => {
  const input = fs.readFileSync(path.join(dir, `${name}.input.yaml`), "utf8");
  const expected = fs.readFileSync(path.join(dir, `${name}.output.yaml`), "utf8");
  test("output", () => expect(run(input).output).toBe(expected));
  test("idempotent", () => expect(run(expected).output).toBe(expected));
  test("CRLF", () => expect(run(toCrlf(input)).output).toBe(toCrlf(expected)));
});

test("services that share a build are reported with their healthchecks", () => {
  const r = run(fs.readFileSync(path.join(dir, "anchors.input.yaml"), "utf8"));
  expect(r.shared).toEqual([
    {
      composeFile: "compose.yaml",
      dockerfile: "/srv/shop/backend/Dockerfile",
      services: ["api", "consumer"],
      healthchecks: ["api", "consumer"],
    },
  ]);
  expect(r.result.notes.map((n) => n.severity)).toEqual(["info", "warning"]);
});

test("--image-name names the shared image", () => {
  const text = "services:\n  a:\n    build: .\n  b:\n    build: .\n";
  const r = processCompose(
    {
      path: "compose.yaml",
      real: undefined,
      text,
      contextDir: "/srv/shop",
      transforms: ["compose-shared-image"],
      options: { ...defaultOptions, imageName: "ghcr.example/shop/app:2" },
      diff: false,
      color: false,
    },
    [composeSharedImage],
  );
  expect(r.output).toBe(
    "services:\n  a:\n    image: ghcr.example/shop/app:2\n    build: .\n  b:\n    image: ghcr.example/shop/app:2\n    pull_policy: never\n",
  );
});

describe("the shared Dockerfile's HEALTHCHECK", () => {
  const dockerfile =
    'FROM python:3.12-slim\nCOPY . /app\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\nCMD ["python", "-m", "app"]\n';
  const compose = [
    {
      composeFile: "compose.yaml",
      dockerfile: "/srv/Dockerfile",
      services: ["api", "worker"],
      healthchecks: ["worker"],
    },
  ];
  const runDockerfile = (drop: boolean) => {
    const { runPipeline } = require("../src/engine/pipeline") as typeof import("../src/engine/pipeline");
    return runPipeline(dockerfile, "\n", [composeSharedImage], {
      path: "Dockerfile",
      context: undefined,
      options: { ...defaultOptions, dropDockerfileHealthcheck: drop },
      compose,
    });
  };
  test("is noted when the services define their own", () => {
    const r = runDockerfile(false);
    expect(r.output).toBe(dockerfile);
    expect(r.notes[0]!.message).toContain("this HEALTHCHECK can go (--drop-dockerfile-healthcheck)");
  });
  test("is removed with --drop-dockerfile-healthcheck", () => {
    expect(runDockerfile(true).output).toBe('FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "-m", "app"]\n');
  });
  test("is left alone without compose information", () => {
    expect(transformText(dockerfile, [composeSharedImage], undefined).output).toBe(dockerfile);
  });
});

describe("the compose project name, as Compose makes it", () => {
  test.each([
    ["Web_Shop.2", "/srv/x", "web_shop2"],
    [undefined, "/srv/My Shop", "myshop"],
    [undefined, "/srv/_tmp-App", "tmp-app"],
    ["", "/srv/---", "app"],
  ])("name %p in %p -> %p", (name, dir, expected) => {
    expect(projectName(name, dir)).toBe(expected);
  });
});

test("./dev/Dockerfile and dev/Dockerfile are one build", () => {
  const r = run(
    "services:\n  a:\n    build:\n      context: .\n      dockerfile: ./dev/Dockerfile\n  b:\n    build:\n      context: ./\n      dockerfile: dev/Dockerfile\n",
  );
  expect(r.shared.map((s) => s.services)).toEqual([["a", "b"]]);
});

test("a build that carries an anchor stays, with the reason", () => {
  const r = run(fs.readFileSync(path.join(dir, "build-anchor.input.yaml"), "utf8"));
  expect(r.result.notes.map((n) => [n.id, n.message])).toEqual([
    [
      "shared-image-left",
      "web, worker build the same image, but the build of worker carries a YAML anchor, which other parts of the file may use: left as they are",
    ],
  ]);
});
