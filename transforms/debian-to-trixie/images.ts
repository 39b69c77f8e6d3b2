/**
 * Debian bookworm / bullseye image references -> the trixie tags that exist (facts: the tags
 * docker-library and astral-sh/uv publish): python's `-slim-bookworm`, `-slim-bullseye`, `-slim`,
 * `-bookworm`, `-bullseye`; debian's `bookworm*`, `bullseye*`, `12*`, `11*`; uv's
 * `python3.X-bookworm(-slim)`. With --python, every python:* image moves to that minor.
 */
import { parseImage, type PythonTarget } from "../alpine-to-trixie/images";
import { upgradeNote } from "../python-version";

type Note = { id: string; severity: "info" | "warning"; message: string };

export type DebianMigration =
  { kind: "migrate"; image: string; notes: Note[] } | { kind: "leave"; id: string; message: string } | { kind: "none" };

const OLD = /^(?:bookworm|bullseye)$/;

/** The trixie counterpart of a Debian image reference, why it has none, or none to make. */
export function migrateDebianImage(text: string, python: PythonTarget | undefined): DebianMigration {
  const ref = parseImage(text);
  const notes: Note[] = [];
  const done = (tag: string): DebianMigration => {
    if (ref.digest)
      notes.push({
        id: "digest-dropped",
        severity: "warning",
        message: `the digest @${ref.digest} pinned the old image; a digest cannot survive a tag change, so it was dropped (pin the new image's digest again if you pin digests)`,
      });
    return { kind: "migrate", image: `${ref.prefix}${ref.name}:${tag}`, notes };
  };
  if (ref.tag === undefined) return { kind: "none" };
  // Releases before bullseye: their package names are not in the renames table.
  const older =
    /(?:^|-)(buster|stretch|jessie)(?:-|$)/.exec(ref.tag)?.[1] ??
    (ref.name === "debian" && /^(?:10|9|8)(?:[.-]|$)/.test(ref.tag) ? ref.tag : undefined);
  if (older && ["python", "debian", "uv"].includes(ref.name))
    return {
      kind: "leave",
      id: "release-too-old",
      message: `${text}: Debian ${older} is older than bullseye, and dfmod knows the package renames from bookworm and bullseye only; left as it is: move it to bookworm by hand first, or to trixie`,
    };
  if (ref.name === "python") return migratePython(ref.tag, python, notes, done);
  if (ref.name === "debian") {
    const m = /^(bookworm|bullseye|12|11)(?:[.-]\d+)*(-slim)?$/.exec(ref.tag);
    if (!m) return { kind: "none" };
    return done(`${/^\d/.test(m[1]!) ? "13" : "trixie"}${m[2] ?? ""}`);
  }
  if (ref.name === "uv" && ref.prefix.endsWith("astral-sh/")) {
    const m = /^((?:[\d.]+-)?)(?:python3\.(\d+)-)?(?:bookworm|bullseye)(-slim)?$/.exec(ref.tag);
    if (!m) return { kind: "none" };
    const minor = m[2] === undefined ? undefined : Math.max(Number(m[2]), python?.target ?? 0);
    return done(`${m[1]}${minor === undefined ? "" : `python3.${minor}-`}trixie${m[3] ?? ""}`);
  }
  return { kind: "none" };
}

/** python:{V}[-slim][-bookworm|-bullseye|-trixie] -> python:{V or --python}-slim-trixie / -trixie. */
function migratePython(
  tag: string,
  python: PythonTarget | undefined,
  notes: Note[],
  done: (tag: string) => DebianMigration,
): DebianMigration {
  const m = /^(?:([\d$][^-]*)-)?(slim|bookworm|bullseye|trixie|slim-bookworm|slim-bullseye|slim-trixie)$/.exec(tag);
  const plain = /^[\d$][^-]*$/.test(tag);
  if (!m && !plain) return { kind: "none" };
  const version = plain ? tag : (m![1] ?? "");
  const suffix = plain ? "" : m![2]!;
  const codename = /(bookworm|bullseye|trixie)$/.exec(suffix)?.[1];
  const variant = suffix.startsWith("slim") ? "slim-trixie" : "trixie";
  // Without --python: the old releases and bare -slim move; a trixie tag or a plain version is fine as it is.
  if (!python && (codename === "trixie" || (plain && codename === undefined))) return { kind: "none" };
  const image = `python:${tag}`;
  if (/^2(?:\.|$)/.test(version))
    return python
      ? {
          kind: "leave",
          id: "python-2-left",
          message: `${image}: --python does not move Python 2 to Python 3 (port the code first); left as it is`,
        }
      : {
          kind: "leave",
          id: "no-trixie-image",
          message: `${image}: Python 2 has no Debian trixie image; left as it is`,
        };
  const minor = /^3\.(\d+)/.exec(version)?.[1];
  if (version.includes("$") || minor === undefined) {
    if (python && !version.includes("$"))
      notes.push({
        id: "python-floating",
        severity: "info",
        message: `${image} names no Python minor: it follows the newest Python, so --python 3.${python.target} left its version as it is`,
      });
    if (!python && !OLD.test(codename ?? "") && suffix !== "slim") return { kind: "none" };
    return done(version ? `${version}-${variant}` : variant);
  }
  return python
    ? moveMinor(image, Number(minor), python.target, variant, notes, done)
    : keepMinor(image, version, variant, notes, done);
}

/** --python: the image's minor becomes the target (the refusal to go down is the transform's). */
function moveMinor(
  image: string,
  minor: number,
  target: number,
  variant: string,
  notes: Note[],
  done: (tag: string) => DebianMigration,
): DebianMigration {
  if (minor < target) notes.push(upgradeNote(image, minor, target));
  return done(`3.${target}-${variant}`);
}

/** The image's own minor on trixie: 3.9 and newer have trixie images (a patch release's tag becomes its minor's). */
function keepMinor(
  image: string,
  version: string,
  variant: string,
  notes: Note[],
  done: (tag: string) => DebianMigration,
): DebianMigration {
  const minor = Number(/^3\.(\d+)/.exec(version)![1]);
  if (minor <= 8)
    return {
      kind: "leave",
      id: "no-trixie-image",
      message: `${image}: Python 3.${minor} has no Debian trixie image; left as it is (--python 3.12 or newer moves it)`,
    };
  if (minor === 9)
    notes.push({
      id: "end-of-life",
      severity: "warning",
      message: "Python 3.9 is end-of-life: its trixie image is frozen at 3.9.25 and gets no more updates",
    });
  return done(`3.${minor}-${variant}`);
}
