/**
 * Alpine names the package map does not have, resolved to Debian trixie names by named rules over
 * the project's own trixie package list. A rule resolves a name only when it finds exactly one
 * trixie package; otherwise the name stays unresolved, with the candidates the rules found
 * (`did you mean libedit2?`), and the stage stays on Alpine.
 *
 *   same-name      trixie has a package of exactly that name (jq, git, ffmpeg)
 *   soname         a runtime library: `lib` + name + its soname (libedit -> libedit2, libcap -> libcap2,
 *                  libwebp -> libwebp7; t64 renames included). Safe for `lib…` names only: for another
 *                  name (tiff -> libtiff6) it is a suggestion, as a tool can share a library's name
 *                  (`uv` is not libuv1t64).
 *   libs           `X-libs` is X's runtime library (krb5-libs -> libkrb5-3, icu-libs -> libicu76)
 *   dev            `X-dev` is `libX-dev`, `X-dev` or `libX<soname>-dev` (xmlsec-dev -> libxmlsec1-dev)
 *   versioned      a version in the name of a known family goes (postgresql16-client -> postgresql-client,
 *                  and from there the map: postgresql16-dev -> libpq-dev)
 *   flavour        `-current` / `-lts` go (nodejs-current -> nodejs)
 *   python3        `py3-X` / `py-X` is Debian's `python3-X`, on a plain Debian base; on a python:* image
 *                  nothing (Alpine's module served Alpine's python3, not the image's Python)
 *   python2        Python 2's headers are Python 3's (python-dev -> python3-dev); Python 2 itself is gone
 */
import { entryFor, trixiePackages, type PackageEntry } from "./packages";

export type Lookup = (name: string) => PackageEntry | undefined;

export type Resolution =
  /** `name`: the Alpine name the entry belongs to (a rule may have rewritten it: python-dev -> python3-dev). */
  | { kind: "resolved"; entry: PackageEntry; rule: string; name: string }
  | { kind: "unresolved"; candidates: string[]; hint?: string };

/** Families whose names carry a version (postgresql16, llvm18, openjdk21, php83). */
const VERSIONED =
  /^(postgresql|mariadb|mysql|llvm|clang|lld|icu|lua|php|perl|ruby|openjdk|nodejs|gcc|boost)(\d+(?:\.\d+)?)((?:-[a-z0-9+]+)*)$/;

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Trixie names `lib<base>` followed by a soname (`2`, `-3`, `62`, `1.1`), with or without the t64 suffix. */
function sonames(base: string): string[] {
  const stem = base.startsWith("lib") ? base : `lib${base}`;
  const re = new RegExp(`^${escapeRe(stem)}-?\\d[\\d.]*(?:-\\d+)?(?:t64)?$`);
  return trixiePackages()
    .withPrefix(stem)
    .filter((n) => re.test(n));
}

/** Trixie names for the headers of `base`: `lib<base>-dev`, `<base>-dev`, `lib<base><soname>-dev`. */
function devNames(base: string): string[] {
  const stem = base.startsWith("lib") ? base.slice(3) : base;
  const exact = [`lib${stem}-dev`, `${stem}-dev`].filter((n) => trixiePackages().has(n));
  if (exact.length > 0) return exact;
  const re = new RegExp(`^lib${escapeRe(stem)}-?\\d[\\d.]*-dev$`);
  return trixiePackages()
    .withPrefix(`lib${stem}`)
    .filter((n) => re.test(n));
}

const one = (names: string[]): string | undefined => (names.length === 1 ? names[0] : undefined);

/** The runtime library of a Debian `-dev` package (libpq-dev -> libpq5, libxmlsec1-dev -> libxmlsec1t64). */
export function runtimeOfDev(dev: string): string | undefined {
  const base = dev.replace(/-dev$/, "");
  if (base === dev) return undefined;
  const stem = base.replace(/-?\d[\d.]*$/, "");
  const re = new RegExp(`^${escapeRe(stem)}-?\\d[\\d.]*(?:-\\d+)?(?:t64)?$`);
  return one(
    trixiePackages()
      .withPrefix(stem)
      .filter((n) => re.test(n) && !n.endsWith("-dev")),
  );
}

/**
 * The C libraries that Alpine's py3- packages depend on and that the module pip installs in their
 * place loads at run time, not bundled in its wheel (python-magic and psycopg 3 load them with
 * ctypes; pycairo and psycopg2 built from source link them): on a python image the py3- package
 * is dropped, its library kept.
 */
export const PY3_LIBRARIES: Record<string, string[]> = {
  "py3-magic": ["libmagic1t64"],
  "py3-cairo": ["libcairo2"],
  "py3-psycopg": ["libpq5"],
  "py3-psycopg2": ["libpq5"],
};

/** Resolves an Alpine name the map (and the user's map) does not have. */
export function resolve(name: string, python: boolean, lookup: Lookup = (n) => entryFor(n)): Resolution {
  const found = (build: string[], runtime: string[], rule: string): Resolution => ({
    kind: "resolved",
    entry: { build, runtime },
    rule,
    name,
  });
  if (trixiePackages().has(name)) {
    const library = name.endsWith("-dev") ? runtimeOfDev(name) : name;
    return found([name], library ? [library] : [], "same-name");
  }

  const flavour = /^(.+)-(?:current|lts)$/.exec(name);
  if (flavour) return via(flavour[1]!, "flavour", python, lookup);

  const versioned = VERSIONED.exec(name);
  if (versioned) return via(versioned[1]! + versioned[3]!, "versioned", python, lookup);

  const py = /^py3?-(.+)$/.exec(name);
  if (py) {
    if (python) {
      // Alpine's py3-X served Alpine's own python3, never the python image's: nothing to install
      // but the C library the module pip installs loads.
      const libraries = PY3_LIBRARIES[name] ?? [];
      return {
        kind: "resolved",
        entry: {
          build: libraries,
          runtime: libraries,
          note: `Alpine's ${name} was for Alpine's own python3, not the image's Python; if the app imports it, pip installs it (${py[1]})${libraries.length > 0 ? `, which loads ${libraries.join(", ")} (kept)` : ""}`,
        },
        rule: "python-module",
        name,
      };
    }
    const debian = `python3-${py[1]}`;
    return trixiePackages().has(debian) ? found([debian], [debian], "python3") : { kind: "unresolved", candidates: [] };
  }
  if (name === "python-dev" || name === "python2-dev") return via("python3-dev", "python2", python, lookup);
  if (name === "python" || name === "python2") {
    return { kind: "unresolved", candidates: [], hint: "Python 2 is not in Debian trixie: the code needs Python 3" };
  }

  const libs = /^(.+)-libs$/.exec(name);
  if (libs) {
    const candidates = sonames(libs[1]!);
    const runtime = one(candidates);
    return runtime ? found([runtime], [runtime], "libs") : { kind: "unresolved", candidates };
  }
  const dev = /^(.+)-dev$/.exec(name);
  if (dev) {
    const candidates = devNames(dev[1]!);
    const build = one(candidates);
    if (!build) return { kind: "unresolved", candidates };
    const runtime = runtimeOfDev(build);
    return found([build], runtime ? [runtime] : [], "dev");
  }
  const candidates = sonames(name);
  const runtime = one(candidates);
  if (runtime && name.startsWith("lib")) return found([runtime], [runtime], "soname");
  return { kind: "unresolved", candidates };
}

/** A name rewritten by a rule: the map first, then the rules again. */
function via(name: string, rule: string, python: boolean, lookup: Lookup): Resolution {
  const entry = lookup(name);
  if (entry) return { kind: "resolved", entry, rule, name };
  const next = resolve(name, python, lookup);
  return next.kind === "resolved" ? { ...next, rule: `${rule}, ${next.rule}` } : next;
}
