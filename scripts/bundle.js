// After tsc: the command line as one file (dist/src/dfmod.js) and the worker thread's as another
// (dist/src/worker.js, in place of tsc's), so that a run resolves and compiles one script instead
// of ~150 modules. dist/src/cli.js, the package's bin, is the launcher (src/cli.ts) that loads
// the bundle through Node's compile cache. The library (dist/src/index.js) stays tsc's output.
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
 * `__dirname` in the project's own files means the folder tsc puts them in: a transform reads its
 * data files (copied there by postbuild.js) from beside its own module, not from beside the bundle.
 */
const ownDirname = {
  name: "own-dirname",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, "utf8");
      if (!source.includes("__dirname") || args.path.includes("node_modules")) return undefined;
      const rel = path.relative(path.join(root, "src"), path.dirname(args.path)).split(path.sep).join("/");
      const dir = `require("node:path").join(__dirname, ${JSON.stringify(rel || ".")})`;
      return { contents: source.replace(/\b__dirname\b/g, dir), loader: "ts" };
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: ["yargs", "yaml", "diff", "tree-sitter", "tree-sitter-bash", "web-tree-sitter"],
  plugins: [ownDirname],
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
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
