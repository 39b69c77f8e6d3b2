/**
 * Hostile and unlucky runs of the built binary, each in a temporary folder: nothing lost, nothing
 * hangs, no stack trace, and exit codes that mean one thing (0 done, 1 --check found something, 2
 * an error, 130 interrupted). Cases about permissions run as an unprivileged user (`nobody`, through
 * setpriv) when the tests run as root, since root reads and writes past file modes.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const cli = path.join(__dirname, "..", "dist", "src", "cli.js");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function dfmod(args: string[], cwd: string, options: SpawnSyncOptions & { as?: "nobody" } = {}): Run {
  const command =
    options.as === "nobody" && process.getuid?.() === 0
      ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, cli, ...args]
      : [process.execPath, cli, ...args];
  const r = spawnSync(command[0]!, command.slice(1), {
    cwd,
    input: "",
    encoding: "utf8",
    timeout: 20000,
    env: { ...process.env, NO_COLOR: "1" },
    ...options,
  });
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A non-root user can run dfmod here (root bypasses file modes): setpriv when the tests run as root. */
const canDropRoot = process.getuid?.() !== 0 || spawnSync("setpriv", ["--version"]).status === 0;
/** Tests about permissions: skipped, saying why, where no unprivileged user can run dfmod. */
const asUser = canDropRoot ? test : test.skip;
if (!canDropRoot) console.log("permission tests skipped: running as root and setpriv is not installed");

const SLOW =
  'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';
const FAST_COPY = "COPY requirements.txt ./";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-hostile-"));
  fs.chmodSync(dir, 0o755);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A project: a Dockerfile whose COPY . . makes dfmod add a .dockerignore, and its requirements. */
function project(at = dir, dockerfile = SLOW): string {
  fs.mkdirSync(at, { recursive: true });
  fs.writeFileSync(path.join(at, "Dockerfile"), dockerfile);
  fs.writeFileSync(path.join(at, "requirements.txt"), "flask\n");
  return at;
}

const read = (...p: string[]): string => fs.readFileSync(path.join(dir, ...p), "utf8");
const tempFiles = (at: string): string[] =>
  fs
    .readdirSync(at, { recursive: true })
    .map(String)
    .filter((f) => /\.dfmod-.*\.tmp$/.test(f));

describe("data loss", () => {
  test("a .dockerignore dfmod cannot read (a folder of that name) is an error, never replaced", () => {
    project();
    fs.mkdirSync(path.join(dir, ".dockerignore"));
    const r = dfmod(["--write", "."], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".dockerignore: error: a folder, not a regular file: left as it is");
    expect(fs.statSync(path.join(dir, ".dockerignore")).isDirectory()).toBe(true);
  });

  asUser("an unreadable .dockerignore (EACCES) is an error: its patterns are never lost", () => {
    project();
    fs.writeFileSync(path.join(dir, ".dockerignore"), ".env\nsecrets/\n*.pem\n", { mode: 0o000 });
    for (const f of fs.readdirSync(dir)) fs.chownSync(path.join(dir, f), 65534, 65534);
    fs.chownSync(dir, 65534, 65534);
    fs.chmodSync(path.join(dir, ".dockerignore"), 0o000);
    const r = dfmod(["--write", "."], dir, { as: "nobody" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".dockerignore: error: cannot read: EACCES; left as it is");
    expect(r.stderr).not.toContain("created .dockerignore");
    fs.chmodSync(path.join(dir, ".dockerignore"), 0o644);
    expect(read(".dockerignore")).toBe(".env\nsecrets/\n*.pem\n");
  });

  test("files edited or deleted while a --write run is under way keep the user's change", async () => {
    // Many files, so the run is still writing when it is paused (SIGSTOP) right after its first write.
    const n = 1500;
    for (let i = 0; i < n; i++) project(path.join(dir, String(i).padStart(4, "0")));
    const child = spawn(process.execPath, [cli, "--write", "--jobs", "1", "-t", "copy-order", dir], {
      stdio: "ignore",
    });
    const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const file = (i: number): string => path.join(dir, String(i).padStart(4, "0"), "Dockerfile");
    const started = Date.now();
    while (fs.readFileSync(file(0), "utf8") === SLOW && Date.now() - started < 60000)
      await new Promise((r) => setTimeout(r, 2));
    child.kill("SIGSTOP");
    // Two files the run has not reached yet: one edited, one deleted.
    const waiting = Array.from({ length: n }, (_, i) => i).filter((i) => fs.readFileSync(file(i), "utf8") === SLOW);
    expect(waiting.length).toBeGreaterThan(10);
    const [edited, deleted] = waiting.slice(-2) as [number, number];
    fs.writeFileSync(file(edited), SLOW + "# edited meanwhile\n");
    fs.unlinkSync(file(deleted));
    child.kill("SIGCONT");
    expect(await done).toBe(2);
    expect(fs.readFileSync(file(edited), "utf8")).toBe(SLOW + "# edited meanwhile\n");
    expect(fs.existsSync(file(deleted))).toBe(false);
    expect(fs.readFileSync(file(waiting[0]!), "utf8")).toContain(FAST_COPY);
    expect(tempFiles(dir)).toEqual([]);
  }, 120000);

  test("bytes that are not UTF-8 stay the same bytes on lines dfmod did not touch (--write, -, .dockerignore)", () => {
    project();
    const latin1 = Buffer.from(
      "# caf\xe9 \xfc\xdf\nFROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
      "latin1",
    );
    fs.writeFileSync(path.join(dir, "Dockerfile"), latin1);
    fs.writeFileSync(path.join(dir, ".dockerignore"), Buffer.from("# \xe9t\xe9\nnode_modules\n", "latin1"));
    const r = dfmod(["--write", "."], dir);
    expect(r.code).toBe(0);
    const after = fs.readFileSync(path.join(dir, "Dockerfile"));
    expect(after.subarray(0, 10)).toEqual(Buffer.from("# caf\xe9 \xfc\xdf\n", "latin1"));
    expect(after.toString("latin1")).toContain(FAST_COPY);
    const ignoreBefore = Buffer.from("# \xe9t\xe9\nnode_modules\n", "latin1");
    expect(fs.readFileSync(path.join(dir, ".dockerignore")).subarray(0, ignoreBefore.length)).toEqual(ignoreBefore);
    // Standard input: the same bytes out; a file that fails comes back byte for byte.
    const stdin = spawnSync(process.execPath, [cli, "--stdout", "-t", "copy-order", "-"], { input: latin1, cwd: dir });
    expect(stdin.stdout.subarray(0, 10)).toEqual(Buffer.from("# caf\xe9 \xfc\xdf\n", "latin1"));
    const bad = Buffer.from("# \xe9\nFROM python:3.12-slim\nNOTANINSTRUCTION x\n", "latin1");
    const echo = spawnSync(process.execPath, [cli, "--stdout", "-"], { input: bad, cwd: dir });
    expect(echo.status).toBe(2);
    expect(echo.stdout).toEqual(bad);
  });

  test("--write keeps the file's owner, group and mode", () => {
    if (process.getuid?.() !== 0) return console.log("owner test skipped: only root can give a file to another user");
    project();
    const file = path.join(dir, "Dockerfile");
    fs.chownSync(file, 65534, 65534);
    fs.chmodSync(file, 0o640);
    expect(dfmod(["--write", "-t", "copy-order", "."], dir).code).toBe(0);
    const stat = fs.statSync(file);
    expect([stat.uid, stat.gid, stat.mode & 0o777]).toEqual([65534, 65534, 0o640]);
    expect(read("Dockerfile")).toContain(FAST_COPY);
  });

  test("a hard-linked file is refused (a rename would break the link); --force writes it in place", () => {
    project();
    const file = path.join(dir, "Dockerfile");
    fs.linkSync(file, path.join(dir, "linked"));
    const r = dfmod(["--write", "-t", "copy-order", "Dockerfile"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "has 2 hard links, which replacing it would break: left as it was (--force writes it in place)",
    );
    expect(read("Dockerfile")).toBe(SLOW);
    expect(dfmod(["--write", "--force", "-t", "copy-order", "Dockerfile"], dir).code).toBe(0);
    expect(read("linked")).toContain(FAST_COPY);
    expect(fs.statSync(file).ino).toBe(fs.statSync(path.join(dir, "linked")).ino);
  });

  test("a read-only file is not replaced without --force", () => {
    project();
    fs.chmodSync(path.join(dir, "Dockerfile"), 0o444);
    const r = dfmod(["--write", "-t", "copy-order", "Dockerfile"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("read-only (mode 0444): left as it was (--force replaces it)");
    expect(read("Dockerfile")).toBe(SLOW);
    expect(dfmod(["--write", "--force", "-t", "copy-order", "Dockerfile"], dir).code).toBe(0);
    expect(read("Dockerfile")).toContain(FAST_COPY);
    expect(fs.statSync(path.join(dir, "Dockerfile")).mode & 0o777).toBe(0o444);
  });

  test("a .dockerignore asked for by a Dockerfile that was not written is left too", () => {
    project();
    fs.chmodSync(path.join(dir, "Dockerfile"), 0o444);
    const r = dfmod(["--write", "."], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Dockerfile: error: read-only (mode 0444)");
    expect(r.stderr).toContain(".dockerignore: error: left as it was: Dockerfile, which asked for it, was not written");
    expect(fs.existsSync(path.join(dir, ".dockerignore"))).toBe(false);
    expect(read("Dockerfile")).toBe(SLOW);
    expect(dfmod(["--write", "--force", "."], dir).code).toBe(0);
    expect(fs.existsSync(path.join(dir, ".dockerignore"))).toBe(true);
  });

  test("a symbolic link to a .dockerignore is written through, and stays a link", () => {
    project();
    fs.writeFileSync(path.join(dir, "shared.ignore"), "node_modules\n");
    fs.symlinkSync("shared.ignore", path.join(dir, ".dockerignore"));
    expect(dfmod(["--write", "."], dir).code).toBe(0);
    expect(fs.lstatSync(path.join(dir, ".dockerignore")).isSymbolicLink()).toBe(true);
    expect(read("shared.ignore")).toMatch(/^node_modules\n.*\.venv/s);
  });

  test("a new .dockerignore gets the mode the umask gives", () => {
    project();
    const r = spawnSync("sh", ["-c", `umask 077 && exec "${process.execPath}" "${cli}" --write .`], { cwd: dir });
    expect(r.status).toBe(0);
    expect(fs.statSync(path.join(dir, ".dockerignore")).mode & 0o777).toBe(0o600);
  });

  test("paths after -- are paths: only they are read", () => {
    project(path.join(dir, "a"));
    project(path.join(dir, "b"));
    const r = dfmod(["--check", "-t", "copy-order", "--", "a"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("a/Dockerfile\n");
    expect(dfmod(["--write", "-t", "copy-order", "--", "a"], dir).code).toBe(0);
    expect(read("b", "Dockerfile")).toBe(SLOW);
  });
});

describe("hangs and crashes", () => {
  const fifo = (p: string): void => {
    expect(spawnSync("mkfifo", [p]).status).toBe(0);
  };

  test("a FIFO on the command line, as a .dockerignore, as a config or met by a walk never blocks", () => {
    project();
    fifo(path.join(dir, "Named.Dockerfile"));
    const named = dfmod(["Named.Dockerfile"], dir);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain("Named.Dockerfile: error: a FIFO, not a regular file");
    const walk = dfmod(["--check", "."], dir);
    expect(walk.stderr).toContain("Named.Dockerfile: skipped: a FIFO, not a regular file");
    fifo(path.join(dir, ".dockerignore"));
    const ignore = dfmod(["--write", "."], dir);
    expect(ignore.code).toBe(2);
    expect(ignore.stderr).toContain(".dockerignore: error: a FIFO, not a regular file: left as it is");
    const explain = dfmod(["explain", "Dockerfile"], dir);
    expect(explain.signal).toBeNull();
    fs.unlinkSync(path.join(dir, ".dockerignore"));
    fifo(path.join(dir, "dfmod.config.json"));
    const config = dfmod(["Dockerfile"], dir);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain("dfmod.config.json: not a regular file");
  });

  test("a line that starts with a form feed, a vertical tab or a no-break space is a clear error naming the line", () => {
    for (const [char, code] of [
      ["\f", "000C"],
      ["\v", "000B"],
      ["\u00a0", "00A0"],
    ] as const) {
      fs.writeFileSync(path.join(dir, "Dockerfile"), `FROM python:3.12-slim\n${char}RUN echo hi\n`);
      const r = dfmod(["Dockerfile"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`:2:1: error: the line starts with U+${code}`);
      expect(r.stderr).not.toContain("internal error");
    }
  });

  test("a binary file and a UTF-16 file are named as such, in a run and in explain, which goes on", () => {
    fs.writeFileSync(path.join(dir, "bin.Dockerfile"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0x0a]));
    fs.writeFileSync(path.join(dir, "u16.Dockerfile"), Buffer.from("\ufeffFROM python:3.12\n", "utf16le"));
    fs.writeFileSync(path.join(dir, "ok.Dockerfile"), SLOW);
    const r = dfmod(["."], dir);
    expect(r.stderr).toContain("bin.Dockerfile: error: a binary file, not a Dockerfile (a NUL byte on line 1)");
    expect(r.stderr).toContain("u16.Dockerfile: error: UTF-16 text, which dfmod does not read: save the file as UTF-8");
    const explain = dfmod(["explain", "."], dir);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toContain("bin.Dockerfile: error: a binary file");
    expect(explain.stderr).not.toMatch(/\n\s+at /);
    expect(explain.stdout).toContain("ok.Dockerfile");
  });

  test("explain reads a lone [ in a COPY source as a literal, as Docker does", () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM python:3.12-slim\nCOPY app[.py /app/\nRUN echo built\n");
    fs.writeFileSync(path.join(dir, "app[.py"), "print()\n");
    const r = dfmod(["explain", "--changed", "app[.py", "Dockerfile"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("COPY app[.py /app/");
  });

  test("output to a closed pipe ends quietly; --write still writes and exits with its code", () => {
    for (let i = 0; i < 30; i++) project(path.join(dir, `p${i}`));
    const shell = (args: string): { out: string; status: string } => {
      const r = spawnSync(
        "bash",
        ["-c", `"${process.execPath}" "${cli}" ${args} 2>err.txt | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );
      return { out: r.stdout.trim(), status: fs.readFileSync(path.join(dir, "err.txt"), "utf8") };
    };
    const diff = shell("-t copy-order .");
    expect(diff.out).toBe("0");
    expect(diff.status).not.toMatch(/EPIPE|\n\s+at /);
    const write = shell("--write -t copy-order --format json .");
    expect(write.out).toBe("0");
    expect(read("p29", "Dockerfile")).toContain(FAST_COPY);
  });

  test("a file name of 251 characters can be written (the temporary name is short)", () => {
    const name = "a".repeat(240) + ".Dockerfile";
    fs.writeFileSync(path.join(dir, name), SLOW);
    fs.writeFileSync(path.join(dir, "requirements.txt"), "flask\n");
    const r = dfmod(["--write", "-t", "copy-order", name], dir);
    expect(r.stderr).not.toContain("ENAMETOOLONG");
    expect(r.code).toBe(0);
    expect(read(name)).toContain(FAST_COPY);
  });

  test("$( nested 2,000 deep and a chain of 30,000 commands are read, not an internal error", () => {
    const deep = "$(".repeat(2000) + "x" + ")".repeat(2000);
    fs.writeFileSync(path.join(dir, "deep.Dockerfile"), `FROM python:3.12-slim\nRUN echo ${deep}\n`);
    fs.writeFileSync(
      path.join(dir, "long.Dockerfile"),
      `FROM python:3.12-slim\nRUN ${Array(30000).fill("echo a").join(" && ")}\n`,
    );
    const r = dfmod(["--check", "."], dir);
    expect(r.stderr).not.toMatch(/ error |internal error/);
    expect(r.code).toBe(0);
  });
});

describe("interface", () => {
  test("usage errors exit 2 with the message first and a did-you-mean for a misspelt flag", () => {
    project();
    const misspelt = dfmod(["--chek", "."], dir);
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toBe(
      "dfmod: Unknown argument: chek\nchek: did you mean --check?\nRun `dfmod --help` for the commands and options.\n",
    );
    expect(dfmod(["--format", "xml", "."], dir).code).toBe(2);
    expect(dfmod(["--write", "--check", "."], dir).code).toBe(2);
  });

  test("a repeated option: the last one wins", () => {
    project();
    const r = dfmod(["--format", "json", "--format", "sarif", "."], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).version).toBe("2.1.0");
    expect(dfmod(["-j", "2", "-j", "1", "--check", "."], dir).code).toBe(1);
  });

  test("--jobs is capped at the number of CPUs, with a note", () => {
    project();
    const r = dfmod(["--jobs", "1000", "--check", "."], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `dfmod: --jobs 1000 is more than the ${os.availableParallelism()} CPUs: using ${os.availableParallelism()}`,
    );
  });

  test("a --context that is not a folder is an error before anything is written", () => {
    project();
    for (const context of ["/no/such", "requirements.txt"]) {
      const r = dfmod(["--write", "--context", context, "."], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^dfmod: --context \S+: (no such folder|not a folder)\n/);
      expect(read("Dockerfile")).toBe(SLOW);
      expect(fs.existsSync(path.join(dir, ".dockerignore"))).toBe(false);
    }
  });

  test("SIGINT during --write: no temporary files, each file old or new, what was written is said, exit 130", async () => {
    const n = 1500;
    for (let i = 0; i < n; i++) project(path.join(dir, String(i).padStart(4, "0")));
    const child = spawn(process.execPath, [cli, "--write", "--jobs", "1", "-t", "copy-order", dir], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const file = (i: number): string => path.join(dir, String(i).padStart(4, "0"), "Dockerfile");
    const started = Date.now();
    while (fs.readFileSync(file(0), "utf8") === SLOW && Date.now() - started < 60000)
      await new Promise((r) => setTimeout(r, 2));
    child.kill("SIGINT");
    expect(await done).toBe(130);
    const contents = Array.from({ length: n }, (_, i) => fs.readFileSync(file(i), "utf8"));
    const written = contents.filter((c) => c !== SLOW).length;
    expect(contents.every((c) => c === SLOW || c.includes(FAST_COPY))).toBe(true);
    expect(written).toBeLessThan(n);
    expect(stderr).toContain(`dfmod: interrupted (SIGINT); ${written} file${written === 1 ? "" : "s"} written`);
    expect(tempFiles(dir)).toEqual([]);
  }, 120000);

  test("SIGINT while the files are being read and transformed: nothing half done, exit 130", async () => {
    const n = 4000;
    for (let i = 0; i < n; i++) project(path.join(dir, String(i).padStart(4, "0")));
    const child = spawn(process.execPath, [cli, "--write", "--jobs", "1", "-t", "copy-order", dir], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 1000));
    child.kill("SIGINT");
    expect(await done).toBe(130);
    expect(stderr).toMatch(/dfmod: interrupted \(SIGINT\)/);
    const file = (i: number): string => path.join(dir, String(i).padStart(4, "0"), "Dockerfile");
    const contents = Array.from({ length: n }, (_, i) => fs.readFileSync(file(i), "utf8"));
    expect(contents.every((c) => c === SLOW || c.includes(FAST_COPY))).toBe(true);
    expect(tempFiles(dir)).toEqual([]);
  }, 120000);

  test("messages: a symbolic link loop, a config with a BOM, config keys of Object, a name with a line break", () => {
    project();
    fs.symlinkSync("loop.Dockerfile", path.join(dir, "loop.Dockerfile"));
    expect(dfmod(["loop.Dockerfile"], dir).stderr).toContain("loop.Dockerfile: error: a symbolic link loop");
    fs.unlinkSync(path.join(dir, "loop.Dockerfile"));
    fs.writeFileSync(path.join(dir, "dfmod.config.json"), '\ufeff{"transforms": {"multi-stage": false}}');
    expect(dfmod(["--check", "Dockerfile"], dir).code).toBe(1);
    for (const key of ["constructor", "toString"]) {
      fs.writeFileSync(path.join(dir, "dfmod.config.json"), `{"options": {"${key}": true}}`);
      const r = dfmod(["Dockerfile"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`options.${key}: unknown option`);
    }
    fs.unlinkSync(path.join(dir, "dfmod.config.json"));
    project(path.join(dir, "odd\nname"));
    const check = dfmod(["--check", "-t", "copy-order", "odd\nname"], dir);
    expect(check.stdout).toBe('"odd\\nname/Dockerfile"\n');
    const diff = dfmod(["-t", "copy-order", "odd\nname"], dir);
    expect(diff.stdout).toMatch(/^--- "a\/odd\\nname\/Dockerfile"\n\+\+\+ "b\/odd\\nname\/Dockerfile"\n/);
  });

  test("explain says which links it skips, and a run that explains nothing is not a success", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-outside-"));
    try {
      fs.writeFileSync(path.join(outside, "Dockerfile"), SLOW);
      fs.mkdirSync(path.join(dir, "sub"));
      fs.symlinkSync(path.join(outside, "Dockerfile"), path.join(dir, "sub", "Dockerfile"));
      const r = dfmod(["explain", "sub"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("sub/Dockerfile: skipped: a symbolic link to a file outside the folder given");
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("security", () => {
  test("--changed-since cannot pass an option to git", () => {
    project();
    spawnSync("git", ["init", "-q"], { cwd: dir });
    const victim = path.join(dir, "victim.txt");
    fs.writeFileSync(victim, "precious\n");
    const r = dfmod(["explain", `--changed-since=--output=${victim}`, "Dockerfile"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not a git revision");
    expect(fs.readFileSync(victim, "utf8")).toBe("precious\n");
  });

  test("context reads stay inside the context: a requirements file linked from outside is not read", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-outside-"));
    try {
      fs.writeFileSync(path.join(outside, "reqs.txt"), "-r secret-names.txt\n");
      project();
      fs.rmSync(path.join(dir, "requirements.txt"));
      fs.symlinkSync(path.join(outside, "reqs.txt"), path.join(dir, "requirements.txt"));
      const r = dfmod(["Dockerfile"], dir);
      expect(r.stderr).not.toContain("secret-names");
      expect(r.stdout).not.toContain(FAST_COPY);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test("the config search stops at the repository's root: a parent folder's config does not apply", () => {
    fs.writeFileSync(path.join(dir, "dfmod.config.json"), '{"transforms": {"dockerignore": false}}');
    const repo = project(path.join(dir, "repo"));
    fs.mkdirSync(path.join(repo, ".git"));
    expect(dfmod(["--check", "Dockerfile"], repo).stdout).toBe(".dockerignore\nDockerfile\n");
    // Without the repository's root in between, the parent's config applies.
    fs.rmSync(path.join(repo, ".git"), { recursive: true });
    expect(dfmod(["--check", "Dockerfile"], repo).stdout).toBe("Dockerfile\n");
  });
});
