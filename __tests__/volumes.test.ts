/** The anonymous volume over the environment (src/volumes.ts): edits in place, in the file's own line endings. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { applyEdits } from "../src/engine/edits";
import { anonymousVolumeEdit } from "../src/volumes";
import { dfmod } from "./support/cli";

const VENV = "/app/.venv";

/** The text with the edit applied as run.ts does (inserted "\n" becomes the file's line ending). */
const add = (text: string, service = "app"): string | undefined => {
  const edit = anonymousVolumeEdit(text, service, VENV);
  if (typeof edit !== "object") return edit;
  return applyEdits(text, [edit], text.includes("\r\n") ? "\r\n" : "\n", "dfmod");
};

/** The edit's own text, with no line-ending conversion. */
const raw = (text: string, service = "app"): string | undefined => {
  const edit = anonymousVolumeEdit(text, service, VENV);
  if (typeof edit !== "object") return edit;
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
};

const volumesOf = (text: string, service = "app"): unknown => {
  const doc = parseDocument(text);
  expect(doc.errors).toEqual([]);
  return (doc.toJS() as { services: Record<string, { volumes: unknown }> }).services[service]!.volumes;
};

/** Adds the volume, checks the result reads back as the list plus the volume, and that a second run adds nothing. */
const addChecked = (text: string, service = "app"): string => {
  const out = add(text, service);
  expect(typeof out).toBe("string");
  expect(raw(text, service)).toBe(out);
  expect(volumesOf(out!, service)).toEqual([...(volumesOf(text, service) as unknown[]), VENV]);
  expect(anonymousVolumeEdit(out!, service, VENV)).toBeUndefined();
  return out!;
};

describe("a block list", () => {
  test("LF: the new item after the last, same indentation, the rest unchanged", () => {
    expect(addChecked("services:\n  app:\n    build: .\n    volumes:\n      - .:/app\n    command: x\n")).toBe(
      "services:\n  app:\n    build: .\n    volumes:\n      - .:/app\n      - /app/.venv\n    command: x\n",
    );
  });
  test("CRLF: CRLF on the new line, the last item's line unchanged", () => {
    expect(addChecked("services:\r\n  app:\r\n    build: .\r\n    volumes:\r\n      - .:/app\r\n")).toBe(
      "services:\r\n  app:\r\n    build: .\r\n    volumes:\r\n      - .:/app\r\n      - /app/.venv\r\n",
    );
  });
  test("CRLF with a comment after the last item and a key after the list", () => {
    expect(addChecked("services:\r\n  app:\r\n    volumes:\r\n      - .:/app # src\r\n    command: x\r\n")).toBe(
      "services:\r\n  app:\r\n    volumes:\r\n      - .:/app # src\r\n      - /app/.venv\r\n    command: x\r\n",
    );
  });
  test("CRLF without a final line break: the new item is the last line, without one either", () => {
    expect(addChecked("services:\r\n  app:\r\n    build: .\r\n    volumes:\r\n      - .:/app")).toBe(
      "services:\r\n  app:\r\n    build: .\r\n    volumes:\r\n      - .:/app\r\n      - /app/.venv",
    );
  });
  test("LF without a final line break", () => {
    expect(addChecked("services:\n  app:\n    volumes:\n      - .:/app")).toBe(
      "services:\n  app:\n    volumes:\n      - .:/app\n      - /app/.venv",
    );
  });
  test("CRLF after a long-syntax item (a mapping ends after its line break)", () => {
    expect(
      addChecked(
        "services:\r\n  app:\r\n    volumes:\r\n      - type: bind\r\n        source: .\r\n        target: /app\r\n\r\n",
      ),
    ).toBe(
      "services:\r\n  app:\r\n    volumes:\r\n      - type: bind\r\n        source: .\r\n        target: /app\r\n      - /app/.venv\r\n\r\n",
    );
  });
  test("after a block scalar that keeps its trailing blank line, which stays its own", () => {
    expect(addChecked("services:\n  app:\n    volumes:\n      - |+\n        .:/app\n\n")).toBe(
      "services:\n  app:\n    volumes:\n      - |+\n        .:/app\n\n      - /app/.venv\n",
    );
  });
  test("the edit starts on the last item's line (the note's line)", () => {
    const text = "services:\r\n  app:\r\n    volumes:\r\n      - .:/app\r\n";
    const edit = anonymousVolumeEdit(text, "app", VENV);
    expect(typeof edit).toBe("object");
    expect(text.slice(0, (edit as { start: number }).start).split("\n").length).toBe(4);
  });
});

describe("a flow list", () => {
  test("one line", () => {
    expect(addChecked('services:\n  app:\n    volumes: [".:/app"]\n')).toBe(
      'services:\n  app:\n    volumes: [".:/app", /app/.venv]\n',
    );
  });
  test("multi-line with a trailing comma", () => {
    expect(addChecked('services:\n  app:\n    build: .\n    volumes: [\n      ".:/app",\n    ]\n')).toBe(
      'services:\n  app:\n    build: .\n    volumes: [\n      ".:/app", /app/.venv,\n    ]\n',
    );
  });
  test("multi-line without a trailing comma", () => {
    expect(addChecked('services:\n  app:\n    build: .\n    volumes: [\n      ".:/app"\n    ]\n')).toBe(
      'services:\n  app:\n    build: .\n    volumes: [\n      ".:/app", /app/.venv\n    ]\n',
    );
  });
  test("multi-line, CRLF, comments after the item and after the comma", () => {
    expect(addChecked('services:\r\n  app:\r\n    volumes: [\r\n      ".:/app" # src\r\n    ]\r\n')).toBe(
      'services:\r\n  app:\r\n    volumes: [\r\n      ".:/app", /app/.venv # src\r\n    ]\r\n',
    );
    expect(addChecked('services:\r\n  app:\r\n    volumes: [\r\n      ".:/app", # src\r\n    ]\r\n')).toBe(
      'services:\r\n  app:\r\n    volumes: [\r\n      ".:/app", /app/.venv, # src\r\n    ]\r\n',
    );
  });
  test("all flow, no final line break", () => {
    expect(addChecked('{services: {app: {volumes: [".:/app",]}}}')).toBe(
      '{services: {app: {volumes: [".:/app", /app/.venv,]}}}',
    );
  });
});

describe("no edit", () => {
  test("a second run adds nothing", () => {
    expect(add("services:\r\n  app:\r\n    volumes:\r\n      - .:/app\r\n      - /app/.venv\r\n")).toBeUndefined();
    expect(add('services:\n  app:\n    volumes: [".:/app", /app/.venv]\n')).toBeUndefined();
  });
  test("a list shared through an alias is not edited: the reason says why", () => {
    const text = "x: &v\n  - .:/app\nservices:\n  app:\n    volumes: *v\n";
    expect(add(text)).toBe("service app has no volumes list dfmod can add to");
    const anchored = "services:\n  app:\n    volumes: &v\n      - .:/app\n  worker:\n    volumes: *v\n";
    expect(add(anchored)).toMatch(/^service app's volumes cannot be edited without changing what else it says/);
  });
  test("a service without a volumes list is a reason, not an edit", () => {
    expect(add("services:\n  app:\n    build: .\n")).toBe("service app has no volumes list dfmod can add to");
  });
});

test("a run over a folder reads compose.<name>.yaml: compose.override.yaml's bind mount gets the volume", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfmod-compose-dot-"));
  try {
    const files: Record<string, string> = {
      Dockerfile:
        'FROM python:3.12-alpine\nRUN pip install uv\nWORKDIR /app\nCOPY . .\nRUN uv pip install --system -r pyproject.toml\nCMD ["python", "-m", "app"]\n',
      "compose.yml": 'services:\n  app:\n    build:\n      context: .\n    ports:\n      - "8000:8000"\n',
      "compose.override.yaml": "services:\n  app:\n    volumes:\n      - ./:/app\n",
      "pyproject.toml":
        '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.12"\ndependencies = ["httpx"]\n',
      "uv.lock": "version = 1\n",
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const r = dfmod(["--write", "."], dir);
    expect(r.stderr).toContain("compose.override.yaml:4:1: info dfmod: added the anonymous volume /app/.venv");
    expect(fs.readFileSync(path.join(dir, "compose.override.yaml"), "utf8")).toBe(
      "services:\n  app:\n    volumes:\n      - ./:/app\n      - /app/.venv\n",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
