// After tsc: the command line as one file (dist/src/dfmod.js) and the worker thread's as another
// (dist/src/worker.js, in place of tsc's), so that a run resolves and compiles one script instead
// of ~150 modules. dist/src/cli.js, the package's bin, is the launcher (src/cli.ts, with the shell
// parser's start bundled in) that loads the bundle through V8's code cache. The library
// (dist/src/index.js) stays tsc's output.
//
// Outside the bundle, loaded from node_modules when a run needs them: yargs (only `--help`, the
// other commands and unusual command lines read the command line with it; it reads its own files
// from its package folder), yaml (compose files), diff (the diff output), and the shell parser's
// packages (native addons found from their own folders; web-tree-sitter only where they do not load). Whitespace is
// minified, names are not: a stack trace of an internal error names the functions.
const esbuild = require("esbuild");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist", "src");

/**
 * Two rewrites of the project's own sources as esbuild loads them:
 * - `__dirname` means the folder tsc puts the file in: a transform reads its data files (copied
 *   there by postbuild.js) from beside its own module, not from beside the bundle (a file of src/
 *   itself is left as it is: the bundles are written there);
 * - `import * as fs from "node:fs"` becomes `import fs = require("node:fs")`: the same namespace,
 *   without esbuild's ES-module wrapper, which copies every property of the built-in module into a
 *   new object at load (~7 ms of a one-file run for dfmod's ~35 such imports).
 */
const ownSources = {
  name: "own-sources",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes("node_modules")) return undefined;
      let source = await fs.promises.readFile(args.path, "utf8");
      source = source.replace(/^import \* as (\w+) from ("node:[\w/]+");$/gm, "import $1 = require($2);");
      const rel = path.relative(path.join(root, "src"), path.dirname(args.path)).split(path.sep).join("/");
      // A file of src/ itself is in the bundles' own folder: its __dirname is already right.
      if (rel !== "" && source.includes("__dirname")) {
        const dir = `require("node:path").join(__dirname, ${JSON.stringify(rel)})`;
        source = source.replace(/\b__dirname\b/g, dir);
      }
      return { contents: source, loader: "ts" };
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: ["yargs", "yaml", "diff", "tree-sitter", "tree-sitter-bash", "web-tree-sitter"],
  plugins: [ownSources],
  logLevel: "warning",
  minifyWhitespace: true,
  minifySyntax: true,
  // ASCII only (esbuild's default, stated): the launcher reads the bundle as latin1.
  charset: "ascii",
  legalComments: "none",
};

async function main() {
  await esbuild.build({
    ...common,
    stdin: { contents: 'require("./main").cliMain();', resolveDir: path.join(root, "src"), loader: "js" },
    outfile: path.join(dist, "dfmod.js"),
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, "src", "worker.ts")],
    outfile: path.join(dist, "worker.js"),
  });
  // The launcher with the parser's start in it: one script for Node to resolve and compile
  // before the bundle, instead of two.
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, "src", "cli.ts")],
    outfile: path.join(dist, "cli.js"),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
