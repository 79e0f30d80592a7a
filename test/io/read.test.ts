import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readConversations, readRaw } from '../../src/io/read.js';
import { isReject, type Conversation, type RejectMarker } from '../../src/core/types.js';
import { collect, sharedData, tempDir } from '../helpers/paths.js';

const convs = (xs: (Conversation | RejectMarker)[]) => xs.filter((x): x is Conversation => !isReject(x));
const rejects = (xs: (Conversation | RejectMarker)[]) => xs.filter(isReject);

describe('readers', () => {
  it('reads ShareGPT JSON, JSONL, .gz of either, and a folder, sorted and recursive', async () => {
    const dir = tempDir();
    const recs = [
      {
        id: 'a',
        conversations: [
          { from: 'human', value: 'hi' },
          { from: 'gpt', value: 'hello' },
        ],
      },
      {
        id: 'b',
        model: 'Model: GPT-4',
        conversations: [
          { from: 'user', value: 'q' },
          { from: 'chatgpt', value: 'r' },
        ],
      },
    ];
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(recs));
    writeFileSync(join(dir, 'a.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n'));
    writeFileSync(join(dir, 'sub', 'c.json.gz'), gzipSync(JSON.stringify(recs)));
    writeFileSync(join(dir, 'sub', 'd.jsonl.gz'), gzipSync(recs.map((r) => JSON.stringify(r) + '\n').join('')));
    writeFileSync(join(dir, 'notes.txt'), 'not data');
    const out = await collect(readConversations([dir]));
    expect(rejects(out)).toEqual([]);
    const got = convs(out);
    expect(got.map((c) => `${c.source.file.slice(dir.length + 1)}:${c.id}`)).toEqual([
      // The same records in four files: a later copy leaves under `ID#k` (duplicate_id).
      'a.jsonl:a',
      'a.jsonl:b',
      'b.json:a#2',
      'b.json:b#2',
      'sub/c.json.gz:a#3',
      'sub/c.json.gz:b#3',
      'sub/d.jsonl.gz:a#4',
      'sub/d.jsonl.gz:b#4',
    ]);
    expect(got.map((c) => c.repairs ?? [])).toEqual([[], [], ...Array(6).fill(['duplicate_id'])]);
    expect(got[1]).toMatchObject({
      model: 'Model: GPT-4',
      turns: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'r' },
      ],
      source: { line: 2 },
    });
    expect(got[3]!.source).toEqual({ file: join(dir, 'b.json'), index: 1 });
  });

  it('reads UltraChat JSONL and OpenAI messages JSONL from ../shared', async () => {
    const uc = convs(await collect(readConversations([sharedData('public', 'UltraChat_train_record0.jsonl')])));
    const raw = JSON.parse(readFileSync(sharedData('public', 'UltraChat_train_record0.jsonl'), 'utf8').split('\n')[0]!);
    expect(uc).toHaveLength(1);
    expect(uc[0]!.id).toBe(String(raw.id));
    expect(uc[0]!.turns.map((t) => t.content)).toEqual(raw.data);
    expect(uc[0]!.turns.map((t) => t.role)).toEqual(raw.data.map((_: string, i: number) => (i % 2 ? 'assistant' : 'user')));

    const oa = await collect(readConversations([sharedData('public', 'openai-cookbook_toy_chat_fine_tuning.jsonl')]));
    expect(oa).toHaveLength(5);
    const first = JSON.parse(readFileSync(sharedData('public', 'openai-cookbook_toy_chat_fine_tuning.jsonl'), 'utf8').split('\n')[0]!);
    expect(convs(oa)[0]!.turns).toEqual(first.messages.map((m: { role: string; content: string }) => ({ role: m.role, content: m.content })));
  });

  it('reads ShareGPT page HTML through __NEXT_DATA__', async () => {
    const dir = tempDir();
    const data = {
      props: {
        pageProps: {
          id: 'pg1',
          content: {
            items: [
              { from: 'human', value: 'x <b>y</b>' },
              { from: 'gpt', value: '<div class="markdown prose"><p>z</p></div>' },
            ],
          },
        },
      },
    };
    writeFileSync(join(dir, 'pg1.html'), `<html><body><script id="__NEXT_DATA__" type="application/json">${JSON.stringify(data)}</script></body></html>`);
    writeFileSync(join(dir, 'broken.html'), '<html>no payload</html>');
    const out = await collect(readConversations([dir]));
    expect(rejects(out)).toMatchObject([{ reason: 'malformed', source: { file: join(dir, 'broken.html') } }]);
    expect(convs(out)[0]).toMatchObject({ id: 'pg1', turns: [{ role: 'user', content: 'x <b>y</b>' }, { role: 'assistant' }] });
  });

  it('maps every malformed shape to `malformed` with its position, and unknown roles to `unknown_role`', async () => {
    const dir = tempDir();
    const lines = [
      '{"id":"ok","conversations":[{"from":"human","value":"a"},{"from":"gpt","value":"b"}]}',
      '{"id":"cut","conversations":[{"from":"hu',
      '[1,2]',
      '{"id":"nc"}',
      '{"id":"na","conversations":{"from":"human"}}',
      '{"id":"nv","conversations":[{"from":"human","value":null}]}',
      '{"id":"nn","conversations":[{"from":"human","value":5}]}',
      '{"id":"bing","conversations":[{"from":"human","value":"a"},{"from":"bing","value":"b"}]}',
      '"a string"',
    ];
    writeFileSync(join(dir, 'x.jsonl'), lines.join('\n') + '\n');
    const out = await collect(readConversations([join(dir, 'x.jsonl')]));
    expect(out.map((x) => (isReject(x) ? `${x.reason}@${x.source.line}` : `ok@${x.source.line}`))).toEqual([
      'ok@1',
      'malformed@2',
      'malformed@3',
      'malformed@4',
      'malformed@5',
      'malformed@6',
      'ok@7',
      'unknown_role@8',
      'malformed@9',
    ]);
    // A number is text with a repair, never silently: `non_string_value`.
    expect(convs(out).find((c) => c.id === 'nn')).toMatchObject({ turns: [{ content: '5' }], repairs: ['non_string_value'] });
    const nv = rejects(out).find((r) => r.id === 'nv')!;
    expect(nv.detail).toBe('conversations[0].value is null, not a string');
  });

  it('finds the truncated line of the shared JSONL dump at the line the manifest names', async () => {
    const manifest = JSON.parse(readFileSync(sharedData('sharegpt_html_sample.manifest.json'), 'utf8'));
    const out = await collect(readRaw([sharedData('sharegpt_html_sample.jsonl')]));
    expect(out).toHaveLength(manifest.records + 1);
    const conv = await collect(readConversations([sharedData('sharegpt_html_sample.jsonl')]));
    const bad = rejects(conv).filter((r) => r.detail?.startsWith('invalid JSON'));
    expect(bad.map((r) => r.source.line)).toEqual([manifest.jsonl_truncated_line]);
  });

  it('keeps reading after a cut .gz and reports the cut', async () => {
    const dir = tempDir();
    const recs = Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      conversations: [
        { from: 'human', value: 'q'.repeat(50) },
        { from: 'gpt', value: 'a'.repeat(50) + i },
      ],
    }));
    const gz = gzipSync(JSON.stringify(recs));
    writeFileSync(join(dir, 'cut.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const out = await collect(readConversations([join(dir, 'cut.json.gz')]));
    const ok = convs(out);
    expect(ok.length).toBeGreaterThan(10);
    expect(ok.map((c) => c.id)).toEqual(recs.slice(0, ok.length).map((r) => r.id));
    expect(rejects(out).at(-1)).toMatchObject({ reason: 'malformed' });
    expect(rejects(out).at(-1)!.detail).toMatch(/compressed stream is cut/);
  });
});
