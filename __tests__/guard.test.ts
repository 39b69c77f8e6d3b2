/**
 * The engine's guards: an edit that empties the end of a continued instruction must not leave an
 * escape that joins the next instruction into it (the edit primitive), and a transform whose output
 * has other instructions than it meant, or an image config it did not declare, fails the file
 * (the guard), which is then left as it was.
 */
import { DockerfileParser } from "dockerfile-ast";
import { Dockerfile } from "../src/engine/dockerfile";
import { applyEdits } from "../src/engine/edits";
import { GuardError, intendedInstructions } from "../src/engine/guard";
import { configDifferences, expandVariables, imageConfig } from "../src/engine/image";
import { runPipeline } from "../src/engine/pipeline";
import { initShell } from "../src/engine/shell";
import { Transform } from "../src/engine/types";
import { defaultOptions } from "../transforms";
import { processDockerfile } from "../src/process";
import { transforms } from "../transforms";
import { editChain, insertAfter, removeInstruction, replaceRange } from "../src/engine/fixer";
import { TEST_META } from "./support/harness";

beforeAll(async () => {
  await initShell();
});

const input = { path: "Dockerfile", context: undefined, options: defaultOptions };
const keywords = (text: string): string[] =>
  DockerfileParser.parse(text)
    .getInstructions()
    .map((i) => i.getKeyword());

/** Replaces the whole package list of the RUN at index 1 (`apk add ...` to the instruction's end). */
function replaceTail(text: string, by: string): string {
  const file = new Dockerfile(text);
  const run = file.instructions[1]!;
  const start = run.logical.indexOf("apk");
  return applyEdits(
    text,
    replaceRange(run, start, run.logical.length, by),
    file.text.includes("\r\n") ? "\r\n" : "\n",
    "t",
  );
}

describe("the edit primitive: emptied continuation lines at an instruction's end", () => {
  const cases: [string, string, string][] = [
    [
      "a comment line before the last package",
      "FROM x\nRUN apk add \\\n    gcc \\\n    # headers\n    postgresql-dev\nRUN echo next\nCOPY . .\n",
      "FROM x\nRUN apt-get install gcc libpq-dev\n    # headers\nRUN echo next\nCOPY . .\n",
    ],
    [
      "CRLF",
      "FROM x\r\nRUN apk add \\\r\n    gcc \\\r\n    # headers\r\n    postgresql-dev\r\nRUN echo next\r\n",
      "FROM x\r\nRUN apt-get install gcc libpq-dev\r\n    # headers\r\nRUN echo next\r\n",
    ],
    [
      "the backtick escape",
      "# escape=`\nFROM x\nRUN apk add `\n    gcc `\n    # headers\n    postgresql-dev\nRUN echo next\n",
      "# escape=`\nFROM x\nRUN apt-get install gcc libpq-dev\n    # headers\nRUN echo next\n",
    ],
    [
      "comments in the middle and a blank line",
      "FROM x\nRUN apk add \\\n    gcc \\\n    # one\n\n    musl-dev \\\n    # two\n    postgresql-dev\n\nRUN echo next\n",
      "FROM x\nRUN apt-get install gcc libpq-dev\n    # one\n\n    # two\n\nRUN echo next\n",
    ],
    [
      "a whitespace-only line after the comment",
      "FROM x\nRUN apk add \\\n    gcc \\\n    # headers\n   \n    postgresql-dev\nRUN echo next\n",
      "FROM x\nRUN apt-get install gcc libpq-dev\n    # headers\n   \nRUN echo next\n",
    ],
    [
      "the last instruction of a file without a final newline",
      "FROM x\nRUN apk add \\\n    gcc \\\n    # headers\n    postgresql-dev",
      "FROM x\nRUN apt-get install gcc libpq-dev\n    # headers",
    ],
  ];
  test.each(cases)("%s", (_name, text, expected) => {
    const out = replaceTail(text, "apt-get install gcc libpq-dev");
    expect(out).toBe(expected);
    expect(keywords(out)).toEqual(keywords(text));
  });

  test("removing the last command of a chain after a comment line takes the escape too", () => {
    const text = "FROM x\nRUN pip install a && \\\n    # then\n    apk del b\nCOPY . .\n";
    const file = new Dockerfile(text);
    const run = file.instructions[1]!;
    const out = applyEdits(text, editChain(run, run.shell()!, new Set([1]))!, "\n", "t");
    expect(out).toBe("FROM x\nRUN pip install a\n    # then\nCOPY . .\n");
    expect(keywords(out)).toEqual(["FROM", "RUN", "COPY"]);
  });
});

describe("the structural guard", () => {
  /** A transform that rewrites the last line of a continued RUN the old, broken way. */
  const swallow: Transform = {
    id: "swallow",
    summary: "test transform",
    meta: TEST_META,
    apply(ctx) {
      const run = ctx.dockerfile.instructions.find((i) => i.keyword === "RUN")!;
      const last = ctx.dockerfile.text.lastIndexOf("postgresql-dev", run.end);
      if (last < run.start) return undefined;
      return { edits: [{ start: last, end: last + "postgresql-dev".length, text: "" }], notes: [] };
    },
  };
  const text = "FROM x\nRUN apk add \\\n    gcc \\\n    # headers\n    postgresql-dev\nRUN echo next\nCOPY . .\n";

  test("an edit that joins the next instruction into the one before fails, naming the transform and the line", () => {
    expect(() => runPipeline(text, "\n", [swallow], input)).toThrow(GuardError);
    try {
      runPipeline(text, "\n", [swallow], input);
    } catch (err) {
      expect((err as GuardError).transform).toBe("swallow");
      expect((err as GuardError).line).toBe(2);
      expect((err as GuardError).message).toMatch(/swallow gave 3 instructions where it meant 4/);
    }
  });

  test("the file is then left as it was, with an error that says so", () => {
    const { registry } = { registry: transforms };
    registry.push(swallow);
    try {
      const r = processDockerfile(
        {
          path: "Dockerfile",
          real: undefined,
          text,
          contextDir: undefined,
          transforms: ["swallow"],
          options: defaultOptions,
          diff: true,
          color: false,
        },
        registry,
      );
      expect(r.output).toBe(text);
      expect(r.result.changed).toBe(false);
      expect(r.result.error).toEqual({
        line: 2,
        message: expect.stringMatching(/^internal error: transform swallow .*the file is left as it was$/),
      });
    } finally {
      registry.pop();
    }
  });

  test("the intended instructions: untouched ones as they are, edited ones with their edits, inserted ones", () => {
    const file = new Dockerfile("FROM x\nRUN a \\\n  b\nCOPY . .\n");
    const run = file.instructions[1]!;
    const intended = intendedInstructions(
      file,
      [
        ...replaceRange(run, run.logical.indexOf("b"), run.logical.indexOf("b") + 1, "c"),
        insertAfter(run, ["USER app"]),
        removeInstruction(file.instructions[2]!),
      ],
      "\n",
      "t",
    );
    expect(intended.instructions.map((i) => i.text)).toEqual(["FROM x", "RUN a \\\n  c", "USER app"]);
    expect(intended.configTouched).toBe(true);
  });

  test("an edit that cuts across an instruction boundary fails", () => {
    const file = new Dockerfile("FROM x\nRUN a\nRUN b\n");
    expect(() => intendedInstructions(file, [{ start: 9, end: 14, text: "" }], "\n", "t")).toThrow(
      /cuts across the instruction at line 2/,
    );
  });
});

describe("the image-config guard", () => {
  const setUser: Transform = {
    id: "set-user",
    summary: "test transform",
    meta: TEST_META,
    apply(ctx) {
      const last = ctx.dockerfile.instructions[ctx.dockerfile.instructions.length - 1]!;
      if (last.keyword === "USER") return undefined;
      return { edits: [insertAfter(last, ["USER app"])], notes: [] };
    },
  };

  test("a change of the final image's config that the transform does not declare fails", () => {
    expect(() => runPipeline('FROM x\nCMD ["a"]\n', "\n", [setUser], input)).toThrow(
      /set-user changed the final image's user, which it did not mean to/,
    );
  });

  test("a declared change passes", () => {
    const declared: Transform = {
      ...setUser,
      apply(ctx) {
        const change = setUser.apply!(ctx);
        return change && { ...change, declares: ["user"] };
      },
    };
    expect(runPipeline('FROM x\nCMD ["a"]\n', "\n", [declared], input).output).toBe('FROM x\nCMD ["a"]\nUSER app\n');
  });

  test("the config of the final stage, with ARG and ENV expanded and a parent stage's config inherited", () => {
    const file = new Dockerfile(
      [
        "ARG PORT=8000",
        "FROM python:3.12 AS base",
        "ENV APP_HOME=/srv LANG=C.UTF-8",
        'LABEL org.opencontainers.image.title="my app" maintainer=me',
        "FROM base",
        "ARG PORT",
        "ARG VERSION=1.0",
        "ENV VERSION=$VERSION",
        "WORKDIR ${APP_HOME}",
        "WORKDIR app",
        "EXPOSE ${PORT}",
        'VOLUME ["/data"]',
        "USER app:app",
        "CMD python -m app",
        'ENTRYPOINT ["tini", "--"]',
        "HEALTHCHECK --interval=30s CMD curl -f http://localhost/",
        "STOPSIGNAL SIGINT",
        'SHELL ["/bin/bash", "-c"]',
        "ONBUILD RUN echo hi",
      ].join("\n"),
    );
    expect(imageConfig(file)).toEqual({
      user: "app:app",
      workdir: "/srv/app",
      entrypoint: '["tini","--"]',
      cmd: "python -m app",
      expose: ["8000"],
      volume: ["/data"],
      labels: { "org.opencontainers.image.title": "my app", maintainer: "me" },
      stopsignal: "SIGINT",
      healthcheck: "--interval=30s CMD curl -f http://localhost/",
      shell: '["/bin/bash","-c"]',
      onbuild: ["RUN echo hi"],
      env: { APP_HOME: "/srv", LANG: "C.UTF-8", VERSION: "1.0" },
    });
  });

  test("an ENTRYPOINT resets a CMD the stage did not set itself", () => {
    const file = new Dockerfile('FROM x AS a\nCMD ["a"]\nFROM a\nENTRYPOINT ["b"]\n');
    expect(imageConfig(file).cmd).toBeNull();
  });

  test("the differences name env and label keys", () => {
    const a = imageConfig(new Dockerfile("FROM x\nENV A=1 B=2\n"));
    const b = imageConfig(new Dockerfile("FROM x\nENV A=1 B=3 C=4\nUSER u\n"));
    expect(configDifferences(a, b)).toEqual(["user", "env B", "env C"]);
  });

  test("variable expansion keeps what the file does not define", () => {
    expect(expandVariables("${A:-x}/$B/${C:+y}/\\$A", (n) => (n === "C" ? "1" : undefined))).toBe("x/$B/y/\\$A");
  });
});
