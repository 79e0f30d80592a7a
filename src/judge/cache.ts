/**
 * Exactly-once requests for the judge stages: every paid reply is appended to a journal (the
 * generator's Journal: group-committed, synced, torn tail repaired) under its request
 * fingerprint (model, server, messages, seed) before it is used. On a rerun the journal is read
 * first and a request found there is answered from it, never sent again; spend already journaled
 * counts against the budget. Memory holds a location per reply, not the reply; without a journal
 * nothing is kept.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Budget } from '../generate/budget.js';
import { Journal, scanJournal, type Appended } from '../generate/journal.js';
import type { Usage } from '../generate/types.js';

export interface CachedReply {
  text: string;
  fin: string | null;
}

export class ReplyCache {
  private readonly at = new Map<string, Appended>();
  private reader: FileHandle | undefined;
  /** Replies answered from the journal (not paid again). */
  hits = 0;

  private constructor(private readonly journal: Journal | undefined) {}

  /** Opens (and reads) the journal at `path`; without a path, replies are kept for this run only. */
  static async open(path: string | undefined, budget: Budget, sync = true): Promise<ReplyCache> {
    if (path === undefined) return new ReplyCache(undefined);
    const journal = await Journal.open(path, { sync });
    const c = new ReplyCache(journal);
    await scanJournal(path, (e, at) => {
      if (e.t !== 'ask') return;
      c.at.set(e.k, at);
      budget.record(e.m, e.u);
    });
    return c;
  }

  async get(key: string): Promise<CachedReply | undefined> {
    const at = this.at.get(key);
    if (!at || !this.journal) return undefined;
    this.reader ??= await open(this.journal.path, 'r');
    const buf = Buffer.alloc(at.length);
    await this.reader.read(buf, 0, at.length, at.offset);
    const e = JSON.parse(buf.toString('utf8')) as { text: string; fin: string | null };
    this.hits++;
    return { text: e.text, fin: e.fin };
  }

  /** Records a paid reply; resolves once it is on disk. */
  async put(key: string, model: string, reply: CachedReply, u: Usage): Promise<void> {
    if (!this.journal) return;
    const at = await this.journal.append({ t: 'ask', k: key, m: model, text: reply.text, fin: reply.fin, u });
    this.at.set(key, at);
  }

  async close(): Promise<void> {
    await this.reader?.close();
    this.reader = undefined;
    await this.journal?.close();
  }
}
