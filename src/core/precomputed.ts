/**
 * What a worker thread already computed for a conversation it made (`clean`): its exact-dedup
 * hash and its ShareGPT JSON line. Handing them back spares the main thread, which is the one
 * thread every record goes through, the NFC folding, hashing and JSON.stringify of each record.
 *
 * Each is kept with the primitive values it was computed from and used only while they are
 * unchanged (checked by identity, a few comparisons per turn): a stage in between that edits a
 * record (masks a turn, renames it) gets it recomputed, so the output never depends on whether a
 * value was precomputed. A line is precomputed only for records without nested objects (meta,
 * tools, tool calls, scores, candidates), whose edits in place could not be seen.
 */
import type { Conversation } from './types.js';

/** Sent back from a worker with the conversation. */
export interface Precomputed {
  /** Exact-dedup hash (src/dedup/exact.ts). */
  hash?: bigint;
  /** `JSON.stringify(toShareGpt(conv))` as UTF-8, without its newline: written as is, never a string on the main thread. */
  line?: Uint8Array;
}

interface Memo extends Precomputed {
  /** role, content, weight of each turn, in order. */
  turns: unknown[];
  /** The conversation as it was (its id, model and source are what a line depends on besides the turns). */
  head: Head;
}

const memo = new WeakMap<object, Memo>();

/** Whether the line of `c` can be precomputed (no nested object that could change unseen). */
export function lineCacheable(c: Conversation): boolean {
  if (c.meta !== undefined || c.tools !== undefined || c.scores !== undefined || c.candidates !== undefined) return false;
  for (const t of c.turns) if (t.tool_calls !== undefined) return false;
  return true;
}

/** Remembers what was computed for `c` as it is now (call on the thread that will use it). */
export function remember(c: Conversation, p: Precomputed): void {
  const turns: unknown[] = [];
  for (const t of c.turns) turns.push(t.role, t.content, t.weight);
  memo.set(c, { hash: p.hash, line: p.line, turns, head: headOf(c) });
}

/** The remembered hash of `c`, if its roles and contents are those it was computed from. */
export function precomputedHash(c: Conversation): bigint | undefined {
  const m = memo.get(c);
  return m?.hash !== undefined && sameTurns(c, m) ? m.hash : undefined;
}

/** The remembered ShareGPT line of `c`, if nothing it depends on has changed. */
export function precomputedLine(c: Conversation): Uint8Array | undefined {
  const m = memo.get(c);
  if (m?.line === undefined || !sameTurns(c, m) || !lineCacheable(c)) return undefined;
  const h = m.head;
  const s = c.source;
  if (c.id !== h.id || c.model !== h.model || s.file !== h.file || s.line !== h.line || s.index !== h.index) return undefined;
  return m.line;
}

type Head = Pick<Conversation, 'id' | 'model'> & Pick<Conversation['source'], 'file' | 'line' | 'index'>;

function headOf(c: Conversation): Head {
  return { id: c.id, model: c.model, file: c.source.file, line: c.source.line, index: c.source.index };
}

function sameTurns(c: Conversation, m: Memo): boolean {
  const t = c.turns;
  if (!Array.isArray(t) || t.length * 3 !== m.turns.length) return false;
  for (let i = 0, j = 0; i < t.length; i++, j += 3) {
    const x = t[i]!;
    if (x.role !== m.turns[j] || x.content !== m.turns[j + 1] || x.weight !== m.turns[j + 2]) return false;
  }
  return true;
}

/** A line already serialised as JSON (UTF-8), for a writer to write as is. */
export class JsonLine {
  constructor(readonly bytes: Uint8Array) {}
}
