/**
 * The record types every stage speaks. A conversation is normalized to user/assistant/system
 * turns whatever format it came from; its source position travels with it so that any later
 * stage can say where a bad record came from.
 */

export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** One function call an assistant turn makes (the OpenAI / transformers chat-template shape). */
export interface ToolCall {
  type: 'function';
  function: { name: string; arguments: unknown };
  id?: string;
}

export interface Turn {
  role: Role;
  content: string;
  /** Training weight of an assistant turn: 0 leaves it untrained (unwanted-phrase mask). */
  weight?: number;
  /** Assistant turns: the calls it makes (content is then usually ''). */
  tool_calls?: ToolCall[];
  /** Tool turns: the function whose result this is. */
  name?: string;
}

/** Where a record came from: file plus 1-based line (JSONL) or 0-based array index (JSON, pages). */
export interface SourcePos {
  file: string;
  line?: number;
  index?: number;
  /**
   * 0-based ordinal of the input record in the whole run, set by the source stage: ranks share
   * the input by it and merge restores input order by it. Never written to an output.
   */
  seq?: number;
}

export interface Conversation {
  id: string;
  turns: Turn[];
  model?: string;
  source: SourcePos;
  /** Free-form metadata kept from the input (sector, persona, usage, ...). */
  meta?: Record<string, unknown>;
  /** Tool (function) definitions offered to the model, in the chat-template shape `{type:'function', function:{...}}`. */
  tools?: unknown[];
  /** Name of the source dataset (set by `mix` and the format readers; open-instruct's `dataset` field). */
  dataset?: string;
  /** Set by the `split` stage. */
  split?: 'train' | 'test';
  /** Repairs made while reading and normalizing (`invalid_utf8`, `duplicate_id`, ...), not yet counted in a report. */
  repairs?: string[];
  /** Judge scores by judge name (`judge`, `best_of_n`): one number, or one per assistant turn (`per_turn`). */
  scores?: Record<string, number | number[]>;
  /** Replies sampled for the last assistant turn, with their scores (`best_of_n`, pairwise `judge`). */
  candidates?: Candidate[];
}

/** One sampled or compared reply; `score` is null when the judge's verdict could not be parsed. */
export interface Candidate {
  content: string;
  score: number | null;
  model?: string;
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
  /** The id the record leaves under, when the reader renamed it (a duplicate id: see io/ids.ts). */
  id?: string;
  /** Repairs the reader made (`invalid_utf8`, `duplicate_id`); the normalizer passes them on. */
  repairs?: string[];
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
