/**
 * A test repository, made fresh in a temporary folder for each test (symbolic links, ignore files
 * and an unreadable file do not belong in this project's own git tree):
 *
 *   .gitignore (build/, *.generated.Dockerfile)   .dfmodignore (legacy/)
 *   dfmod.config.json (options.uv-check = locked, ignore vendor/**)
 *   services/api/      Alpine Dockerfile + requirements.txt + compose.yaml (web and worker share the build)
 *   services/uv/       a uv project (pyproject.toml, uv.lock, uv pip install -r pyproject.toml)
 *   services/worker/   Containerfile + .dfmodrc.json (multi-stage off)
 *   tools/go.Dockerfile  (Go builder, Alpine runtime: left as it is)
 *   web/Dockerfile.prod, web/app.generated.Dockerfile (ignored)
 *   build/, legacy/, vendor/lib/, node_modules/x/ (all ignored)
 *   many/NN/Dockerfile (enough files for several workers)
 *   links: linked.Dockerfile -> services/worker/Containerfile (inside), outside.Dockerfile -> a file
 *   outside the repository, broken.Dockerfile -> nowhere
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SLOW_PIP =
  'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';

export function makeRepo(): { root: string; outside: string; cleanup(): void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-repo-"));
  const root = path.join(base, "repo");
  const outside = path.join(base, "outside", "Dockerfile");
  const put = (rel: string, text: string): void => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  fs.mkdirSync(path.join(root, ".git"), { recursive: true });
  put(".gitignore", "build/\n*.generated.Dockerfile\n");
  put(".dfmodignore", "legacy/\n");
  put(
    "dfmod.config.json",
    JSON.stringify({ options: { "uv-check": "locked" }, ignore: ["vendor/**"] }, null, 2) + "\n",
  );
  put(
    "services/api/Dockerfile",
    "FROM python:3.12-alpine\nWORKDIR /app\nCOPY . .\nRUN apk add --no-cache gcc musl-dev postgresql-dev && pip install -r requirements.txt\n" +
      'HEALTHCHECK CMD wget -qO- http://localhost:8000/ || exit 1\nCMD ["python", "-m", "api"]\n',
  );
  put("services/api/requirements.txt", "psycopg2==2.9.10\n");
  put(
    "services/api/compose.yaml",
    'services:\n  web:\n    build: .\n    healthcheck:\n      test: ["CMD", "true"]\n  worker:\n    build: .\n    command: python -m api.worker\n',
  );
  put("services/uv/pyproject.toml", "[project]\nname = 'uvsvc'\nversion = '1'\n");
  put("services/uv/uv.lock", "version = 1\n");
  put(
    "services/uv/Dockerfile",
    "FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.12.5 /uv /uvx /bin/\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN uv pip install --system -r pyproject.toml\nCOPY . .\n",
  );
  put("services/worker/Containerfile", SLOW_PIP);
  put("services/worker/requirements.txt", "celery\n");
  put("services/worker/.dfmodrc.json", JSON.stringify({ transforms: { "multi-stage": false } }) + "\n");
  put(
    "tools/go.Dockerfile",
    "FROM golang:1.26-alpine AS build\nRUN go build -o /out/tool .\n\nFROM alpine:3.22\nCOPY --from=build /out/tool /usr/local/bin/tool\n",
  );
  put("web/Dockerfile.prod", SLOW_PIP);
  put("web/requirements.txt", "flask\n");
  put("web/app.generated.Dockerfile", SLOW_PIP);
  put("build/Dockerfile", SLOW_PIP);
  put("legacy/Dockerfile", SLOW_PIP);
  put("vendor/lib/Dockerfile", SLOW_PIP);
  put("node_modules/x/Dockerfile", SLOW_PIP);
  for (let i = 0; i < 40; i++) {
    const n = String(i).padStart(2, "0");
    put(
      `many/${n}/Dockerfile`,
      i % 2 ? SLOW_PIP : `FROM python:3.12-alpine\nRUN apk add --no-cache curl && pip install requests==2.${i}.0\n`,
    );
    put(`many/${n}/requirements.txt`, "requests\n");
  }
  fs.mkdirSync(path.dirname(outside), { recursive: true });
  fs.writeFileSync(outside, SLOW_PIP);
  fs.symlinkSync(path.join(root, "services", "worker", "Containerfile"), path.join(root, "linked.Dockerfile"));
  fs.symlinkSync(outside, path.join(root, "outside.Dockerfile"));
  fs.symlinkSync(path.join(root, "nowhere"), path.join(root, "broken.Dockerfile"));
  return { root, outside, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}
