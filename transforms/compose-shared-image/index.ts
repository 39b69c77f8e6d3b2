/**
 * compose-shared-image: services of a compose file that build the same context and Dockerfile
 * (with the same args and target) build the same image several times. The first keeps `build:` and
 * gets an explicit `image:`; the others drop `build:` and use that image. Edits are made on the
 * text, at the ranges the yaml Document API gives, so comments, anchors, merge keys and formatting
 * survive. For the shared Dockerfile: a HEALTHCHECK is wrong for most of the services sharing it
 * when they define their own; a note says so (--drop-dockerfile-healthcheck removes it).
 */
import * as path from "node:path";
import type { Pair, YAMLMap } from "yaml";
import type { Edit } from "../../src/engine/edits";
import { afterLineBreak } from "../../src/engine/source";
import type { ComposeChange, NoteInput, SharedBuild } from "../../src/engine/types";
import type { ComposeContext, Context, Transform } from "../options";
import { meta } from "./meta";
import { removeInstruction } from "../../src/engine/fixer";

/** yaml, loaded on first use: most runs see no compose file. */
let yamlModule: typeof import("yaml") | undefined;
const yaml = (): typeof import("yaml") => (yamlModule ??= require("yaml") as typeof import("yaml"));
const isMap = (n: unknown): n is YAMLMap => yaml().isMap(n);
const isScalar = (n: unknown): n is import("yaml").Scalar => yaml().isScalar(n);
const isSeq = (n: unknown): n is import("yaml").YAMLSeq => yaml().isSeq(n);

interface Service {
  name: string;
  pair: Pair;
  map: YAMLMap;
  /** The service's own `build:` pair (undefined when it comes from a merge key or is absent). */
  buildPair: Pair | undefined;
  key: string | undefined;
  image: string | undefined;
  healthcheck: boolean;
  /** The service has `profiles:` (it may not run with the others). */
  profiles: boolean;
  context: string;
  dockerfile: string;
}

function str(node: unknown): string | undefined {
  if (isScalar(node) && (typeof node.value === "string" || typeof node.value === "number")) return String(node.value);
  return undefined;
}

/** One spelling per path: `./dev/`, `dev` and `dev/.` are the same folder. */
const samePath = (p: string): string => path.posix.normalize(p).replace(/\/+$/, "") || ".";

/** The build settings that make two builds the same: context, dockerfile, args, target. */
function buildKey(build: unknown): { key: string; context: string; dockerfile: string } | undefined {
  const literal = str(build);
  if (literal !== undefined)
    return {
      key: JSON.stringify([samePath(literal), "Dockerfile", [], ""]),
      context: literal,
      dockerfile: "Dockerfile",
    };
  if (!isMap(build)) return undefined;
  // `./dev/Dockerfile` and `dev/Dockerfile` are the same file.
  const context = samePath(str(build.get("context", true)) ?? ".");
  const dockerfile = samePath(str(build.get("dockerfile", true)) ?? "Dockerfile");
  const target = str(build.get("target", true)) ?? "";
  const argsNode = build.get("args", true);
  let args: string[] = [];
  if (isMap(argsNode)) args = argsNode.items.map((p) => `${str(p.key)}=${str(p.value) ?? ""}`);
  else if (isSeq(argsNode)) args = argsNode.items.map((i) => str(i) ?? "");
  else if (argsNode !== undefined) return undefined;
  for (const other of build.items) {
    const k = str(other.key);
    if (k && !["context", "dockerfile", "args", "target"].includes(k)) return undefined; // ssh, secrets, cache_from...: compare nothing
  }
  return { key: JSON.stringify([context, dockerfile, args.sort(), target]), context, dockerfile };
}

/**
 * The compose project's name as Compose makes it: the file's top-level `name:`, else its folder's
 * name, lower-cased, with what is not a-z, 0-9, `-` or `_` taken out (and no leading `-`/`_`).
 */
export function projectName(name: string | undefined, dir: string): string {
  const normal = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "")
      .replace(/^[_-]+/, "");
  return normal(name ?? "") || normal(path.basename(dir)) || "app";
}

function imageName(ctx: ComposeContext, project: string, group: number, first: string): string {
  if (ctx.options.imageName) return group === 0 ? ctx.options.imageName : `${ctx.options.imageName}-${first}`;
  return group === 0 ? `${project}:latest` : `${project}-${first}:latest`;
}

/**
 * Services of a compose file that build the same image: the first builds it under an image name, the
 * others use that image. Undefined for a file without services.
 */
export function analyseCompose(ctx: ComposeContext): ComposeChange | undefined {
  const notes: NoteInput[] = [];
  const edits: Edit[] = [];
  const shared: SharedBuild[] = [];
  const parsed = parseCompose(ctx.text, notes);
  if (parsed === "left") return { edits, notes, shared };
  if (!parsed) return undefined;
  // `name: ${PROJECT}`: Compose would take it from the environment, which dfmod does not see.
  const declared = parsed.name && !parsed.name.includes("$") ? parsed.name : undefined;
  const project = projectName(declared, ctx.dir);
  let groupIndex = 0;
  for (const members of sameBuilds(readServices(parsed.services))) {
    const [first] = members;
    shared.push({
      composeFile: ctx.path,
      dockerfile: path.resolve(ctx.dir, first.context, first.dockerfile),
      services: members.map((m) => m.name),
      healthchecks: members.filter((m) => m.healthcheck).map((m) => m.name),
    });
    if (members.every((m) => m.image !== undefined && m.image === first.image)) continue;
    const left = whyLeft(members);
    if (left) {
      notes.push({
        id: "shared-image-left",
        severity: "info",
        line: serviceLine(ctx.text, first),
        message: `${members.map((m) => m.name).join(", ")} build the same image, but ${left}: left as they are`,
      });
      continue;
    }
    const image = first.image ?? imageName(ctx, project, groupIndex++, first.name);
    edits.push(...shareImage(ctx.text, members, image));
    notes.push(...sharedNotes(serviceLine(ctx.text, first), members, image));
  }
  return { edits, notes, shared };
}

/**
 * The compose file's services (and top-level name); "left" (with a note) for a templated file or
 * one that is not valid YAML, undefined for a file without services.
 */
function parseCompose(
  text: string,
  notes: NoteInput[],
): { services: YAMLMap; name: string | undefined } | "left" | undefined {
  if (/\{\{|\{%/.test(text)) {
    notes.push({
      id: "templated-compose",
      severity: "info",
      line: 1,
      message: "a templated compose file (Jinja {{ }} / {% %}): left as it is",
    });
    return "left";
  }
  const doc = yaml().parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    notes.push({
      id: "invalid-yaml",
      severity: "warning",
      line: e.linePos?.[0]?.line ?? 1,
      message: `not valid YAML, left as it is: ${e.message.split("\n")[0]}`,
    });
    return "left";
  }
  const services = isMap(doc.contents) ? doc.contents.get("services", true) : undefined;
  if (!isMap(services)) return undefined;
  return { services, name: isMap(doc.contents) ? str(doc.contents.get("name", true)) : undefined };
}

/** The services that are mappings, with what decides whether they build the same image. */
function readServices(services: YAMLMap): Service[] {
  const list: Service[] = [];
  for (const pair of services.items) {
    const name = str(pair.key);
    if (!name || !isMap(pair.value)) continue;
    const map = pair.value;
    const buildPair = map.items.find((p) => str(p.key) === "build");
    // `build` may also come in through a merge key (`<<: *base`): then it is not this service's to drop.
    const merged = !buildPair && map.items.some((p) => str(p.key) === "<<");
    const key = buildPair ? buildKey(buildPair.value) : undefined;
    // Services for other platforms build other images from the same settings.
    const platform = str(map.get("platform", true)) ?? "";
    list.push({
      name,
      pair,
      map,
      buildPair: merged ? undefined : buildPair,
      key: key && key.key + JSON.stringify(platform),
      image: str(map.get("image", true)),
      healthcheck: map.items.some((p) => str(p.key) === "healthcheck"),
      profiles: map.items.some((p) => str(p.key) === "profiles"),
      context: key?.context ?? ".",
      dockerfile: key?.dockerfile ?? "Dockerfile",
    });
  }
  return list;
}

/** Groups of two or more services with the same build, in the order of their first service. */
function sameBuilds(list: Service[]): [Service, ...Service[]][] {
  const groups = new Map<string, Service[]>();
  for (const s of list) if (s.key) groups.set(s.key, [...(groups.get(s.key) ?? []), s]);
  return [...groups.values()].filter((m): m is [Service, ...Service[]] => m.length >= 2);
}

/** Why services that build the same image cannot share it, or undefined when they can. */
function whyLeft([first, ...rest]: [Service, ...Service[]]): string | undefined {
  const members = [first, ...rest];
  // A service in a profile is not started (nor built) by a plain `docker compose up`: the others
  // would wait for an image nobody builds.
  if (members.some((m) => m.profiles)) return "some have profiles, so no one of them is sure to build it";
  if (members.some((m) => m.map.flow) || rest.some((m) => m.image !== undefined && m.image !== first.image))
    return "have image names of their own or flow-style mappings";
  // Sharing drops the others' `build:`; an anchor in it (`build: &app`) may be what aliases elsewhere name.
  const anchored = rest.find((m) => m.buildPair && hasAnchor(m.buildPair));
  if (anchored) return `the build of ${anchored.name} carries a YAML anchor, which other parts of the file may use`;
  return undefined;
}

function hasAnchor(pair: Pair): boolean {
  let found = false;
  const value = pair.value;
  if (!yaml().isNode(value)) return false;
  yaml().visit(value, {
    Node(_, node) {
      if (node.anchor) {
        found = true;
        return yaml().visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The edits that share one image: the first service gets its name, the others drop `build:` and use it. */
function shareImage(text: string, [first, ...rest]: [Service, ...Service[]], image: string): Edit[] {
  const edits: Edit[] = [];
  if (!first.image) edits.push(insertFirst(text, first.map, `image: ${image}`));
  for (const s of rest) {
    if (!s.buildPair) continue;
    edits.push(removePair(text, s.buildPair));
    // The image is built here, never pushed: `docker compose pull` would try the registry for it
    // (and always for a :latest tag) and fail. `never` uses the local image.
    const lines = [
      ...(s.image ? [] : [`image: ${image}`]),
      ...(s.map.items.some((p) => str(p.key) === "pull_policy") ? [] : ["pull_policy: never"]),
    ];
    if (lines.length) edits.push(insertFirst(text, s.map, lines.join(`\n${indentOf(text, s.map)}`)));
  }
  return edits;
}

/** What sharing the image does, and what it costs: the others no longer build it themselves. */
function sharedNotes(line: number, members: [Service, ...Service[]], image: string): NoteInput[] {
  const [first, ...rest] = members;
  return [
    {
      id: "shared-image",
      severity: "info",
      line,
      message: `${members.map((m) => m.name).join(", ")} built the same image ${members.length} times: ${first.name} builds it as ${image}, ${rest.map((m) => m.name).join(", ")} ${rest.length === 1 ? "uses" : "use"} that image (pull_policy: never: it is built here, not pulled)`,
    },
    {
      id: "shared-image-trade-off",
      severity: "warning",
      line,
      message: `trade-off: \`docker compose build ${rest[0]!.name}\` no longer builds anything, and \`docker compose up ${rest[0]!.name}\` or \`run ${rest[0]!.name}\` alone needs the image built first: build it with \`docker compose build ${first.name}\` (or \`up\` everything)`,
    },
  ];
}

/** The line of a service's key. */
function serviceLine(text: string, service: Service): number {
  const key = service.pair.key;
  const offset = key && isScalar(key) ? key.range![0] : 0;
  return text.slice(0, offset).split("\n").length;
}

/** The indentation of a block mapping's keys. */
function indentOf(text: string, map: YAMLMap): string {
  const at = (map.items[0]!.key as { range?: [number, number, number] }).range![0];
  return text.slice(text.lastIndexOf("\n", at - 1) + 1, at);
}

/** A new `key: value` line above the first entry of a block mapping, with its indentation. */
function insertFirst(text: string, map: YAMLMap, line: string): Edit {
  const firstKey = map.items[0]!.key as { range?: [number, number, number] };
  const at = firstKey.range![0];
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const indent = text.slice(lineStart, at);
  return { start: lineStart, end: lineStart, text: `${indent}${line}\n` };
}

/** Removes a `key: value` pair with its lines (the value may span several). */
function removePair(text: string, pair: Pair): Edit {
  const key = pair.key as { range?: [number, number, number] };
  const value = pair.value as { range?: [number, number, number] } | null;
  const start = text.lastIndexOf("\n", key.range![0] - 1) + 1;
  const valueEnd = value?.range?.[1] ?? key.range![2];
  let end = afterLineBreak(text, Math.max(valueEnd - 1, key.range![1]));
  // A block value's range ends after its last line break already.
  if (value?.range && text[value.range[1] - 1] === "\n") end = value.range[1];
  return { start, end, text: "" };
}

export const composeSharedImage: Transform = {
  id: "compose-shared-image",
  summary: "compose services that build the same image: build it once, share it with image:",
  meta,
  applyCompose: analyseCompose,
  apply(ctx: Context) {
    const notes: NoteInput[] = [];
    const edits: Edit[] = [];
    for (const s of ctx.compose ?? []) {
      if (s.healthchecks.length === 0) continue;
      const stage = ctx.dockerfile.stages[ctx.dockerfile.stages.length - 1];
      const healthcheck = stage?.instructions.find((i) => i.keyword === "HEALTHCHECK");
      if (!healthcheck) continue;
      if (ctx.options.dropDockerfileHealthcheck) {
        edits.push(removeInstruction(healthcheck));
        notes.push({
          id: "healthcheck-removed",
          severity: "info",
          line: healthcheck.line,
          message: `removed HEALTHCHECK: ${s.services.join(", ")} share this Dockerfile (${s.composeFile}) and ${s.healthchecks.join(", ")} define their own healthcheck`,
        });
      } else {
        notes.push({
          id: "shared-healthcheck",
          severity: "info",
          line: healthcheck.line,
          message: `${s.services.join(", ")} share this Dockerfile (${s.composeFile}) and ${s.healthchecks.join(", ")} define their own healthcheck: this HEALTHCHECK can go (--drop-dockerfile-healthcheck)`,
        });
      }
      break;
    }
    // Dropped on request: the services' own healthchecks take its place.
    return { edits, notes, declares: edits.length > 0 ? ["healthcheck"] : [] };
  },
};
