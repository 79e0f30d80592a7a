/** Fixtures of the format tests: raw inputs written by hand, and what open-instruct's own code made of them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conversation, RejectMarker } from '../../../src/core/types.js';
import { isReject } from '../../../src/core/types.js';
import { convertFile, type FormatOptions } from '../../../src/io/formats/index.js';
import { collect, ROOT } from '../../helpers/paths.js';

export const FIX = join(ROOT, 'test/io/formats/fixtures');
export const raw = (...p: string[]) => join(FIX, 'raw', ...p);
export const table = (...p: string[]) => join(FIX, 'tables', ...p);

export interface Expected {
  dataset: string;
  id: string;
  messages: { role: string; content: string }[];
  random_candidates?: [string, string][];
}

/** expected/NAME.jsonl, written by fixtures/make_reference.py from open-instruct @503407ee. */
export function expected(name: string): Expected[] {
  return readFileSync(join(FIX, 'expected', `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Expected);
}

export const messagesOf = (c: Conversation) => c.turns.map((t) => ({ role: t.role, content: t.content }));

export async function convert(files: string[], format: string, opts: FormatOptions = {}): Promise<{ convs: Conversation[]; rejects: RejectMarker[]; all: (Conversation | RejectMarker)[] }> {
  const all: (Conversation | RejectMarker)[] = [];
  for (const f of files) all.push(...(await collect(convertFile(f, format, opts))));
  return { convs: all.filter((x): x is Conversation => !isReject(x)), rejects: all.filter(isReject), all };
}
