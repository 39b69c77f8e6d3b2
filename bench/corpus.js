/**
 * A deterministic corpus of varied Dockerfiles for the benchmark (seeded PRNG): Alpine and Debian
 * Python services in the shapes the fixtures cover, multi-stage files, non-Python files, some with
 * continuations and comments, CRLF, heredocs, and long files (300+ instructions). Ten Dockerfiles
 * per folder, each folder a build context with requirements.txt or pyproject.toml + uv.lock.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function prng(seed) {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PY = ["3.10", "3.11", "3.12", "3.13"];
const APK = [
  "gcc",
  "musl-dev",
  "postgresql-dev",
  "libffi-dev",
  "openssl-dev",
  "cargo",
  "rust",
  "jpeg-dev",
  "zlib-dev",
  "libxml2-dev",
  "curl",
  "git",
  "bash",
  "tzdata",
];
const APT = ["gcc", "libpq-dev", "libffi-dev", "curl", "git", "build-essential", "libxml2-dev", "postgresql-client"];

function pick(rand, list, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const x = list[Math.floor(rand() * list.length)];
    if (!out.includes(x)) out.push(x);
  }
  return out;
}

function alpineService(rand) {
  const py = PY[Math.floor(rand() * PY.length)];
  const pkgs = pick(rand, APK, 3 + Math.floor(rand() * 6));
  const uv = rand() < 0.4;
  const lines = [
    `FROM python:${py}-alpine${rand() < 0.5 ? "3.20" : ""}`,
    "ENV PYTHONUNBUFFERED=1",
    "WORKDIR /app",
    rand() < 0.3
      ? `RUN apk add --no-cache --virtual .build-deps ${pkgs.join(" ")}`
      : `RUN apk add --no-cache ${pkgs.join(" ")}`,
    "COPY . .",
  ];
  if (uv)
    lines.push(
      "RUN pip install --upgrade pip && pip install uv",
      "RUN uv pip install --system --no-cache -r pyproject.toml",
    );
  else
    lines.push(
      "RUN python -m venv /opt/venv",
      'ENV PATH="/opt/venv/bin:$PATH"',
      "RUN pip install --no-cache-dir -r requirements.txt",
    );
  if (rand() < 0.5) lines.push("RUN addgroup -S app && adduser -S -G app app", "USER app");
  lines.push("EXPOSE 8000", 'CMD ["python", "-m", "app"]');
  return lines;
}

function debianService(rand) {
  const py = PY[Math.floor(rand() * PY.length)];
  return [
    `FROM python:${py}-slim`,
    "WORKDIR /srv",
    `RUN apt-get update && apt-get install -y --no-install-recommends ${pick(rand, APT, 3).join(" ")} && rm -rf /var/lib/apt/lists/*`,
    "COPY requirements.txt .",
    "RUN pip install --no-cache-dir -r requirements.txt",
    "COPY . .",
    'CMD ["gunicorn", "app.wsgi"]',
  ];
}

function multiStage() {
  return [
    "FROM python:3.12-slim AS builder",
    "WORKDIR /app",
    "COPY requirements.txt .",
    "RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt",
    "",
    "FROM python:3.12-slim",
    "COPY --from=builder /opt/venv /opt/venv",
    'ENV PATH="/opt/venv/bin:$PATH"',
    "COPY . /app",
    'CMD ["python", "/app/main.py"]',
  ];
}

function nonPython(rand) {
  return rand() < 0.5
    ? [
        "FROM node:22-alpine",
        "WORKDIR /app",
        "COPY package*.json ./",
        "RUN npm ci",
        "COPY . .",
        'CMD ["node", "server.js"]',
      ]
    : [
        "FROM golang:1.26-alpine AS build",
        "WORKDIR /src",
        "COPY . .",
        "RUN go build -o /out/app .",
        "",
        "FROM alpine:3.20",
        "COPY --from=build /out/app /app",
        'ENTRYPOINT ["/app"]',
      ];
}

function withContinuations(lines) {
  return lines.map((l) =>
    l.startsWith("RUN ") && l.includes(" && ")
      ? l.replace(/ && /g, " \\\n    # step\n    && ")
      : l.startsWith("RUN apk add") || l.startsWith("RUN apt-get")
        ? l.replace(/ (\S+)$/, " \\\n        $1")
        : l,
  );
}

function heredoc(lines) {
  return [...lines.slice(0, 2), "RUN <<EOF", "set -e", "echo building", "EOF", ...lines.slice(2)];
}

function long(rand, lines) {
  const extra = [];
  for (let i = 0; i < 300; i++) extra.push(rand() < 0.5 ? `ENV VAR_${i}=${i}` : `RUN echo step ${i} && true`);
  return [...lines.slice(0, -1), ...extra, lines[lines.length - 1]];
}

/** Writes `count` Dockerfiles under `dir`; returns their paths. */
function generate(dir, count, seed = 1) {
  const rand = prng(seed);
  const files = [];
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, `p${String(Math.floor(i / 10)).padStart(4, "0")}`);
    if (i % 10 === 0) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "requirements.txt"), "flask\n");
      fs.writeFileSync(path.join(folder, "pyproject.toml"), "[project]\nname = 'p'\nversion = '1'\n");
      fs.writeFileSync(path.join(folder, "uv.lock"), "version = 1\n");
      fs.writeFileSync(
        path.join(folder, ".dockerignore"),
        ".venv\n.git\n__pycache__\n*.pyc\n.pytest_cache\n.mypy_cache\n",
      );
    }
    const r = rand();
    let lines =
      r < 0.35 ? alpineService(rand) : r < 0.65 ? debianService(rand) : r < 0.8 ? multiStage() : nonPython(rand);
    if (rand() < 0.05) lines = withContinuations(lines);
    if (rand() < 0.03) lines = heredoc(lines);
    if (rand() < 0.02) lines = long(rand, lines);
    const eol = rand() < 0.1 ? "\r\n" : "\n";
    const file = path.join(folder, `svc${i % 10}.Dockerfile`);
    fs.writeFileSync(file, lines.join("\n").replace(/\n/g, eol) + eol);
    files.push(file);
  }
  return files;
}

module.exports = { generate, prng };
