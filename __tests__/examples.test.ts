/**
 * examples/<name>/: a real project with a Dockerfile written the slow way, and next to it
 * migrated.Dockerfile.txt, what the default pipeline must turn it into (byte for byte), with the
 * project folder as the build context. Its e2e.json may add opt-in transforms ("transforms") and
 * options by flag ("options": {"python": "3.13"}), as the end-to-end suite runs dfmod.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initShell } from "../src/engine/shell";
import { optionSchemas } from "../src/options";
import { transforms } from "../transforms";
import { transformText } from "./support/harness";

const root = path.join(__dirname, "..", "examples");
const examples = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, "migrated.Dockerfile.txt")));

beforeAll(async () => {
  await initShell();
});

test("there are examples", () => {
  expect(examples.length).toBeGreaterThan(0);
});

/** The transforms and options an example is migrated with: the default pipeline, and what its e2e.json adds. */
function setupOf(dir: string) {
  const file = path.join(dir, "e2e.json");
  const spec = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {}) as {
    transforms?: string[];
    options?: Record<string, string>;
  };
  const pipeline = transforms.filter((t) => !t.meta.optIn || (spec.transforms ?? []).includes(t.id));
  const options: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(spec.options ?? {}))
    options[optionSchemas(transforms).find((o) => o.flag === flag)!.key] = value;
  return { pipeline, options };
}

for (const name of examples) {
  const dir = path.join(root, name);
  const input = fs.readFileSync(path.join(dir, "Dockerfile"), "utf8");
  const expected = fs.readFileSync(path.join(dir, "migrated.Dockerfile.txt"), "utf8");
  const { pipeline, options } = setupOf(dir);
  test(`${name}: the default pipeline gives migrated.Dockerfile.txt`, () => {
    expect(transformText(input, pipeline, dir, options).output).toBe(expected);
  });
  test(`${name}: the migrated file is left as it is`, () => {
    expect(transformText(expected, pipeline, dir, options).output).toBe(expected);
  });
  // With --runtime distroless, beside it when the example is also built that way (e2e.json).
  const distrolessFile = path.join(dir, "migrated-distroless.Dockerfile.txt");
  if (fs.existsSync(distrolessFile)) {
    const distroless = fs.readFileSync(distrolessFile, "utf8");
    test(`${name}: --runtime distroless gives migrated-distroless.Dockerfile.txt, and leaves it as it is`, () => {
      expect(transformText(input, transforms, dir, { runtime: "distroless" }).output).toBe(distroless);
      expect(transformText(distroless, transforms, dir, { runtime: "distroless" }).output).toBe(distroless);
    });
  }
}

test("the README shows the uv-service example as it is, before and after", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const dir = path.join(root, "uv-service");
  expect(readme).toContain("```dockerfile\n" + fs.readFileSync(path.join(dir, "Dockerfile"), "utf8") + "```");
  expect(readme).toContain(
    "```dockerfile\n" + fs.readFileSync(path.join(dir, "migrated.Dockerfile.txt"), "utf8") + "```",
  );
});
