/** Calling a transform: its context's report / leave API, and the notes checked against its message catalogue. */
import * as fixer from "./fixer";
import type { Dockerfile } from "./dockerfile";
import type { Change, ComposeChange, ComposeContext, Context, NoteInput, Reporter, Severity, Transform } from "./types";

/** A note the transform made, with its severity: from the report, else from `meta.messages`. */
export type ReportedNote = NoteInput & { severity: Severity };

function reporter(): { api: Reporter; notes: NoteInput[] } {
  const notes: NoteInput[] = [];
  const api: Reporter = {
    fix: fixer,
    report: (line, id, message, severity) => {
      notes.push(severity ? { line, id, message, severity } : { line, id, message });
    },
    leave: (line, id, message, severity) => {
      api.report(line, id, message, severity);
      return undefined;
    },
  };
  return { api, notes };
}

/**
 * The notes of a change and those reported, each with a message id the transform's catalogue
 * lists (anything else is a bug in the transform, not the user's problem: an error that names it).
 */
function checked(transform: Transform, notes: NoteInput[]): ReportedNote[] {
  return notes.map((note) => {
    const schema = Object.hasOwn(transform.meta.messages, note.id) ? transform.meta.messages[note.id] : undefined;
    if (!schema)
      throw new Error(`transform ${transform.id} reported "${note.id}", which its meta.messages does not list`);
    // Built field by field: object rest and spread are slow paths, and a run makes many notes.
    const out: ReportedNote = {
      id: note.id,
      severity: note.severity ?? schema.severity,
      line: note.line,
      message: note.message,
    };
    if (note.supersedes) out.supersedes = note.supersedes;
    if (note.packages) out.packages = note.packages;
    if (note.companion) out.companion = true;
    return out;
  });
}

function merged<C extends Change>(transform: Transform, change: C | undefined, reported: NoteInput[]): C | undefined {
  if (!change && reported.length === 0) return undefined;
  const base = change ?? ({ edits: [], notes: [] } as unknown as C);
  return { ...base, notes: checked(transform, [...base.notes, ...reported]) };
}

/**
 * `transform.apply` on one Dockerfile, with the rest of the file's context (the same for every
 * transform of the pipeline); undefined when it does not apply.
 */
export function applyTransform(
  transform: Transform,
  dockerfile: Dockerfile,
  input: Omit<Context, "dockerfile">,
): (Change & { notes: ReportedNote[] }) | undefined {
  if (!transform.apply) return undefined;
  const { api, notes } = reporter();
  // Built field by field: spreading two objects into one is V8's slow path, once per transform and file.
  const ctx: Context & Reporter = {
    dockerfile,
    path: input.path,
    context: input.context,
    options: input.options,
    fix: api.fix,
    report: api.report,
    leave: api.leave,
  };
  // Optional fields only when given, as a spread would have it (`"compose" in ctx`).
  if (input.file !== undefined) ctx.file = input.file;
  if (input.compose !== undefined) ctx.compose = input.compose;
  if (input.peers !== undefined) ctx.peers = input.peers;
  return merged(transform, transform.apply(ctx), notes) as (Change & { notes: ReportedNote[] }) | undefined;
}

/** `transform.applyCompose` on one compose file; undefined when it does not apply. */
export function applyComposeTransform(
  transform: Transform,
  ctx: ComposeContext,
): (ComposeChange & { notes: ReportedNote[] }) | undefined {
  if (!transform.applyCompose) return undefined;
  const { api, notes } = reporter();
  return merged(transform, transform.applyCompose({ ...ctx, ...api }), notes) as
    (ComposeChange & { notes: ReportedNote[] }) | undefined;
}
