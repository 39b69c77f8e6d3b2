// A module loader hook: JSON modules imported without `with { type: "json" }` (as bundlers allow, and as
// @actions/workflow-parser imports its schema) load as JSON on node 20 too.
export async function load(url, context, next) {
  if (url.endsWith(".json")) return next(url, { ...context, importAttributes: { type: "json" } });
  return next(url, context);
}
