/** multi-stage --runtime distroless: requires-python, and a HEALTHCHECK the compose file replaces. */
import { runPipeline } from "../src/engine/pipeline";
import { initShell } from "../src/engine/shell";
import { defaultOptions, transformById } from "../transforms";
import { allowsVersion } from "../transforms/pep440";

beforeAll(async () => {
  await initShell();
});

test.each([
  [">=3.9", true],
  [">=3.10,<3.13", false],
  [">=3.10, <3.14", true],
  ["~=3.12", true],
  ["~=3.12.1", false],
  ["==3.13.*", true],
  ["==3.12.*", false],
  ["!=3.13.*", false],
  [">3.13", true],
  ["<4", true],
  ["3.13", false],
])("requires-python %s allows 3.13.5: %s", (spec, allowed) => {
  expect(allowsVersion(spec, [3, 13, 5])).toBe(allowed);
});

const dockerfile = `FROM python:3.13-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1
CMD ["python", "-m", "app"]
`;

function run(healthchecks: string[]) {
  return runPipeline(dockerfile, "\n", [transformById("multi-stage")!], {
    path: "Dockerfile",
    context: undefined,
    options: { ...defaultOptions, runtime: "distroless" },
    compose: [{ composeFile: "compose.yaml", dockerfile: "/p/Dockerfile", services: ["web", "worker"], healthchecks }],
  });
}

test("a HEALTHCHECK that needs curl goes when every compose service defines its own", () => {
  const { output, notes } = run(["web", "worker"]);
  expect(output).not.toMatch(/HEALTHCHECK/);
  expect(output).toMatch(/^FROM gcr\.io\/distroless\/python3-debian13:nonroot$/m);
  expect(notes.map((n) => n.id)).toContain("distroless-healthcheck-dropped");
});

test("it keeps the slim runtime when a service has no healthcheck of its own", () => {
  const { output, notes } = run(["web"]);
  expect(output).toMatch(/HEALTHCHECK --interval=30s CMD curl/);
  expect(output).not.toMatch(/distroless/);
  expect(notes.map((n) => n.id)).toContain("not-distroless");
});
