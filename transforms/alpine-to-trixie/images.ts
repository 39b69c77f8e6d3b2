/**
 * Alpine image references -> their Debian trixie counterparts (facts: image tags published by
 * docker-library, nodejs/docker-node and astral-sh/uv). Registry prefixes, `${ARCH}/` prefixes
 * and variables in tags survive; a digest cannot survive a tag change.
 */

import { upgradeNote } from "../python-version";

export type Variant = "slim-trixie" | "trixie";

export interface ImageRef {
  /** Everything before the repository name, with its trailing slash (`docker.io/library/`, `${ARCH}/`). */
  prefix: string;
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImage(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  // `${ARCH}python`, where ARCH holds `arm64v8/`: the variable belongs to the prefix.
  const variable = /^\$(?:\{\w+\}|\w+)/.exec(rest.slice(slash + 1))?.[0] ?? "";
  return { prefix: rest.slice(0, slash + 1) + variable, name: rest.slice(slash + 1 + variable.length), tag, digest };
}

type MigrationNote = { id: string; severity: "info" | "warning"; message: string };

/** --python: the minor to move to, and the image's own minor when it is known (from its ARG too). */
export interface PythonTarget {
  target: number;
  minor: number | undefined;
}

export type Migration =
  | { kind: "migrate"; image: string; notes: MigrationNote[] }
  | { kind: "leave"; id: string; severity: "info" | "warning" | "action-needed"; message: string }
  | { kind: "not-alpine" };

/** Patch releases that have trixie tags (the newest of each line at the time the data was taken). */
export const PYTHON_PATCHES: Record<string, number> = {
  "3.9": 25,
  "3.10": 21,
  "3.11": 16,
  "3.12": 14,
  "3.13": 15,
  "3.14": 7,
};

/**
 * The first patch release of each line that had trixie tags from its release on: the official
 * images added trixie variants on 2025-05-19, and every patch released after that has them
 * (3.13.4, 3.12.11... came out on 2025-06-03). An older patch became its minor's tag. The patch
 * that was current on that day may have had them too; its minor is the tag known to exist.
 */
const FIRST_TRIXIE_PATCHES: Record<string, number> = {
  "3.9": 23,
  "3.10": 18,
  "3.11": 13,
  "3.12": 11,
  "3.13": 4,
  "3.14": 0,
};

const NODE_CODENAMES: Record<string, number> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

/** `3.12-alpine3.20` -> `3.12`; `alpine` -> ``; undefined when the tag is not an Alpine tag. */
function alpineVersion(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const m = /^(?:(.+)-)?alpine(?:\d+(?:\.\d+)*|\$\{?\w+\}?)?$/.exec(tag);
  if (!m) return undefined;
  return m[1] ?? "";
}

function build(ref: ImageRef, name: string, tag: string): string {
  return `${ref.prefix}${name}:${tag}`;
}

type Leave = Extract<Migration, { kind: "leave" }>;

/** What every image's rule works from: the reference, the Alpine tag's version, the variant asked for. */
interface Tagged {
  ref: ImageRef;
  /** The tag without its `-alpine...` suffix (`3.12`, ``). */
  version: string;
  /** The version comes from a variable: its value, and so its support, is not known. */
  dynamic: boolean;
  variant: Variant;
  /** Notes that go with the migration. */
  notes: MigrationNote[];
  python: PythonTarget | undefined;
  /** The migration to `image`, with the notes (and the dropped digest's). */
  done: (image: string) => Migration;
}

/** An image that has no trixie counterpart for this version: it stays on Alpine. */
function noTrixieImage(message: string): Leave {
  return { kind: "leave", id: "no-trixie-image", severity: "action-needed", message };
}

function unknownAlpineImage(text: string): Leave {
  return {
    kind: "leave",
    id: "unknown-alpine-image",
    severity: "info",
    message: `${text}: an Alpine image dfmod does not know how to migrate; left as it is`,
  };
}

/** The Debian trixie counterpart of an image reference, why it has none, or that it is not Alpine. */
export function migrateImage(text: string, variant: Variant, python?: PythonTarget): Migration {
  const ref = parseImage(text);
  const notes: MigrationNote[] = [];
  const done = (image: string): Migration => {
    if (ref.digest) {
      notes.push({
        id: "digest-dropped",
        severity: "warning",
        message: `the digest @${ref.digest} pinned the Alpine image; a digest cannot survive a tag change, so it was dropped (pin the new image's digest again if you pin digests)`,
      });
    }
    return { kind: "migrate", image, notes };
  };
  if (ref.name === "alpine") return migrateAlpine(ref, variant, done);
  if (ref.name === "uv" && ref.prefix.endsWith("astral-sh/")) return migrateUv(ref, done);
  const version = alpineVersion(ref.tag);
  if (version === undefined) {
    // nginx:alpine, crazymax/alpine-s6-dist, alpine/git: Alpine images of other projects.
    return (ref.tag !== undefined && /alpine/.test(ref.tag)) || /alpine/i.test(ref.prefix + ref.name)
      ? unknownAlpineImage(text)
      : { kind: "not-alpine" };
  }
  const tagged: Tagged = { ref, version, dynamic: version.includes("$"), variant, notes, done, python };
  switch (ref.name) {
    case "python":
      return migratePython(tagged);
    case "node":
      return migrateNode(tagged);
    case "ruby":
      return migrateRuby(tagged);
    case "golang":
      return migrateGolang(tagged);
    default:
      return unknownAlpineImage(text);
  }
}

/** alpine -> debian: numbered releases and latest; edge has no stable counterpart. */
function migrateAlpine(ref: ImageRef, variant: Variant, done: (image: string) => Migration): Migration {
  if (ref.tag === "edge")
    return {
      kind: "leave",
      id: "alpine-edge-left",
      severity: "warning",
      message: "alpine:edge has no stable Debian counterpart: left as it is",
    };
  // A tag from a variable (`alpine:${ALPINE_VERSION}`) is still an Alpine release.
  if (ref.tag !== undefined && !/^(?:latest|\d+(?:\.\d+)*|\$\{?\w+\}?)$/.test(ref.tag)) return { kind: "not-alpine" };
  return done(build(ref, "debian", variant === "slim-trixie" ? "trixie-slim" : "trixie"));
}

/** python: 3.9 and newer have trixie images; a patch release older than the first trixie one becomes its minor. */
function migratePython(tagged: Tagged): Migration {
  const { ref, version, dynamic, variant, notes, done, python } = tagged;
  if (python) return movePython(tagged, python);
  if (!dynamic && version !== "" && version !== "3") {
    const m = /^3\.(\d+)(?:\.(\d+))?/.exec(version);
    if (!m)
      return {
        kind: "leave",
        id: "unknown-python-version",
        severity: "warning",
        message: `python:${ref.tag}: unknown Python version; left as it is`,
      };
    const minor = Number(m[1]);
    if (minor <= 8) {
      return noTrixieImage(
        `Python 3.${minor} has no Debian trixie image: left on Alpine. Upgrade Python (3.12 or newer: --python 3.12 moves it) and run dfmod again`,
      );
    }
    if (minor === 9)
      notes.push({
        id: "end-of-life",
        severity: "warning",
        message: "Python 3.9 is end-of-life: its trixie image is frozen at 3.9.25 and gets no more updates",
      });
    const first = FIRST_TRIXIE_PATCHES[`3.${minor}`];
    if (m[2] !== undefined && first !== undefined && Number(m[2]) < first && /^3\.\d+\.\d+$/.test(version)) {
      const minorOnly = `3.${minor}`;
      notes.push({
        id: "tag-never-published",
        severity: "info",
        message: `python:${version}-${variant} is older than the trixie images (they start at 3.${minor}.${first}): ${minorOnly} instead`,
      });
      return done(build(ref, "python", `${minorOnly}-${variant}`));
    }
  }
  return done(build(ref, "python", version ? `${version}-${variant}` : variant));
}

/** --python: python:3.8-alpine -> python:3.13-slim-trixie; Python 2 stays; a tag with no minor keeps its version. */
function movePython({ ref, version, dynamic, variant, notes, done }: Tagged, python: PythonTarget): Migration {
  const image = `${ref.name}:${ref.tag}`;
  if (/^2(?:\.|$)/.test(version))
    return {
      kind: "leave",
      id: "python-2-left",
      severity: "action-needed",
      message: `${image}: --python does not move Python 2 to Python 3 (port the code first); left as it is`,
    };
  if (dynamic || python.minor === undefined) {
    if (!dynamic)
      notes.push({
        id: "python-floating",
        severity: "info",
        message: `${image} names no Python minor: it follows the newest Python, so --python 3.${python.target} left its version as it is`,
      });
    return done(build(ref, "python", version ? `${version}-${variant}` : variant));
  }
  if (python.minor < python.target) notes.push(upgradeNote(image, python.minor, python.target));
  return done(build(ref, "python", `3.${python.target}-${variant}`));
}

/** node: 20 and newer (by number or codename) have trixie images; a full version may predate them. */
function migrateNode({ ref, version, dynamic, variant, notes, done }: Tagged): Migration {
  const major = /^\d+/.exec(version)?.[0];
  const codename = NODE_CODENAMES[version];
  const line = major !== undefined ? Number(major) : codename;
  if (!dynamic && line !== undefined) {
    if (line <= 18) {
      return noTrixieImage(
        `Node.js ${line} has no Debian trixie image: left on Alpine. Upgrade Node.js (22 or newer) and run dfmod again`,
      );
    }
    if (line === 20 || line === 25)
      notes.push({
        id: "end-of-life",
        severity: "warning",
        message: `Node.js ${line} is end-of-life: its trixie images are frozen`,
      });
    if (major !== undefined && version !== major) {
      notes.push({
        id: "tag-check",
        severity: "warning",
        message: `node:${version}-trixie-slim exists only for releases since mid-2025: check the tag, or pin the major version`,
      });
    }
  }
  const suffix = variant === "slim-trixie" ? "trixie-slim" : "trixie";
  return done(build(ref, "node", version ? `${version}-${suffix}` : suffix));
}

/** ruby: 3.2 and newer have trixie images. */
function migrateRuby({ ref, version, dynamic, variant, notes, done }: Tagged): Migration {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!dynamic && m) {
    const v = Number(m[1]) * 100 + Number(m[2]);
    if (v < 302) return noTrixieImage(`Ruby ${m[1]}.${m[2]} has no Debian trixie image: left on Alpine`);
    if (v === 302)
      notes.push({
        id: "end-of-life",
        severity: "warning",
        message: "Ruby 3.2 is end-of-life: its trixie image is frozen",
      });
  }
  return done(build(ref, "ruby", version ? `${version}-${variant}` : variant));
}

/** golang: 1.23 and newer have trixie images, none of them slim. */
function migrateGolang({ ref, version, dynamic, done }: Tagged): Migration {
  const m = /^1\.(\d+)/.exec(version);
  if (!dynamic && m && Number(m[1]) < 23)
    return noTrixieImage(`Go 1.${m[1]} has no Debian trixie image: left on Alpine`);
  return done(build(ref, "golang", version ? `${version}-trixie` : "trixie"));
}

/**
 * ghcr.io/astral-sh/uv:python3.12-alpine -> ghcr.io/astral-sh/uv:python3.12-trixie-slim; versions
 * from variables (`uv:${UV}-python${PY}-alpine`) stay variables.
 */
function migrateUv(ref: ImageRef, done: (image: string) => Migration): Migration {
  const m =
    /^((?:(?:[\d.]+|\$\{?\w+\}?)-)?(?:python(?:3\.\d+|\$\{?\w+\}?)-)?)alpine(?:\d+(?:\.\d+)*|\$\{?\w+\}?)?$/.exec(
      ref.tag ?? "",
    );
  if (!m) return { kind: "not-alpine" };
  return done(build(ref, "uv", `${m[1]}trixie-slim`));
}
