/** alpine-to-trixie: the package map against Debian's list, image tags, users, --strict. */
import * as fs from "node:fs";
import * as path from "node:path";
import { initShell, parseShell } from "../src/engine/shell";
import { DockerfileError } from "../src/engine/dockerfile";
import { migrateImage } from "../transforms/alpine-to-trixie/images";
import { mapPackages } from "../transforms/alpine-to-trixie/apk";
import { packageMap, SortedNames, trixiePackages } from "../transforms/alpine-to-trixie/packages";
import { convertUserCommand } from "../transforms/alpine-to-trixie/users";
import { alpineToTrixie } from "../transforms/alpine-to-trixie";
import { bashism } from "../transforms/alpine-to-trixie/scripts";
import { transformText } from "./support/harness";

beforeAll(async () => {
  await initShell();
});

describe("package map", () => {
  test("every Debian name the map can emit is a trixie package", () => {
    const names = new Set<string>();
    for (const entry of Object.values(packageMap())) for (const n of [...entry.build, ...entry.runtime]) names.add(n);
    const list = trixiePackages();
    expect([...names].filter((n) => !list.has(n))).toEqual([]);
    expect(names.size).toBeGreaterThan(200);
  });

  test("the project's trixie list is the sorted, complete list (not a stub)", () => {
    const text = fs.readFileSync(
      path.join(__dirname, "..", "transforms", "alpine-to-trixie", "trixie-packages.txt"),
      "utf8",
    );
    const lines = text.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(60000);
    expect(lines).toEqual([...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const known of ["libpq-dev", "libpq5", "build-essential", "libssl3t64", "gosu", "tini"])
      expect(lines).toContain(known);
  });

  test("the binary-search lookup answers as a Set and a prefix filter of the whole list do", () => {
    const text = fs.readFileSync(
      path.join(__dirname, "..", "transforms", "alpine-to-trixie", "trixie-packages.txt"),
      "latin1",
    );
    const lines = text.split("\n").filter(Boolean);
    const list = trixiePackages();
    expect(list.size).toBe(lines.length);
    // Every 97th name, its neighbours' in-between spellings, and names around both ends.
    for (let i = 0; i < lines.length; i += 97) expect(list.has(lines[i]!)).toBe(true);
    for (const absent of ["", "0", "~", "libpq", "libpq-de", "libpq-dev0", "zzzzzz", `${lines[0]}\n`, "a b"])
      expect(list.has(absent)).toBe(lines.includes(absent));
    expect(list.has(lines[0]!)).toBe(true);
    expect(list.has(lines[lines.length - 1]!)).toBe(true);
    for (const prefix of ["libpq", "libssl", "python3-", "zz", "libxmlsec1", "0"])
      expect(list.withPrefix(prefix)).toEqual(lines.filter((n) => n.startsWith(prefix)));
    const small = new SortedNames("a\nb\n\nbc\nd");
    expect([small.size, small.has("bc"), small.has("d"), small.has("c"), small.withPrefix("b")]).toEqual([
      4,
      true,
      true,
      false,
      ["b", "bc"],
    ]);
  });

  test("every name the map emits for a whole Alpine build line is real", () => {
    const all = Object.keys(packageMap()).filter((n) => !packageMap()[n]!.tags?.includes("UNAVAILABLE"));
    for (const python of [true, false]) {
      const mapped = mapPackages(all, python);
      expect(mapped.unknown).toEqual([]);
      expect(mapped.packages.filter((p) => !trixiePackages().has(p))).toEqual([]);
    }
  });

  test("python images drop Rust and the image's own Python packages; others keep Python", () => {
    expect(mapPackages(["gcc", "musl-dev", "postgresql-dev", "cargo", "rust", "py3-pip"], true).packages).toEqual([
      "gcc",
      "libc6-dev",
      "libpq-dev",
    ]);
    expect(mapPackages(["python3", "py3-pip", "cargo"], false).packages).toEqual(["python3", "python3-pip", "cargo"]);
  });

  test("runtime-only packages install their runtime library; base packages are not installed again", () => {
    expect(mapPackages(["libpq", "tzdata", "bash", "ca-certificates"], true).packages).toEqual(["libpq5"]);
    expect(mapPackages(["ca-certificates"], false).packages).toEqual(["ca-certificates"]);
  });

  test("pins are dropped and reported; unknown names are reported", () => {
    const m = mapPackages(["curl=8.5.0-r0", "no-such-package-xyz"], true);
    // An unknown name is not written into apt-get: the stage stays on Alpine.
    expect(m.packages).toEqual(["curl"]);
    expect(m.pinned).toEqual(["curl=8.5.0-r0"]);
    expect(m.unknown).toEqual(["no-such-package-xyz"]);
  });
});

describe("images", () => {
  const cases: [string, string][] = [
    ["python:3.12-alpine", "python:3.12-slim-trixie"],
    ["python:3.12-alpine3.20", "python:3.12-slim-trixie"],
    ["python:alpine", "python:slim-trixie"],
    ["python:3-alpine", "python:3-slim-trixie"],
    ["python:3.14.7-alpine", "python:3.14.7-slim-trixie"],
    ["python:3.11.2-alpine", "python:3.11-slim-trixie"],
    ["python:${PY}-alpine${ALPINE}", "python:${PY}-slim-trixie"],
    ["node:22-alpine", "node:22-trixie-slim"],
    ["node:lts-alpine", "node:lts-trixie-slim"],
    ["node:alpine", "node:trixie-slim"],
    ["ruby:3.4-alpine", "ruby:3.4-slim-trixie"],
    ["golang:1.26-alpine", "golang:1.26-trixie"],
    ["alpine:3.20", "debian:trixie-slim"],
    ["alpine", "debian:trixie-slim"],
    ["docker.io/library/alpine:latest", "docker.io/library/debian:trixie-slim"],
    ["ghcr.io/astral-sh/uv:python3.12-alpine", "ghcr.io/astral-sh/uv:python3.12-trixie-slim"],
    ["ghcr.io/astral-sh/uv:0.12.5-python3.13-alpine3.22", "ghcr.io/astral-sh/uv:0.12.5-python3.13-trixie-slim"],
  ];
  test.each(cases)("%s -> %s", (from, to) => {
    const m = migrateImage(from, "slim-trixie");
    expect(m.kind === "migrate" && m.image).toBe(to);
  });

  test("the full variant", () => {
    const full = (ref: string) => {
      const m = migrateImage(ref, "trixie");
      return m.kind === "migrate" ? m.image : m.kind;
    };
    expect(full("python:3.12-alpine")).toBe("python:3.12-trixie");
    expect(full("node:22-alpine")).toBe("node:22-trixie");
    expect(full("alpine:3.20")).toBe("debian:trixie");
  });

  test.each([
    "python:3.8-alpine",
    "python:2.7-alpine",
    "node:18-alpine",
    "ruby:3.1-alpine",
    "golang:1.21-alpine",
    "alpine:edge",
    "nginx:alpine",
    "postgres:16-alpine",
  ])("%s is left", (ref) => {
    expect(migrateImage(ref, "slim-trixie").kind).toBe("leave");
  });

  test.each(["python:3.12-slim", "debian:bookworm", "scratch", "mcr.microsoft.com/windows/servercore:ltsc2022"])(
    "%s is not Alpine",
    (ref) => {
      expect(migrateImage(ref, "slim-trixie").kind).toBe("not-alpine");
    },
  );
});

describe("BusyBox users", () => {
  const convert = (text: string) => convertUserCommand(parseShell(text).commands[0]!)?.text;
  test.each([
    ["addgroup -S app", "groupadd --system app"],
    ["addgroup -g 1000 app", "groupadd --gid 1000 app"],
    ["addgroup app wheel", "usermod -aG wheel app"],
    ["adduser -D app", "useradd --create-home --no-log-init app"],
    ["adduser -S -G app app", "useradd --system --gid app --create-home --shell /usr/sbin/nologin --no-log-init app"],
    ["adduser -S app", "useradd --system --gid nogroup --create-home --shell /usr/sbin/nologin --no-log-init app"],
    [
      "adduser -SDH -u 10001 app",
      "useradd --system --uid 10001 --gid nogroup --no-create-home --shell /usr/sbin/nologin --no-log-init app",
    ],
    [
      "adduser -Dg 'Web App' -s /bin/bash web",
      "useradd --comment 'Web App' --create-home --shell /bin/bash --no-log-init web",
    ],
    [
      "adduser --disabled-password --home /srv --ingroup www www",
      "useradd --gid www --home-dir /srv --create-home --no-log-init www",
    ],
    ["adduser app wheel", "usermod -aG wheel app"],
    ["deluser app", "userdel app"],
    ["delgroup app", "groupdel app"],
  ])("%s", (from, to) => {
    expect(convert(from)).toBe(to);
  });

  test("options BusyBox does not have are left", () => {
    expect(convert("adduser --frobnicate app")).toBeUndefined();
  });
});

describe("--strict", () => {
  const input = "FROM python:3.12-alpine\nRUN apk add --no-cache no-such-package-xyz && pip install x\n";
  test("an unknown package fails the file, naming the line", () => {
    expect(() => transformText(input, [alpineToTrixie], undefined, { strict: true })).toThrow(DockerfileError);
    try {
      transformText(input, [alpineToTrixie], undefined, { strict: true });
    } catch (err) {
      expect((err as DockerfileError).line).toBe(2);
      expect((err as Error).message).toContain("no-such-package-xyz");
    }
  });
  test("without --strict the stage stays on Alpine as a whole, with action-needed notes naming the package", () => {
    const r = transformText(input, [alpineToTrixie], undefined);
    expect(r.output).toBe(input);
    expect(r.notes.filter((n) => n.severity === "action-needed").map((n) => [n.line, n.message])).toEqual([
      [1, expect.stringMatching(/^left on Alpine as a whole, FROM included/)],
      [2, expect.stringContaining("no Debian trixie package dfmod can name for no-such-package-xyz")],
    ]);
  });
});

describe("shell code ash runs and dash does not", () => {
  // Each checked against BusyBox 1.37's ash (runs) and trixie's dash 0.5.12 (fails or differs).
  test.each([
    ['trap "kill -TERM $child" SIGTERM SIGINT', "a `SIG` signal name in `trap`"],
    ["trap - SIGTERM", "a `SIG` signal name in `trap`"],
    ["kill -SIGQUIT $PID", "a `SIG` signal name in `kill`"],
    ["kill -s SIGTERM $PID", "a `SIG` signal name in `kill`"],
    ["trap 'exit 0' sigterm", "a `SIG` signal name in `trap`"],
    ["kill -s sigterm $PID", "a `SIG` signal name in `kill`"],
    ["kill -sigquit 1", "a `SIG` signal name in `kill`"],
    ["let tries=tries+1", "`let`"],
    [": $((n++))", "`++`, `--` or `**` in `$(( ))`"],
    ["echo $((2**10))", "`++`, `--` or `**` in `$(( ))`"],
    ["read -t 5 answer", "`read` options other than -r and -p"],
    ['read -rp "Continue? " -n 1 answer', "`read` options other than -r and -p"],
    ["IFS=$'\\n'", "`$'...'`"],
  ])("%s", (code, what) => {
    expect(bashism(code)).toBe(what);
  });

  test.each([
    "trap 'kill -TERM $child' TERM INT",
    "trap cleanup EXIT",
    "trap 'echo SIGTERM received; kill -TERM $child' TERM",
    "kill -TERM $PID",
    "trap 'exit 0' term int",
    "kill -quit 1",
    "trap 'echo signal; kill $child' TERM",
    "pkill -SIGTERM gunicorn",
    'echo "let it run"',
    "n=$((n+1))",
    "read -r line",
    'read -rp "Name: " name',
    "grep -q '^ready$' /tmp/state",
  ])("POSIX: %s", (code) => {
    expect(bashism(code)).toBeUndefined();
  });
});
