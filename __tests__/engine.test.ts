import { Dockerfile, DockerfileError } from "../src/engine/dockerfile";
import { applyEdits, EditOverlapError } from "../src/engine/edits";
import { initShell } from "../src/engine/shell";
import { dominantEol, readSource, writeSource } from "../src/engine/source";
import { runPipeline } from "../src/engine/pipeline";
import { envPairs } from "../src/engine/stage";
import { Transform } from "../src/engine/types";
import { defaultOptions } from "../transforms";
import { insertAfter } from "../src/engine/fixer";
import { TEST_META } from "./support/harness";

beforeAll(async () => {
  await initShell();
});

describe("instructions Docker rejects", () => {
  test("ENV and LABEL in the name=value form with a word that is not a pair: an error naming the line", () => {
    expect(() => new Dockerfile("FROM x\nENV A=1 python:3.12 1\n")).toThrow(
      new DockerfileError(2, "ENV: `python:3.12` is not of the form name=value"),
    );
    expect(() => new Dockerfile("FROM x\nLABEL a=1 =b\n")).toThrow(DockerfileError);
    expect(new Dockerfile('FROM x\nENV A 1 2\nENV B="x y" C=\nLABEL "a b"=c\n').instructions).toHaveLength(4);
  });
});

describe("logical lines", () => {
  test("comment lines inside a continuation are dropped, as Docker does", () => {
    const text = "FROM x\nRUN apk add a \\\n  # a note \\\n  gcc && echo ok\n";
    const run = new Dockerfile(text).instructions[1]!;
    expect(run.logical).toBe("RUN apk add a   gcc && echo ok");
    const script = run.shell()!;
    expect(script.items.map((i) => run.logical.slice(i.start, i.end))).toEqual(["apk add a   gcc", "echo ok"]);
  });

  test("logical offsets map back to the file bytes", () => {
    const text = "FROM x\nRUN apk add a \\\n  # a note \\\n  gcc && echo ok\n";
    const run = new Dockerfile(text).instructions[1]!;
    const at = run.logical.indexOf("gcc");
    expect(text.slice(run.fileOffset(at), run.fileOffset(at + 3))).toBe("gcc");
    const [range] = run.fileRanges(run.logical.indexOf("echo"), run.logical.length);
    expect(text.slice(range!.start, range!.end)).toBe("echo ok");
  });

  test("a trailing escape before a blank line joins the next instruction", () => {
    const file = new Dockerfile("FROM x\nRUN echo a \\\n\nCOPY . .\n");
    expect(file.instructions).toHaveLength(2);
    expect(file.instructions[1]!.logical).toBe("RUN echo a COPY . .");
  });

  test("the escape directive changes the continuation character", () => {
    const file = new Dockerfile("# escape=`\nFROM x\nRUN echo a `\n  b\n");
    expect(file.instructions[1]!.logical).toBe("RUN echo a   b");
  });

  test("CRLF lines join like LF lines", () => {
    const file = new Dockerfile("FROM x\r\nRUN echo a \\\r\n  b\r\n");
    expect(file.instructions[1]!.logical).toBe("RUN echo a   b");
  });

  test("heredoc RUNs have no shell view", () => {
    const file = new Dockerfile("FROM x\nRUN <<EOF\necho hi\nEOF\n");
    expect(file.instructions[1]!.heredoc).toBe(true);
    expect(file.instructions[1]!.shell()).toBeUndefined();
  });

  test("flags are parsed before the arguments", () => {
    const run = new Dockerfile("FROM x\nRUN --mount=type=cache,target=/root/.cache --network=none echo hi\n")
      .instructions[1]!;
    expect(run.flags.map((f) => [f.name, f.value])).toEqual([
      ["mount", "type=cache,target=/root/.cache"],
      ["network", "none"],
    ]);
    expect(run.args).toBe("echo hi");
  });

  test("keywords keep their case; stages are found", () => {
    const file = new Dockerfile("From python:3.12 As build\nrun echo\nFROM build\n");
    expect(file.instructions.map((i) => [i.keywordText, i.keyword])).toEqual([
      ["From", "FROM"],
      ["run", "RUN"],
      ["FROM", "FROM"],
    ]);
    expect(file.stages.map((s) => s.name)).toEqual(["build", undefined]);
  });
});

describe("parser directives, as BuildKit reads them", () => {
  test("blanks before the # are allowed", () => {
    const file = new Dockerfile("  # escape=`\nFROM x\nRUN a `\n  b\n");
    expect(file.escape).toBe("`");
    expect(file.instructions.map((i) => i.logical)).toEqual(["FROM x", "RUN a   b"]);
  });

  test("a directive BuildKit does not know is a comment, and the directives end there", () => {
    const file = new Dockerfile("# version=2\n# escape=`\nFROM x\nRUN a \\\n  b\n");
    expect(file.escape).toBe("\\");
    expect(file.directive("escape")).toBeUndefined();
    expect(file.instructions.map((i) => i.keyword)).toEqual(["FROM", "RUN"]);
  });

  test("a directive's value", () => {
    const file = new Dockerfile("# syntax = docker/dockerfile:1.0\r\n#check=skip=all\r\nFROM x\r\n");
    expect(file.directive("syntax")).toBe("docker/dockerfile:1.0");
    expect(file.directive("check")).toBe("skip=all");
    expect(file.directive("escape")).toBeUndefined();
  });
});

describe("parse errors name the line", () => {
  test("unknown instruction", () => {
    expect(() => new Dockerfile("FROM x\nRUN a\nFOO bar\n")).toThrow(DockerfileError);
    try {
      new Dockerfile("FROM x\nRUN a\nFOO bar\n");
    } catch (err) {
      expect((err as DockerfileError).line).toBe(3);
      expect((err as DockerfileError).message).toBe("unknown instruction: FOO");
    }
  });

  test("an instruction before FROM other than ARG", () => {
    expect(() => new Dockerfile("RUN a\nFROM x\n")).toThrow("RUN before the first FROM (only ARG may come first)");
  });

  test("an empty file has no instructions and is no error", () => {
    expect(new Dockerfile("# just a comment\n").instructions).toHaveLength(0);
  });
});

describe("edits", () => {
  test("applied in order, with the file's line ending in inserted text", () => {
    expect(applyEdits("a\r\nb\r\n", [{ start: 3, end: 3, text: "x\n" }], "\r\n", "t")).toBe("a\r\nx\r\nb\r\n");
  });

  test("overlapping edits are an error that names the transform", () => {
    expect(() =>
      applyEdits(
        "abcdef",
        [
          { start: 0, end: 3, text: "" },
          { start: 2, end: 4, text: "" },
        ],
        "\n",
        "my-transform",
      ),
    ).toThrow(EditOverlapError);
    expect(() =>
      applyEdits(
        "abc",
        [
          { start: 0, end: 2, text: "" },
          { start: 1, end: 2, text: "" },
        ],
        "\n",
        "t1",
      ),
    ).toThrow(/transform t1 made overlapping edits/);
  });

  test("insertions at the same offset keep their order", () => {
    expect(
      applyEdits(
        "ab",
        [
          { start: 1, end: 1, text: "1" },
          { start: 1, end: 1, text: "2" },
        ],
        "\n",
        "t",
      ),
    ).toBe("a12b");
  });
});

describe("source", () => {
  test("BOM and line endings survive a round trip", () => {
    const raw = "\uFEFFFROM x\r\nRUN a\r\n";
    const source = readSource(raw);
    expect(source.bom).toBe(true);
    expect(source.eol).toBe("\r\n");
    expect(writeSource(source, source.text)).toBe(raw);
  });

  test("the dominant line ending wins in mixed files", () => {
    expect(dominantEol("a\nb\r\nc\r\n")).toBe("\r\n");
    expect(dominantEol("a\nb\nc\r\n")).toBe("\n");
    expect(dominantEol("no newline")).toBe("\n");
  });
});

describe("ENV pairs, as Docker reads them", () => {
  const pairs = (text: string) =>
    envPairs(new Dockerfile(`FROM x\n${text}`).instructions[1]!).map((p) => [p.key, p.value]);

  test("KEY=value pairs, quoted or not", () => {
    expect(pairs("ENV A=1 B=\"two words\" C='x'\n")).toEqual([
      ["A", "1"],
      ["B", "two words"],
      ["C", "x"],
    ]);
  });

  test("a first word without = is the legacy form: one key, the rest is its value, whatever the key", () => {
    expect(pairs("ENV PATH /opt/venv/bin:$PATH\n")).toEqual([["PATH", "/opt/venv/bin:$PATH"]]);
    expect(pairs("ENV python:3.12  UV_NO_CACHE=1 UV_SYSTEM_PYTHON=1\n")).toEqual([
      ["python:3.12", "UV_NO_CACHE=1 UV_SYSTEM_PYTHON=1"],
    ]);
  });
});

describe("pipeline", () => {
  const appendUser: Transform = {
    id: "append-user",
    summary: "test transform",
    meta: TEST_META,
    apply(ctx) {
      const last = ctx.dockerfile.instructions[ctx.dockerfile.instructions.length - 1]!;
      if (last.keyword === "USER") return undefined;
      return {
        edits: [insertAfter(last, ["USER app"])],
        notes: [{ id: "m", severity: "info", line: last.line, message: "m" }],
        declares: ["user"],
      };
    },
  };
  const noteOnUser: Transform = {
    id: "note-on-user",
    summary: "test transform",
    meta: TEST_META,
    apply(ctx) {
      const user = ctx.dockerfile.instructions.find((i) => i.keyword === "USER");
      return user
        ? { edits: [], notes: [{ id: "seen", severity: "warning", line: user.line, message: "seen" }] }
        : undefined;
    },
  };
  const input = { path: "Dockerfile", context: undefined, options: defaultOptions };

  test("each transform sees the text the one before produced", () => {
    const result = runPipeline("FROM x\nRUN a\n", "\n", [appendUser, noteOnUser], input);
    expect(result.output).toBe("FROM x\nRUN a\nUSER app\n");
    expect(result.applied).toEqual(["append-user"]);
  });

  test("a transform whose meta says it never edits the Dockerfile runs in the first pass only", () => {
    const seen: string[] = [];
    const companionOnly = (id: string, edits: boolean): Transform => ({
      id,
      summary: "test transform",
      meta: { ...TEST_META, editsDockerfile: false },
      apply(ctx) {
        seen.push(`${id}: ${ctx.dockerfile.instructions.length}`);
        return {
          edits: edits ? [{ start: 0, end: 0, text: "ARG A=1\n" }] : [],
          notes: [{ id: "m", severity: "info", line: 1, message: "m" }],
        };
      },
    });
    // append-user after it changes the file: the pipeline makes a second pass, without it.
    const result = runPipeline("FROM x\nRUN a\n", "\n", [companionOnly("notes-only", false), appendUser], input);
    expect(result.output).toBe("FROM x\nRUN a\nUSER app\n");
    expect(seen).toEqual(["notes-only: 2"]);
    expect(result.notes.map((n) => n.transform)).toEqual(["notes-only", "append-user"]);
    // One that edits after all is dfmod's bug, not a change made quietly.
    expect(() => runPipeline("FROM x\n", "\n", [companionOnly("liar", true)], input)).toThrow(
      "transform liar edited the Dockerfile, which its meta says it never does",
    );
  });

  test("notes of later transforms name lines of the original file", () => {
    const result = runPipeline("FROM x\nRUN a\n", "\n", [appendUser, noteOnUser], input);
    // USER app was inserted after line 2: the note points there.
    expect(result.notes.map((n) => [n.transform, n.line])).toEqual([
      ["append-user", 2],
      ["note-on-user", 2],
    ]);
  });

  test("a note's message names lines of the original file, as its own line does", () => {
    const insertFirst: Transform = {
      id: "insert-first",
      summary: "test transform",
      meta: TEST_META,
      apply(ctx) {
        if (ctx.dockerfile.instructions.some((i) => i.keyword === "ARG")) return undefined;
        return { edits: [{ start: 0, end: 0, text: "ARG A=1\n" }], notes: [] };
      },
    };
    const pointAtRun: Transform = {
      id: "point-at-run",
      summary: "test transform",
      meta: TEST_META,
      apply(ctx) {
        const run = ctx.dockerfile.instructions.find((i) => i.keyword === "RUN")!;
        const message = `the RUN at line ${run.line} (line ${run.line}), by line ${run.line}; echo line ${run.line}`;
        return { edits: [], notes: [{ id: "m", severity: "info", line: run.line, message }] };
      },
    };
    const result = runPipeline("FROM x\nRUN a\n", "\n", [insertFirst, pointAtRun], input);
    expect(result.notes.map((n) => [n.line, n.message])).toEqual([
      [2, "the RUN at line 2 (line 2), by line 2; echo line 3"],
    ]);
  });

  test("a file without a final newline stays without one", () => {
    expect(runPipeline("FROM x\nRUN a", "\n", [appendUser], input).output).toBe("FROM x\nRUN a\nUSER app");
  });

  test("a file with lower-case keywords gets lower-case keywords in what transforms add", () => {
    const result = runPipeline("from x\n  run a # RUN\n", "\n", [appendUser, noteOnUser], input);
    expect(result.output).toBe("from x\n  run a # RUN\n  user app\n");
    expect(result.notes.map((n) => n.id)).toEqual(["m", "seen"]);
  });

  test("a file that indents every instruction but FROM gets new instructions indented", () => {
    const appendRaw: Transform = {
      id: "append-raw",
      summary: "test transform",
      meta: TEST_META,
      apply(ctx) {
        const end = ctx.dockerfile.text.length;
        if (ctx.dockerfile.instructions.some((i) => i.keyword === "EXPOSE")) return undefined;
        return { edits: [{ start: end, end, text: "EXPOSE 80\nEXPOSE 81\n" }], notes: [], declares: ["expose"] };
      },
    };
    expect(runPipeline("FROM x\n\tRUN a\n", "\n", [appendRaw], input).output).toBe(
      "FROM x\n\tRUN a\n\tEXPOSE 80\n\tEXPOSE 81\n",
    );
    expect(runPipeline("FROM x\n\tRUN a\nRUN b\n", "\n", [appendRaw], input).output).toBe(
      "FROM x\n\tRUN a\nRUN b\nEXPOSE 80\nEXPOSE 81\n",
    );
  });

  test("a file that mixes cases gets the keywords as transforms write them", () => {
    expect(runPipeline("FROM x\nrun a\n", "\n", [appendUser], input).output).toBe("FROM x\nrun a\nUSER app\n");
  });
});
