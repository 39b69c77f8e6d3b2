import { Command, commandOf } from "../src/engine/command";
import { Dockerfile } from "../src/engine/dockerfile";
import { installOf, PIP_FLAGS, stageFacts } from "../src/engine/facts";
import { initShell, parseShell } from "../src/engine/shell";

beforeAll(async () => {
  await initShell();
});

const line = (text: string): Command => commandOf(parseShell(text).commands[0]!);

describe("command vocabulary", () => {
  test("name, program, subcommand and args", () => {
    const c = line("/usr/bin/pip3 --no-cache-dir install -r req.txt flask");
    expect(c.name).toBe("/usr/bin/pip3");
    expect(c.program).toBe("pip3");
    expect(c.subcommand).toBe("install");
    expect(c.args.map((w) => w.text)).toEqual(["--no-cache-dir", "install", "-r", "req.txt", "flask"]);
    expect(c.written).toBe("/usr/bin/pip3 --no-cache-dir install -r req.txt flask");
  });

  test("flags without a spec take no values", () => {
    const c = line("rm -rf --one-file-system=yes /tmp/x $DIR");
    expect(c.hasFlag("-rf")).toBe(true);
    expect(c.hasFlag("-r")).toBe(false);
    expect(c.flagValue("--one-file-system")).toBe("yes");
    expect(c.argsNoFlags()).toEqual(["/tmp/x", undefined]);
  });

  test("pip's flags with values: separate, with `=` and joined", () => {
    const c = line("pip install -r a.txt --requirement=b.txt -rc.txt -e . --no-deps flask");
    const flags = c.flags(PIP_FLAGS, 2);
    expect(flags.flagValues("-r", "--requirement")).toEqual(["a.txt", "b.txt", "c.txt"]);
    expect(flags.flagValue("-e")).toBe(".");
    expect(flags.hasFlag("--no-deps")).toBe(true);
    expect(flags.argsNoFlags()).toEqual(["flask"]);
    expect(flags.dynamic).toBe(false);
  });

  test("an expansion makes the flags dynamic", () => {
    expect(line("pip install -r $REQS").flags(PIP_FLAGS, 2).dynamic).toBe(true);
    expect(line("pip install $PKG").flags(PIP_FLAGS, 2).dynamic).toBe(true);
  });

  test("dropFlag leaves the other words", () => {
    const c = line("pip install --target /opt/x --no-deps flask");
    const words = c.dropFlag("--target", PIP_FLAGS, 2);
    expect(words?.map((w) => w.raw)).toEqual(["pip", "install", "--no-deps", "flask"]);
    expect(c.dropFlag("--user", PIP_FLAGS, 2)).toBeUndefined();
  });
});

describe("dependency install model", () => {
  test("pip with requirement and constraint files", () => {
    const i = installOf(line("python -m pip install --no-cache-dir -r req.txt -c constraints.txt --target=/deps"))!;
    expect(i.tool).toBe("pip");
    expect(i.reads).toEqual(["req.txt", "constraints.txt"]);
    expect(i.target).toBe("/deps");
    expect(i.project).toBe(false);
    expect(i.tooling).toBe(false);
  });

  test("uv pip install of the project and of tools", () => {
    const project = installOf(line("uv pip install --system -e ."))!;
    expect(project.tool).toBe("uv-pip");
    expect(project.paths).toEqual(["."]);
    expect(project.project).toBe(true);
    expect(project.system).toBe(true);
    expect(installOf(line("pip install -U pip setuptools uv==0.4.1"))!.tooling).toBe(true);
  });

  test("uv sync and poetry install read pyproject.toml and their lockfile", () => {
    const sync = installOf(line("uv sync --frozen --no-install-project"))!;
    expect(sync).toMatchObject({ tool: "uv-sync", reads: ["pyproject.toml", "uv.lock"], optional: [], project: false });
    const poetry = installOf(line("poetry install --only main"))!;
    expect(poetry).toMatchObject({ tool: "poetry", optional: ["poetry.lock"], project: true });
    expect(installOf(line("apt-get install -y curl"))).toBeUndefined();
  });
});

describe("stage facts", () => {
  test("commands, installs and environments, computed once per stage", () => {
    const file = new Dockerfile(
      [
        "FROM python:3.13-slim",
        "RUN python -m venv /venv && . /venv/bin/activate && pip install -r requirements.txt",
        "RUN echo hi",
      ].join("\n") + "\n",
    );
    const stage = file.stages[0]!;
    const facts = stageFacts(stage);
    expect(stageFacts(stage)).toBe(facts);
    const run = stage.instructions[1]!;
    const commands = facts.of(run);
    expect(commands.map((c) => c.item)).toEqual([0, 1, 2]);
    expect(commands[0]!.venvCreated).toBe("/venv");
    expect(commands[1]!.venvActivated).toBe("/venv");
    expect(commands[2]!.install?.requirements).toEqual(["requirements.txt"]);
    expect(facts.of(stage.instructions[2]!)[0]!.install).toBeUndefined();
    expect(facts.at(commands[2]!.command)).toBe(commands[2]);
  });

  test("a command inside a compound command has no place in the top-level list", () => {
    const file = new Dockerfile("FROM python:3.13-slim\nRUN if true; then pip install flask; fi\n");
    const facts = stageFacts(file.stages[0]!);
    const pip = facts.commands.find((c) => c.install)!;
    expect(pip.item).toBeUndefined();
    expect(pip.install).toMatchObject({ tool: "pip", packages: ["flask"], tooling: false });
  });
});
