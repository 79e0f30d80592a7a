// Reader limits, encodings, duplicate ids and odd folder entries (issue 11).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { inspectJson } from '../../src/io/limits.js';
import { readConversations, readRaw } from '../../src/io/read.js';
import { isReject, type Conversation, type RejectMarker } from '../../src/core/types.js';
import { collect, tempDir } from '../helpers/paths.js';

const rec = (id: string | number | undefined, text = 'hello there') =>
  JSON.stringify({
    ...(id !== undefined && { id }),
    conversations: [
      { from: 'human', value: 'q ' + text },
      { from: 'gpt', value: 'a ' + text },
    ],
  });
const show = (xs: (Conversation | RejectMarker)[]) => xs.map((x) => (isReject(x) ? `${x.reason}@${x.source.line ?? x.source.index ?? '-'}` : `${x.id}${x.repairs ? `[${x.repairs.join(',')}]` : ''}`));
const read = (files: string[], o: Parameters<typeof readConversations>[1] = {}) => collect(readConversations(files, { onWarning: () => undefined, ...o }));

describe('inspectJson: depth and top-level id without parsing', () => {
  it('measures nesting and finds the id as the normalizer reads it', () => {
    expect(inspectJson('{"a":[[[1]]]}', 10)).toEqual({ depth: 4, tooDeep: false });
    expect(inspectJson('['.repeat(6) + ']'.repeat(6), 5)).toMatchObject({ tooDeep: true });
    expect(inspectJson('{"x":"{[[[[[[","id":"a\\"b"}', 3)).toEqual({ depth: 1, tooDeep: false, id: 'a"b' });
    expect(inspectJson('{"meta":{"id":"inner"},"id": 12 }', 9).id).toBe('12');
    expect(inspectJson('{"id":"a","id":"b"}', 9).id).toBe('b'); // JSON.parse keeps the last
    expect(inspectJson('{"id":{"x":1}}', 9).id).toBeUndefined();
    expect(inspectJson('{"id":""}', 9).id).toBeUndefined();
    expect(inspectJson('{"ids":"no","d":"\\\\"}', 9).id).toBeUndefined();
    expect(inspectJson('{"\\u0069d":"esc"}', 9).id).toBe('esc');
  });
});

describe('JSONL limits and encodings', () => {
  it('rejects an oversized line as too_large with its position and head, and reads the lines around it', async () => {
    const dir = tempDir();
    const big = rec('big', 'x'.repeat(5000));
    writeFileSync(join(dir, 'a.jsonl'), [rec('a'), big, rec('c')].join('\n'));
    const out = await read([join(dir, 'a.jsonl')], { limits: { maxRecordBytes: 1000, keepBytes: 100 } });
    expect(show(out)).toEqual(['a', 'too_large@2', 'c']);
    const r = out[1] as RejectMarker;
    expect(r.record).toBe(big.slice(0, 100));
    const from = Buffer.byteLength(rec('a')) + 1;
    expect(r.detail).toContain(`line 2 is 9.9 KiB (bytes ${from}–${from + Buffer.byteLength(big)} of the file's text), over the 1000 B record limit`);
  });

  it('strips a BOM on every line (files joined with cat) and flags invalid UTF-8 and lone surrogates as repairs', async () => {
    const dir = tempDir();
    const bom = '\uFEFF';
    const bad = Buffer.concat([Buffer.from(rec('u').slice(0, -4)), Buffer.from([0xff, 0xfe]), Buffer.from(rec('u').slice(-4))]);
    const lone = '{"id":"s","conversations":[{"from":"human","value":"a \\ud800 b"},{"from":"gpt","value":"ok"}]}';
    writeFileSync(join(dir, 'a.jsonl'), Buffer.concat([Buffer.from(bom + rec('a') + '\n' + bom + rec('b') + '\n'), bad, Buffer.from('\n' + lone + '\n')]));
    const out = await read([join(dir, 'a.jsonl')]);
    expect(show(out)).toEqual(['a', 'b', 'u[invalid_utf8]', 's[lone_surrogate]']);
    expect((out[3] as Conversation).turns[0]!.content).toBe('a \uFFFD b');
  });

  it('rejects a line nested past maxDepth as too_deep before parsing it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl'), [rec('a'), '{"id":"d","x":' + '['.repeat(600) + ']'.repeat(600) + '}', rec('c')].join('\n'));
    const out = await read([join(dir, 'a.jsonl')]);
    expect(show(out)).toEqual(['a', 'too_deep@2', 'c']);
    expect((out[1] as RejectMarker).detail).toMatch(/nested more than 512 levels/);
  });

  it('reads UTF-16 LE and BE (with a BOM) and LE without one', async () => {
    const dir = tempDir();
    const text = [rec('é1', 'naïve ✓'), rec('é2')].join('\n') + '\n';
    const le = Buffer.from(text, 'utf16le');
    const _be = Buffer.from(le).swap16();
    writeFileSync(join(dir, 'le.jsonl'), Buffer.concat([Buffer.from([0xff, 0xfe]), le]));
    writeFileSync(join(dir, 'be.json'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(Buffer.from(`[${rec('b1')},${rec('b2')}]`, 'utf16le')).swap16()]));
    writeFileSync(join(dir, 'nobom.jsonl'), Buffer.from(rec('n1'), 'utf16le'));
    const warnings: string[] = [];
    const out = await read([dir], { onWarning: (m) => warnings.push(m) });
    expect(show(out)).toEqual(['b1', 'b2', 'é1', 'é2', 'n1']);
    expect((out[2] as Conversation).turns[0]!.content).toBe('q naïve ✓');
    expect(warnings.join('\n')).toMatch(/be\.json is UTF-16BE/);
  });
});

describe('JSON array limits', () => {
  it('rejects a too-deep and a too-large element by index, keeping the others', async () => {
    const dir = tempDir();
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    writeFileSync(join(dir, 'a.json'), `[${rec('a')},${deep},${rec('big', 'y'.repeat(3000))},${rec('d')}]`);
    const out = await read([join(dir, 'a.json')], { limits: { maxRecordBytes: 2000 } });
    expect(show(out)).toEqual(['a', 'too_deep@1', 'too_large@2', 'd']);
    expect(((out[1] as RejectMarker).record as string).length).toBeLessThanOrEqual(2000);
  });

  it('flags an element with invalid UTF-8 as a repair, not silently', async () => {
    const dir = tempDir();
    const r = rec('bad');
    const at = r.indexOf('q hello') + 1; // inside the first turn's text
    writeFileSync(join(dir, 'a.json'), Buffer.concat([Buffer.from(`[${rec('ok')},` + r.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(r.slice(at) + ']')]));
    expect(show(await read([join(dir, 'a.json')]))).toEqual(['ok', 'bad[invalid_utf8]']);
  });
});

describe('duplicate ids', () => {
  it('a later record with a taken id leaves as ID#k (repair duplicate_id), deterministically, positions included', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'x'));
    mkdirSync(join(dir, 'y'));
    writeFileSync(join(dir, 'a.jsonl'), [rec('p'), rec(1), rec('1'), rec('p#2'), rec('p'), rec('p')].join('\n'));
    // No ids: both files are "n.jsonl:1" by position (same base name in two folders).
    writeFileSync(join(dir, 'x', 'n.jsonl'), rec(undefined));
    writeFileSync(join(dir, 'y', 'n.jsonl'), rec(undefined));
    const out = await read([dir]);
    expect(show(out)).toEqual(['p', '1', '1#2[duplicate_id]', 'p#2', 'p#3[duplicate_id]', 'p#4[duplicate_id]', 'n.jsonl:1', 'n.jsonl:1#2[duplicate_id]']);
    expect(show(await read([dir]))).toEqual(show(out));
    // uniqueIds: false keeps the old behaviour for tools that want the input's ids.
    expect(show(await read([join(dir, 'a.jsonl')], { uniqueIds: false }))).toEqual(['p', '1', '1', 'p#2', 'p', 'p']);
  });
});

describe('folders with odd entries', () => {
  it('skips a FIFO and a dangling link with a file-level reject and a warning, follows a link to a file, never blocks', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl'), rec('a'));
    execFileSync('mkfifo', [join(dir, 'b.json')]);
    symlinkSync(join(dir, 'gone.jsonl'), join(dir, 'c.jsonl'));
    symlinkSync(join(dir, 'a.jsonl'), join(dir, 'd.jsonl'));
    const warnings: string[] = [];
    const out = await collect(readRaw([dir], { onWarning: (m) => warnings.push(m), uniqueIds: false }));
    const rej = out.filter(isReject);
    expect(rej.map((r) => [r.reason, r.source])).toEqual([
      ['not_a_file', { file: join(dir, 'b.json') }],
      ['unreadable', { file: join(dir, 'c.jsonl') }],
    ]);
    expect(rej[0]!.detail).toMatch(/is a FIFO/);
    expect(rej[1]!.detail).toMatch(/link to a path that does not exist/);
    expect(warnings).toHaveLength(2);
    expect(out.filter((x) => !isReject(x)).map((x) => x.source.file)).toEqual([join(dir, 'a.jsonl'), join(dir, 'd.jsonl')]);
  });

  it('a file that fails mid-read (EIO) and a link to a folder are file-level rejects; the rest is read', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'x.jsonl'), rec('x'));
    symlinkSync('/proc/self/mem', join(dir, 'a.jsonl')); // a regular file whose read fails with EIO
    symlinkSync(join(dir, 'sub'), join(dir, 'b.json'));
    const out = await collect(readRaw([dir], { onWarning: () => undefined }));
    expect(out.filter(isReject).map((r) => [r.reason, r.source.file])).toEqual([
      ['not_a_file', join(dir, 'b.json')],
      ['unreadable', join(dir, 'a.jsonl')],
    ]);
    expect(out.filter(isReject)[1]!.detail).toMatch(/EIO/);
    expect(out.filter((x) => !isReject(x)).map((x) => x.source.file)).toEqual([join(dir, 'sub', 'x.jsonl')]);
  });

  it('a FIFO named on the command line is skipped too', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'p.jsonl')]);
    const out = await collect(readRaw([join(dir, 'p.jsonl')], { onWarning: () => undefined }));
    expect(out).toMatchObject([{ reason: 'not_a_file' }]);
  });
});

describe('decompression limits', () => {
  it('rejects a .gz that inflates past the ratio limit as one file-level line; other inputs are read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync(Buffer.concat([Buffer.from(rec('first') + '\n'), Buffer.alloc(8 << 20)])));
    writeFileSync(join(dir, 'b.jsonl'), rec('b'));
    const out = await read([dir], { limits: { maxCompressionRatio: 20, ratioFloorBytes: 1 << 20 } });
    expect(show(out)).toEqual(['first', 'decompression_limit@-', 'b']);
    expect((out[1] as RejectMarker).source).toEqual({ file: join(dir, 'a.jsonl.gz') });
    expect((out[1] as RejectMarker).detail).toMatch(/inflates more than 20×/);
    const capped = await read([join(dir, 'a.jsonl.gz')], { limits: { maxDecompressedBytes: 2 << 20 } });
    expect(show(capped)).toEqual(['first', 'decompression_limit@-']);
  });
});
