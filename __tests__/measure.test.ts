/** The real-Dockerfile measurement's own checks fail on the breakage they look for. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { judge } = require("../bench/real/measure.js") as {
  judge(input: string, output: string): { split: string[]; aptNames: string[]; runtime: string[] };
};

const INPUT = [
  "FROM python:3.12-alpine",
  "RUN apk add --no-cache ffmpeg jpeg-dev gcc musl-dev",
  "COPY . .",
  "RUN pip install -r requirements.txt",
  'CMD ["python", "app.py"]',
  "",
].join("\n");

test("a good migration passes all three checks", () => {
  const output = [
    "FROM python:3.12-slim-trixie AS builder",
    "RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg libjpeg62-turbo-dev gcc libc6-dev && rm -rf /var/lib/apt/lists/*",
    "COPY . .",
    "RUN pip install -r requirements.txt",
    "",
    "FROM python:3.12-slim-trixie",
    "RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg libjpeg62-turbo && rm -rf /var/lib/apt/lists/*",
    'CMD ["python", "app.py"]',
    "",
  ].join("\n");
  expect(judge(INPUT, output)).toEqual({ split: [], aptNames: [], runtime: [] });
});

test("an instruction swallowed by a continuation is found", () => {
  const output = "FROM python:3.12-slim-trixie\nRUN apt-get install -y gcc \\\n    # c\n\nCOPY . .\n";
  expect(judge(INPUT, output).split).toEqual(["1 instruction(s) swallowed by the one before"]);
});

test("an apt-get name trixie lacks is found", () => {
  const output = "FROM python:3.12-slim-trixie\nRUN apt-get install -y jpeg-dev libssl3\n";
  expect(judge(INPUT, output).aptNames).toEqual(["jpeg-dev", "libssl3"]);
});

test("a split whose final stage lost runtime packages is found", () => {
  const output = [
    "FROM python:3.12-slim-trixie AS builder",
    "RUN apt-get install -y ffmpeg libjpeg62-turbo-dev gcc",
    "FROM python:3.12-slim-trixie",
    'CMD ["python", "app.py"]',
    "",
  ].join("\n");
  expect(judge(INPUT, output).runtime).toEqual(["ffmpeg -> ffmpeg", "jpeg-dev -> libjpeg62-turbo"]);
});

test("what the input deletes again (apk del of a virtual group) is not counted as lost; what it keeps is", () => {
  const input = [
    "FROM python:3.12-alpine",
    "RUN apk add --no-cache --virtual .build gcc openssh ffmpeg && apk add --no-cache ffmpeg libxslt && pip install x && apk del .build",
    'CMD ["python", "app.py"]',
    "",
  ].join("\n");
  const output = [
    "FROM python:3.12-slim-trixie AS builder",
    "RUN apt-get install -y gcc openssh-client ffmpeg libxslt1.1",
    "FROM python:3.12-slim-trixie",
    'CMD ["python", "app.py"]',
    "",
  ].join("\n");
  expect(judge(input, output).runtime).toEqual(["ffmpeg -> ffmpeg", "libxslt -> libxslt1.1"]);
});
