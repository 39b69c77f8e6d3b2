/**
 * Which images are the official python image (multi-stage and uv-sync convert and split only those),
 * and what a tag says of its Python (a .python-version and requires-python are held against it).
 */
import { isPythonImage } from "../transforms/multi-stage/commands";
import { allowsImage, imageVersion, pinSatisfied } from "../transforms/python-version";
import { Dockerfile } from "../src/engine/dockerfile";
import { setsErrexit } from "../transforms/failures";

describe("isPythonImage", () => {
  test.each([
    "python:3.12",
    "python",
    "python:3.12-slim@sha256:0123",
    "docker.io/python:3.12",
    "docker.io/library/python:3.12-slim",
    "public.ecr.aws/docker/library/python:3.12",
    "arm64v8/python:3.12",
    "${REG}/python:3.12",
    "$REG/library/python:3.12",
    "${ARCH}python:3.12",
    "localhost:5000/python:3.12",
    "harbor.example.com/dockerhub/python:3.12-slim",
    "ghcr.io/astral-sh/uv:python3.12-bookworm-slim",
  ])("%s is the official image", (image) => {
    expect(isPythonImage(image)).toBe(true);
  });

  test.each([
    "public.ecr.aws/lambda/python:3.10",
    "bitnami/python:3.11",
    "cimg/python:3.11",
    "${REG}/bitnami/python:3.12",
    "mcr.microsoft.com/devcontainers/python:3.12",
    "pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime",
  ])("%s is another owner's", (image) => {
    expect(isPythonImage(image)).toBe(false);
  });
});

describe("a tag's Python", () => {
  const file = new Dockerfile("ARG PY=3.12\nARG PYTHON_VERSION=3.11.9\nFROM python:${PY}-slim\n");
  test.each([
    ["python:3.12-slim", [3, 12]],
    ["python:3.12.3-slim-bookworm", [3, 12, 3]],
    ["python:${PY}-slim", [3, 12]],
    ["python:${PYTHON_VERSION}-alpine3.20", [3, 11, 9]],
    ["python:3-slim", undefined],
    ["python:latest", undefined],
  ])("%s says %p", (image, version) => {
    expect(imageVersion(file, image)).toEqual(version);
  });

  test("a .python-version's patch is met only by a tag that pins the same patch", () => {
    expect(pinSatisfied([3, 12], [3, 12])).toBe(true);
    expect(pinSatisfied([3, 12], [3, 12, 3])).toBe(true);
    expect(pinSatisfied([3, 12, 3], [3, 12, 3])).toBe(true);
    expect(pinSatisfied([3, 12, 3], [3, 12])).toBe(false);
    expect(pinSatisfied([3, 12, 3], [3, 12, 4])).toBe(false);
    expect(pinSatisfied([3, 12], [3, 13])).toBe(false);
  });

  test("requires-python is held against the tag's own patch when it pins one, else the minor's newest", () => {
    expect(allowsImage(">=3.12.5", [3, 12, 3])).toBe(false);
    expect(allowsImage(">=3.12,<3.12.5", [3, 12, 3])).toBe(true);
    expect(allowsImage(">=3.12.5", [3, 12])).toBe(true);
    expect(allowsImage(">=3.13", [3, 12])).toBe(false);
  });
});

describe("setsErrexit", () => {
  test.each([
    "set -e",
    "set -eux; a",
    "set -u -e; a",
    "set -o pipefail -e",
    "x && set -o errexit",
    "set -ex -o pipefail",
  ])("%s exits on errors", (source) => expect(setsErrexit(source)).toBe(true));
  test.each(["set -u", "set -o pipefail", "set -x; echo -e", "reset -e", "set +e"])("%s does not", (source) =>
    expect(setsErrexit(source)).toBe(false),
  );
});
