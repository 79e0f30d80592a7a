/**
 * What every format converter shares: its options, its result, and small helpers that turn a
 * parsed JSON value into a Conversation or a reject naming the field that was wrong.
 */
import { basename } from 'node:path';
import type { Conversation, RejectMarker, SourcePos, Turn } from '../../core/types.js';
import { reject } from '../../core/types.js';
import type { PyRandom } from './mt19937.js';

export interface FormatOptions {
  /**
   * How instruction/input pairs become a prompt: `fixed` (default; open-instruct's
   * `encode_instruction_example(random_template=False)`) or `open-instruct` (its weighted random
   * templates, seeded per record by `seed` and the record's position).
   */
  instructionTemplates?: 'fixed' | 'open-instruct';
  /** Seed of every random choice a converter makes (instruction templates, super_ni sampling). Default 42. */
  seed?: number;
  /** oasst: keep at most this many replies per message, best `quality` label first (open-instruct's top_k_reply); unset = all. */
  topKReply?: number;
  /** chatgpt_export: `current` (default) follows `current_node` to the root; `all` emits every branch (every leaf's path). */
  branches?: 'current' | 'all';
  /** super_ni: instances per task encoded zero-shot / few-shot, and exemplars per few-shot prompt (open-instruct: 60, 20, 2). */
  zeroShot?: number;
  fewShot?: number;
  nFewShot?: number;
  /** Name put in each record's `dataset` field (mix sets the source's name). */
  dataset?: string;
  /**
   * (Set by convertFile.) The file's random stream in record order: CPython's generator seeded
   * with `seed`, so random templates and super_ni samples repeat open-instruct's choices (it calls
   * `random.seed(seed)`, then draws as it converts).
   */
  stream?: PyRandom;
}

export type Converted = Array<Conversation | RejectMarker>;
export type RecordConverter = (value: unknown, source: SourcePos, opts: FormatOptions) => Converted;

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The record's own id when it has one, else `file:line` / `file:index` (the readers' convention). */
export function idOf(v: unknown, source: SourcePos, key = 'id'): string {
  const id = isObj(v) ? v[key] : undefined;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  return `${basename(source.file)}:${source.line ?? source.index ?? 0}`;
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : v === undefined ? 'missing' : typeof v;
}

/** A `malformed` (or other) reject for this record, keeping the original value. */
export function bad(value: unknown, source: SourcePos, detail: string, reason = 'malformed', id?: string): RejectMarker {
  return reject({ reason, detail, source, id: id ?? idOf(value, source), record: value });
}

/** Reads string fields; the first one that is not a string gives a reject. */
export function strings<K extends string>(value: unknown, source: SourcePos, format: string, keys: readonly K[], optional: readonly K[] = []): Record<K, string> | RejectMarker {
  if (!isObj(value)) return bad(value, source, `the record is ${typeName(value)}, not an object (${format} form)`);
  const out = {} as Record<K, string>;
  for (const k of keys) {
    const v = value[k];
    if (typeof v === 'string') out[k] = v;
    else if ((v === undefined || v === null) && optional.includes(k)) out[k] = '';
    else return bad(value, source, `\`${k}\` is ${typeName(v)}, not a string (${format} form: ${keys.join('/')})`);
  }
  return out;
}

export function conversation(value: unknown, source: SourcePos, turns: Turn[], opts: FormatOptions, id?: string): Conversation {
  const c: Conversation = { id: id ?? idOf(value, source), turns, source };
  if (opts.dataset !== undefined) c.dataset = opts.dataset;
  return c;
}

export const user = (content: string): Turn => ({ role: 'user', content });
export const assistant = (content: string): Turn => ({ role: 'assistant', content });
