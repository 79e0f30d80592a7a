// Issue 11's hostile inputs, end to end through the readers and the quarantine: each costs one
// reject line (or one file-level line), within time and memory bounds, and the run goes on.
import { describe, expect, it } from 'vitest';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readConversations } from '../../src/io/read.js';
import { Quarantine } from '../../src/core/quarantine.js';
import { cleanBatch } from '../../src/clean/clean-batch.js';
import { isReject, reject, type Conversation, type RejectMarker } from '../../src/core/types.js';
import { tempDir } from '../helpers/paths.js';

const good = (id: string) =>
  JSON.stringify({
    id,
    conversations: [
      { from: 'human', value: 'what is 2+2?' },
      { from: 'gpt', value: 'It is 4.' },
    ],
  });

/** Reads everything, writes every reject to a quarantine, and measures peak RSS growth. */
async function run(inputs: string[], dir: string) {
  const q = await new Quarantine(join(dir, 'q.rejects.jsonl')).open();
  const kept: Conversation[] = [];
  const rejects: RejectMarker[] = [];
  const rss0 = process.memoryUsage().rss;
  let peak = 0;
  const t0 = Date.now();
  for await (const x of readConversations(inputs, { onWarning: () => undefined })) {
    peak = Math.max(peak, process.memoryUsage().rss - rss0);
    if (isReject(x)) {
      rejects.push(x);
      await q.write(x);
    } else kept.push(x);
  }
  await q.commit();
  const text = readFileSync(join(dir, 'q.rejects.jsonl'), 'utf8');
  const lines =
    text === ''
      ? []
      : text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { kept, rejects, lines, ms: Date.now() - t0, peakMb: peak / 2 ** 20 };
}

describe('hostile input costs one record', () => {
  it('a record nested 5,000 deep and one nested 1,000,000 deep beside a good one (JSONL and JSON)', async () => {
    const dir = tempDir();
    const d5k = '{"id":"deep","conversations":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const d1m = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    writeFileSync(join(dir, 'a.jsonl'), [good('g1'), d5k, d1m, good('g2')].join('\n'));
    writeFileSync(join(dir, 'b.json'), `[${good('g3')},${d5k},${d1m}]`);
    const r = await run([dir], dir);
    expect(r.kept.map((c) => c.id)).toEqual(['g1', 'g2', 'g3']);
    expect(r.rejects.map((x) => `${x.reason}@${x.source.line ?? x.source.index}`)).toEqual(['too_deep@2', 'too_deep@3', 'too_deep@1', 'too_deep@2']);
    expect(r.lines).toHaveLength(4);
    for (const l of r.lines) expect(String(l.record).length).toBeLessThanOrEqual(64 << 10);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('one 200 MB line between two good ones: skipped unbuffered, rejected too_large with its range', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.jsonl');
    const w = createWriteStream(file);
    w.write(good('before') + '\n{"id":"huge","conversations":[{"from":"human","value":"');
    const mb = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 200; i++) if (!w.write(mb)) await once(w, 'drain');
    w.end('"}]}\n' + good('after') + '\n');
    await once(w, 'finish');
    const r = await run([file], dir);
    expect(r.kept.map((c) => c.id)).toEqual(['before', 'after']);
    expect(r.rejects).toMatchObject([{ reason: 'too_large', source: { file, line: 2 } }]);
    expect(r.rejects[0]!.detail).toMatch(/line 2 is 200 MiB \(bytes \d+–\d+ of the file's text\), over the 16 MiB record limit/);
    expect(r.peakMb).toBeLessThan(120); // the line itself is 200 MB
  }, 60_000);

  it('a .gz that inflates to 1 GiB of NUL bytes: one decompression_limit line, the other file read, memory flat', async () => {
    const dir = tempDir();
    // 1,024 gzip members of 1 MiB of zeros each (gunzip reads them as one stream): 1 GiB inflated, 1 MB on disk.
    const member = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
    writeFileSync(join(dir, 'bomb.jsonl.gz'), Buffer.concat(Array(1024).fill(member)));
    writeFileSync(join(dir, 'ok.jsonl'), good('ok'));
    const r = await run([dir], dir);
    expect(r.kept.map((c) => c.id)).toEqual(['ok']);
    expect(r.rejects).toMatchObject([{ reason: 'decompression_limit', source: { file: join(dir, 'bomb.jsonl.gz') } }]);
    expect(r.peakMb).toBeLessThan(150);
    expect(r.ms).toBeLessThan(20_000);
  }, 60_000);

  it('a UTF-8 BOM before the first record of a JSONL file: the record is read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bom.jsonl'), '\uFEFF' + good('first') + '\n' + good('second') + '\n');
    const r = await run([dir], dir);
    expect(r.rejects).toEqual([]);
    expect(r.kept.map((c) => c.id)).toEqual(['first', 'second']);
  });
});

describe('the quarantine cannot throw', () => {
  it('writes a parsed value too deep for JSON.stringify as cut text with its byte range', async () => {
    const dir = tempDir();
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const huge = 'z'.repeat(5 << 20);
    const q = await new Quarantine(join(dir, 'q.jsonl')).open();
    await q.write(reject({ reason: 'too_deep', source: { file: 'x.jsonl', line: 7 }, id: 'd', record: deep }));
    await q.write(reject({ reason: 'too_large', source: { file: 'x.jsonl', line: 8 }, record: huge }));
    await q.write(reject({ reason: 'malformed', source: { file: 'x.jsonl', line: 9 }, record: { ok: [1, 2] } }));
    await q.commit();
    const lines = readFileSync(join(dir, 'q.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ reason: 'too_deep', source: { file: 'x.jsonl', line: 7 }, id: 'd', record_cut: { kept_bytes: 1 << 20, total_bytes: null } });
    expect(lines[0].record.startsWith('[[[[')).toBe(true);
    expect(lines[1]).toMatchObject({ reason: 'too_large', record_cut: { kept_bytes: 1 << 20, total_bytes: 5 << 20 } });
    expect(lines[1].record).toBe(huge.slice(0, 1 << 20));
    // An ordinary reject is written exactly as before: no cut fields.
    expect(lines[2]).toEqual({ reason: 'malformed', source: { file: 'x.jsonl', line: 9 }, record: { ok: [1, 2] } });
  });

  it('cleanBatch on a deep raw record (a path that bypasses the reader) rejects it, never throws', () => {
    const out = cleanBatch([{ source: { file: 'm', index: 0 }, text: '{"conversations":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}', dialect: 'auto' }]);
    expect(out[0]!.out).toMatchObject({ reason: 'too_deep' });
  });
});
