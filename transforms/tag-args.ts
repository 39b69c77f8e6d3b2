/**
 * Image tags that take a global ARG (`python:${PYTHON_VERSION}-alpine`): a migration keeps the
 * variable, so the image built is the one the ARG's default gives. The default is checked as a
 * literal tag would be: a release with no trixie image (3.8), or one never published as trixie
 * (3.11.7, where trixie images start later), keeps the stage as it is with a note. dfmod does not
 * change the ARG, which may serve more than this image. Shared by alpine-to-trixie and debian-to-trixie.
 */
import type { Dockerfile } from "../src/engine/dockerfile";
import type { MessageSchema, Severity } from "../src/engine/types";
import { parseImage } from "./alpine-to-trixie/images";
import { globalArg } from "./python-version";

interface TagNote {
  id: string;
  severity: Severity;
  message: string;
}

/** What a migration of the literal image gives: its image, or why it leaves the stage. */
type Literal =
  | { kind: "migrate"; image: string }
  | { kind: "leave"; id: string; severity?: Severity; message: string }
  | { kind: string };

/**
 * undefined: the tag takes no global ARG (or one dfmod does not follow: `${VAR:-default}`), or its
 * default migrates to what the migration wrote. "unset": a variable has no default (an info note);
 * "leave": the stage must stay as it is (the note says why).
 */
export function tagFromArgs(
  file: Dockerfile,
  image: string,
  migrated: string,
  migrate: (literal: string) => Literal,
): { kind: "unset" | "leave"; note: TagNote } | undefined {
  // The tag's variables: those of a registry prefix (`${ARCH}/`) do not choose a release.
  const tag = parseImage(image).tag;
  if (tag === undefined || !tag.includes("$")) return undefined;
  const names = [...tag.matchAll(/\$(\{)?(\w+)(\})?/g)];
  if (names.some((m) => (m[1] === "{") !== (m[3] === "}")) || /\$\{\w+[^\w}]/.test(tag)) return undefined;
  const values = new Map(names.map((m) => [m[2]!, globalArg(file, m[2]!)?.value]));
  const unset = [...values].filter(([, v]) => !v).map(([k]) => k);
  if (unset.length > 0)
    return {
      kind: "unset",
      note: {
        id: "tag-from-build-arg",
        severity: "info",
        message: `${migrated}: ${unset.join(", ")} has no default dfmod can see; the value given at build time must name a release that has a Debian trixie image`,
      },
    };
  const resolve = (text: string): string =>
    text.replace(/\$\{?(\w+)\}?/g, (whole, n: string) => values.get(n) ?? whole);
  const literal = migrate(resolve(image));
  const given = [...values].map(([k, v]) => `${k}=${v}`).join(", ");
  if (literal.kind === "leave" && "message" in literal)
    return {
      kind: "leave",
      note: {
        id: literal.id,
        severity: literal.severity ?? "action-needed",
        message: `${image} with ${given}: ${literal.message}`,
      },
    };
  if (literal.kind === "migrate" && "image" in literal && literal.image !== resolve(migrated))
    return {
      kind: "leave",
      note: {
        id: "tag-from-arg-unpublished",
        severity: "action-needed",
        message: `${image} with ${given} would become ${resolve(migrated)}, which was never published (${literal.image} is its counterpart): left as it is. dfmod does not change the ARG, which may serve more than this image: set it, then run dfmod again`,
      },
    };
  return undefined;
}

/** The notes tagFromArgs makes, by id (in the messages of the transforms that use it). */
export const tagArgMessages: Record<string, MessageSchema> = {
  "tag-from-arg-unpublished": {
    severity: "action-needed",
    description:
      "The image's tag takes a global ARG whose default names a release never published as a Debian trixie image (a patch release older than the first trixie one, such as python 3.11.7). dfmod keeps the variable and does not change the ARG, which may serve more than this image, so the stage stays as it is. Set the ARG's default to the release the note names, then run dfmod again.",
  },
  "tag-from-build-arg": {
    severity: "info",
    description:
      "The image's tag takes a variable with no default dfmod can see: the release comes from the build (--build-arg), and must be one that has a Debian trixie image (Python 3.9 or newer, Node.js 20 or newer...).",
  },
};
