/** The resolver's rules: names that resolve to exactly one trixie package, and names that must not. */
import { resolve, runtimeOfDev } from "../transforms/alpine-to-trixie/resolve";
import { mapPackages } from "../transforms/alpine-to-trixie/apk";
import { packageMap, trixiePackages } from "../transforms/alpine-to-trixie/packages";

const resolved = (name: string, python = false) => {
  const r = resolve(name, python);
  return r.kind === "resolved" ? { rule: r.rule, build: r.entry.build, runtime: r.entry.runtime } : r;
};

describe("rules that resolve", () => {
  test.each([
    ["libedit", "soname", ["libedit2"], ["libedit2"]],
    ["libcap", "soname", ["libcap2"], ["libcap2"]],
    ["libwebp", "soname", ["libwebp7"], ["libwebp7"]],
    ["libldap", "soname", ["libldap2"], ["libldap2"]],
    ["libuv", "soname", ["libuv1t64"], ["libuv1t64"]],
    ["libevent", "soname", ["libevent-2.1-7t64"], ["libevent-2.1-7t64"]],
    ["krb5-libs", "libs", ["libkrb5-3"], ["libkrb5-3"]],
    ["icu-libs", "libs", ["libicu76"], ["libicu76"]],
    ["nodejs-current", "flavour", ["nodejs"], ["nodejs"]],
    ["postgresql16-client", "versioned", ["postgresql-client"], ["postgresql-client"]],
    ["postgresql16-dev", "versioned", ["libpq-dev"], ["libpq5"]],
    ["jq", "same-name", ["jq"], ["jq"]],
  ])("%s -> %s", (name, rule, build, runtime) => {
    expect(resolved(name)).toEqual({ rule, build, runtime });
  });

  test("-dev: the headers package, and its runtime library by rule", () => {
    expect(resolved("libsasl2-dev")).toEqual({ rule: "same-name", build: ["libsasl2-dev"], runtime: ["libsasl2-2"] });
    expect(runtimeOfDev("libxmlsec1-dev")).toBe("libxmlsec1t64");
    expect(runtimeOfDev("libpq-dev")).toBe("libpq5");
    expect(runtimeOfDev("libtiff-dev")).toBe("libtiff6");
  });

  test("t64: the renamed library, never the old name", () => {
    for (const name of ["libedit", "libuv", "libevent"]) {
      const r = resolved(name) as { build: string[] };
      expect(r.build.every((n) => trixiePackages().has(n))).toBe(true);
    }
    expect(resolved("libuv")).toMatchObject({ build: ["libuv1t64"] });
  });

  test("py3-X is python3-X on a plain Debian base", () => {
    expect(resolved("py3-numpy")).toEqual({ rule: "python3", build: ["python3-numpy"], runtime: ["python3-numpy"] });
  });

  test("Python 2's headers are Python 3's; on a python image the image's own", () => {
    expect(mapPackages(["python-dev"], false).packages).toEqual(["python3-dev"]);
    expect(mapPackages(["python-dev"], true).packages).toEqual([]);
  });
});

describe("names that must not resolve", () => {
  test.each([
    ["tiff", ["libtiff6"]], // not a lib… name: a suggestion only (a tool may share a library's name)
    ["uv", ["libuv1t64"]],
    ["openblas", ["libopenblas0", "libopenblas64-0"]], // two candidates
    ["libusb", ["libusb-0.1-4", "libusb-1.0-0", "libusb3380-0t64"]],
    ["openldap", []], // none
    ["no-such-package-xyz", []],
  ])("%s (candidates %j)", (name, candidates) => {
    expect(resolve(name, false)).toEqual({ kind: "unresolved", candidates });
  });

  test("py3-X on a python image: nothing, the image's Python never used Alpine's module", () => {
    expect(mapPackages(["py3-numpy"], true)).toMatchObject({
      packages: [],
      dropped: [
        {
          name: "py3-numpy",
          why: "Alpine's py3-numpy was for Alpine's own python3, not the image's Python; if the app imports it, pip installs it (numpy)",
        },
      ],
    });
  });

  test("Python 2 itself", () => {
    expect(resolve("python2", false)).toMatchObject({ kind: "unresolved" });
  });

  test("a versioned name of a family dfmod does not know stays as it is", () => {
    // lcms2's 2 is part of its name, not a version.
    expect(resolve("lcms2", false)).toEqual({ kind: "unresolved", candidates: ["liblcms2-2"] });
  });
});

describe("the user's map", () => {
  test("wins over the built-in map and the rules", () => {
    const user = {
      "postgresql-dev": { build: ["libpq-dev"], runtime: ["libpq5", "postgresql-client"] },
      tiff: { build: ["libtiff6"], runtime: ["libtiff6"] },
    };
    expect(mapPackages(["tiff", "postgresql-dev"], true, "build", user).packages).toEqual(["libtiff6", "libpq-dev"]);
    expect(packageMap()["postgresql-dev"]!.runtime).toEqual(["libpq5"]);
  });

  test("apk add uv: no Debian package, the stage copies uv from its image", () => {
    const m = mapPackages(["uv", "gcc"], true);
    expect(m.packages).toEqual(["gcc"]);
    expect(m.dropped).toEqual([{ name: "uv", why: "copied from the uv image" }]);
  });
});

describe("libraries trixie has only in another version", () => {
  test("PCRE 1 and OpenSSL 1.1 become PCRE2 and OpenSSL 3, with the caveat, even when the image has them", () => {
    const m = mapPackages(["pcre", "libssl1.1", "pcre-dev"], true);
    expect(m.unknown).toEqual([]);
    expect(m.packages).toEqual(["libpcre2-dev"]);
    expect(m.dropped.map((d) => d.name)).toEqual(["pcre", "libssl1.1"]);
    expect(m.substituted.map((s) => s.name)).toEqual(["pcre", "libssl1.1", "pcre-dev"]);
    expect(m.substituted[1]!.note).toMatch(/^trixie has OpenSSL 3 only/);
  });

  test("a package with an exact counterpart, or none, is no substitute", () => {
    expect(mapPackages(["openssl-dev", "musl", "libffi"], true).substituted).toEqual([]);
  });

  test("yq-go stays unresolved: Debian's yq is another tool; the hint names the binary's image", () => {
    const m = mapPackages(["yq-go"], false);
    expect(m.unknown).toEqual(["yq-go"]);
    expect(m.unresolved[0]!.hint).toContain("COPY --from=mikefarah/yq:4 /usr/bin/yq /usr/bin/yq");
  });
});
