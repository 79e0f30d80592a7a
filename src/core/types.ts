/**
 * The record types every stage speaks. A conversation is normalized to user/assistant/system
 * turns whatever format it came from; its source position travels with it so that any later
 * stage can say where a bad record came from.
 */

export type Role = 'system' | 'user' | 'assistant';

export interface Turn {
  role: Role;
  content: string;
  /** Training weight of an assistant turn: 0 leaves it untrained (unwanted-phrase mask). */
  weight?: number;
}

/** Where a record came from: file plus 1-based line (JSONL) or 0-based array index (JSON, pages). */
export interface SourcePos {
  file: string;
  line?: number;
  index?: number;
}

export interface Conversation {
  id: string;
  turns: Turn[];
  model?: string;
  source: SourcePos;
  /** Free-form metadata kept from the input (sector, persona, usage, ...). */
  meta?: Record<string, unknown>;
}

/** Input formats the readers know. */
export type InputFormat = 'sharegpt' | 'sharegpt-jsonl' | 'ultrachat' | 'openai' | 'sharegpt-pages';

/** A record as a reader found it: not yet validated, with its position. */
export interface RawRecord {
  source: SourcePos;
  /** The record's JSON text (one element or line); parsed by the stage that validates it. */
  text?: string;
  /** An already-parsed value (page HTML readers parse the page to find the items). */
  value?: unknown;
  /** The dialect of the value, as detected or forced by --format. */
  dialect: 'sharegpt' | 'ultrachat' | 'openai' | 'auto';
}

/** Every reason a record can be dropped. Each one is counted in the report. */
export type RejectReason =
  | 'malformed'
  | 'wrong_format'
  | 'unknown_role'
  | 'empty_turn'
  | 'error_turn'
  | 'too_short'
  | 'too_deep'
  | 'too_large'
  | 'duplicate'
  | 'near_duplicate'
  | 'model_filter'
  | 'language'
  | 'blocked_words'
  | 'unwanted_phrase'
  | 'min_turns'
  | 'max_turns'
  | 'mask_mismatch'
  | 'no_trained_tokens'
  | 'too_long'
  | (string & {});

/** A dropped record: why, where, and the original input so nothing vanishes. */
export interface Reject {
  reason: RejectReason;
  detail?: string;
  source: SourcePos;
  id?: string;
  /** The original record (parsed value when it parsed, else its raw text). */
  record?: unknown;
}

/** What a stage may yield in place of a record. */
export function isReject(x: unknown): x is RejectMarker {
  return typeof x === 'object' && x !== null && (x as RejectMarker).__reject === true;
}

export interface RejectMarker extends Reject {
  __reject: true;
}

export function reject(r: Reject): RejectMarker {
  return { __reject: true, ...r };
}

export function formatPos(p: SourcePos): string {
  if (p.line !== undefined) return `${p.file}:${p.line}`;
  if (p.index !== undefined) return `${p.file}[${p.index}]`;
  return p.file;
}
